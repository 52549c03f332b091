import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentMessage, DeliveredInvocation } from '../protocol/agent-protocol.js';
import type { Clock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import type { AgentEvent } from './agent-events.js';
import type { StepAction, StepOutcome } from './actions/step-action.js';
import { InvocationManager } from './invocation-manager.js';
import { INTERRUPTED_STEP_MESSAGE, Journal } from './journal.js';

const COMMAND_ID = '11111111-2222-4333-8444-555555555555';

let root: string;
let nowMs: number;
let runs: string[];
let releases: Map<string, (outcome: StepOutcome) => void>;

const clock: Clock = {
  now: () => new Date(nowMs),
  sleep: () => Promise.reject(new Error('the manager does not sleep')),
};

/** Counts runs; finishes at once. */
const countAction: StepAction = {
  name: 'test:count',
  platforms: ['Linux', 'Windows', 'MacOS'],
  run: (step, context) => {
    runs.push(`${context.commandId}:${step.name}`);
    return Promise.resolve({ outcome: 'Success', responseCode: 0, stdout: 'ran\n', stderr: '' });
  },
};

/** Counts runs; finishes when the test releases it, or Cancelled when stopped. */
const blockingAction: StepAction = {
  name: 'test:block',
  platforms: ['Linux', 'Windows', 'MacOS'],
  run: (step, context) => {
    runs.push(`${context.commandId}:${step.name}`);
    return new Promise<StepOutcome>((resolve) => {
      releases.set(context.commandId, resolve);
      context.signal.addEventListener('abort', () =>
        resolve({ outcome: 'Cancelled', responseCode: 143, stdout: '', stderr: 'stopped' }),
      );
    });
  },
};

class Harness {
  readonly sent: AgentMessage[] = [];
  readonly events: AgentEvent[] = [];
  private waiters: { predicate: (event: AgentEvent) => boolean; resolve: (event: AgentEvent) => void }[] = [];
  readonly journal = Journal.open(join(root, 'journal'));
  readonly manager = new InvocationManager({
    journal: this.journal,
    clock,
    logger: silentLogger,
    settings: { resultResendMs: 30_000, acknowledgedRetentionMs: 7 * 24 * 3600 * 1000 },
    onEvent: (event) => {
      this.events.push(event);
      this.waiters = this.waiters.filter((waiter) => {
        if (waiter.predicate(event)) {
          waiter.resolve(event);
          return false;
        }
        return true;
      });
    },
    runner: {
      nodeId: 'mi-0123456789abcdef0',
      platformType: 'Linux',
      platform: 'linux',
      workRoot: join(root, 'work'),
      env: process.env,
      clock,
      killGraceMs: 1_000,
      maxOutputBytes: 1024,
      actions: new Map([
        [countAction.name, countAction],
        [blockingAction.name, blockingAction],
      ]),
    },
  });

  constructor(connected = true) {
    if (connected) {
      this.manager.attach((message) => {
        this.sent.push(message);
        return true;
      });
    }
  }

  /** Resolves with the first matching event, past or future. */
  next(predicate: (event: AgentEvent) => boolean): Promise<AgentEvent> {
    const seen = this.events.find(predicate);
    if (seen !== undefined) {
      return Promise.resolve(seen);
    }
    return new Promise((resolve) => this.waiters.push({ predicate, resolve }));
  }

  finished(commandId = COMMAND_ID) {
    return this.next((event) => event.type === 'invocation-finished' && event.commandId === commandId);
  }

  types(): string[] {
    return this.sent.map((message) => message.type);
  }
}

function invocation(action = 'test:count', commandId = COMMAND_ID): DeliveredInvocation {
  return {
    commandId,
    documentName: 'Test',
    defaultTimeoutSeconds: 60,
    steps: [{ action, name: 'only', inputs: {} }],
  };
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mado-manager-'));
  nowMs = 1_000_000;
  runs = [];
  releases = new Map();
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('invocation manager', () => {
  it('journals a delivered command before it sends accepted, then runs it and sends the result', async () => {
    const journalFile = join(root, 'journal', `${COMMAND_ID}.json`);
    let journaledWhenAccepted = false;
    const harness = new Harness(false);
    harness.manager.attach((message) => {
      if (message.type === 'accepted') {
        journaledWhenAccepted = existsSync(journalFile);
      }
      harness.sent.push(message);
      return true;
    });
    harness.manager.handleDeliver(invocation());
    await harness.finished();
    expect(journaledWhenAccepted).toBe(true);
    expect(harness.types()).toEqual(['accepted', 'result']);
    expect(harness.sent[1]).toMatchObject({
      type: 'result',
      commandId: COMMAND_ID,
      outcome: 'Success',
      steps: [{ name: 'only', outcome: 'Success', responseCode: 0, stdout: 'ran\n' }],
    });
    expect(runs).toEqual([`${COMMAND_ID}:only`]);
  });

  it('answers a repeated deliver of a running command with accepted only', async () => {
    const harness = new Harness();
    harness.manager.handleDeliver(invocation('test:block'));
    harness.manager.handleDeliver(invocation('test:block'));
    expect(harness.types()).toEqual(['accepted', 'accepted']);
    releases.get(COMMAND_ID)!({ outcome: 'Success', responseCode: 0, stdout: '', stderr: '' });
    await harness.finished();
    expect(runs).toHaveLength(1);
  });

  it('resends the result of a finished command on a repeated deliver, without running it again', async () => {
    const harness = new Harness();
    harness.manager.handleDeliver(invocation());
    await harness.finished();
    harness.manager.handleDeliver(invocation());
    expect(harness.types()).toEqual(['accepted', 'result', 'accepted', 'result']);
    expect(runs).toHaveLength(1);
  });

  it('moves a command to done on resultAck and never runs it again, even after a restart', async () => {
    const harness = new Harness();
    harness.manager.handleDeliver(invocation());
    await harness.finished();
    harness.manager.handleResultAck(COMMAND_ID);
    expect(harness.journal.get(COMMAND_ID)).toBeUndefined();
    expect(harness.manager.unfinishedIds()).toEqual([]);

    const restarted = new Harness();
    restarted.manager.handleDeliver(invocation());
    expect(restarted.types()).toEqual(['accepted', 'result']);
    expect(restarted.sent[1]).toMatchObject({ type: 'result', outcome: 'Success' });
    expect(runs).toHaveLength(1);
  });

  it('resends an unacknowledged result once resultResendMs has passed, and stops after resultAck', async () => {
    const harness = new Harness();
    harness.manager.handleDeliver(invocation());
    await harness.finished();
    harness.manager.tick(nowMs + 29_999);
    expect(harness.types()).toEqual(['accepted', 'result']);
    nowMs += 30_000;
    harness.manager.tick(nowMs);
    expect(harness.types()).toEqual(['accepted', 'result', 'result']);
    harness.manager.handleResultAck(COMMAND_ID);
    nowMs += 60_000;
    harness.manager.tick(nowMs);
    expect(harness.types()).toEqual(['accepted', 'result', 'result']);
  });

  it('keeps a result finished while disconnected and sends it on the next connection', async () => {
    const harness = new Harness(false);
    harness.manager.handleDeliver(invocation());
    await harness.finished();
    expect(harness.sent).toEqual([]);
    expect(harness.manager.unfinishedIds()).toEqual([COMMAND_ID]);
    harness.manager.attach((message) => {
      harness.sent.push(message);
      return true;
    });
    expect(harness.types()).toEqual(['result']);
  });

  it('reports a command that was running when the agent died as Failed and never runs it again', async () => {
    const crashed = new Harness();
    crashed.manager.handleDeliver(invocation('test:block'));
    expect(crashed.journal.get(COMMAND_ID)?.state).toBe('running');
    // The worker "dies" here: nothing finishes the invocation; a new worker opens the journal.

    const restarted = new Harness(false);
    expect(restarted.manager.recover()).toEqual([COMMAND_ID]);
    restarted.manager.startAccepted();
    restarted.manager.attach((message) => {
      restarted.sent.push(message);
      return true;
    });
    expect(restarted.sent).toEqual([
      {
        type: 'result',
        commandId: COMMAND_ID,
        outcome: 'Failed',
        steps: [
          {
            name: 'only',
            action: 'test:block',
            outcome: 'Failed',
            responseCode: -1,
            startedAt: nowMs,
            endedAt: nowMs,
            stdout: '',
            stderr: INTERRUPTED_STEP_MESSAGE,
          },
        ],
      },
    ]);
    restarted.manager.handleDeliver(invocation('test:block'));
    expect(runs).toHaveLength(1);
  });

  it('runs a command that was accepted but not started when the agent died, once', async () => {
    const first = new Harness(false);
    first.journal.tryAccept(invocation(), nowMs);
    const restarted = new Harness();
    restarted.manager.recover();
    restarted.manager.startAccepted();
    await restarted.finished();
    restarted.manager.startAccepted();
    expect(runs).toEqual([`${COMMAND_ID}:only`]);
    expect(restarted.types()).toEqual(['result']);
  });

  it('stops a running command on cancel and reports it Cancelled', async () => {
    const harness = new Harness();
    harness.manager.handleDeliver(invocation('test:block'));
    harness.manager.handleCancel(COMMAND_ID);
    const finished = await harness.finished();
    expect(finished).toMatchObject({ outcome: 'Cancelled' });
    expect(harness.sent.at(-1)).toMatchObject({ type: 'result', outcome: 'Cancelled' });
  });

  it('leaves running commands for the next start to report when it shuts down', async () => {
    const harness = new Harness();
    harness.manager.handleDeliver(invocation('test:block'));
    await harness.manager.shutdown();
    expect(harness.journal.get(COMMAND_ID)?.state).toBe('running');
    expect(harness.types()).toEqual(['accepted']);
    harness.manager.handleDeliver(invocation('test:block', '99999999-2222-4333-8444-555555555555'));
    expect(runs).toHaveLength(1);
  });

  it('ignores a command id that is not a UUID instead of using it as a file name', () => {
    const harness = new Harness();
    const hostile = '../../../../../../../../tmp/evil.x'.padEnd(36, 'x');
    expect(hostile).toHaveLength(36);
    harness.manager.handleDeliver(invocation('test:count', hostile));
    harness.manager.handleCancel(hostile);
    harness.manager.handleResultAck(hostile);
    expect(harness.sent).toEqual([]);
    expect(runs).toEqual([]);
    expect(existsSync('/tmp/evil.xxx.json')).toBe(false);
  });

  it('lists every accepted, running and finished command as unfinished', async () => {
    const harness = new Harness();
    harness.manager.handleDeliver(invocation('test:block'));
    harness.manager.handleDeliver(invocation('test:count', '99999999-2222-4333-8444-555555555555'));
    await harness.finished('99999999-2222-4333-8444-555555555555');
    expect(harness.manager.unfinishedIds()).toEqual([COMMAND_ID, '99999999-2222-4333-8444-555555555555']);
    await harness.manager.shutdown();
  });
});

describe('invocation manager: holding starts for an agent self-update', () => {
  const OTHER_ID = '22222222-2222-4333-8444-555555555555';
  const UPDATE_ID = '33333333-2222-4333-8444-555555555555';

  it('accepts deliveries while starts are held and runs them on resumeStarts', async () => {
    const harness = new Harness();
    harness.manager.holdStarts();
    harness.manager.handleDeliver(invocation('test:count', OTHER_ID));
    expect(harness.types()).toEqual(['accepted']);
    expect(harness.journal.get(OTHER_ID)?.state).toBe('accepted');
    harness.manager.startAccepted();
    expect(runs).toEqual([]);
    harness.manager.resumeStarts();
    await harness.finished(OTHER_ID);
    expect(runs).toEqual([`${OTHER_ID}:only`]);
  });

  it('waits in drainOthers until every other invocation has ended, not for the caller itself', async () => {
    const harness = new Harness();
    harness.manager.handleDeliver(invocation('test:block', UPDATE_ID));
    harness.manager.handleDeliver(invocation('test:block', OTHER_ID));
    expect(harness.manager.runningOtherThan(UPDATE_ID)).toBe(1);
    let drained = false;
    const draining = harness.manager.drainOthers(UPDATE_ID, new AbortController().signal).then((done) => {
      drained = done;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBe(false);
    releases.get(OTHER_ID)!({ outcome: 'Success', responseCode: 0, stdout: '', stderr: '' });
    await draining;
    expect(drained).toBe(true);
    expect(harness.manager.runningOtherThan(UPDATE_ID)).toBe(0);
    await harness.manager.shutdown();
  });

  it('gives up draining when its signal aborts', async () => {
    const harness = new Harness();
    harness.manager.handleDeliver(invocation('test:block', OTHER_ID));
    const controller = new AbortController();
    const draining = harness.manager.drainOthers(UPDATE_ID, controller.signal);
    controller.abort('timeout');
    expect(await draining).toBe(false);
    await harness.manager.shutdown();
  });

  it('keeps the commands it is told to out of crash recovery', () => {
    const harness = new Harness();
    for (const commandId of [UPDATE_ID, OTHER_ID]) {
      harness.journal.tryAccept(invocation('test:count', commandId), nowMs);
      harness.journal.markRunning(commandId, nowMs);
    }
    expect(harness.manager.recover(new Set([UPDATE_ID]))).toEqual([OTHER_ID]);
    expect(harness.journal.get(UPDATE_ID)?.state).toBe('running');
  });

  it('finishes a running invocation reported from elsewhere once, and sends its result', () => {
    const harness = new Harness();
    harness.journal.tryAccept(invocation('test:count', UPDATE_ID), nowMs);
    harness.journal.markRunning(UPDATE_ID, nowMs);
    const steps = [
      { name: 'only', action: 'test:count', outcome: 'Success' as const, responseCode: 0, stdout: 'ok\n', stderr: '' },
    ];
    expect(harness.manager.finishFromElsewhere(UPDATE_ID, 'Success', steps)).toBe(true);
    expect(harness.manager.finishFromElsewhere(UPDATE_ID, 'Success', steps)).toBe(false);
    expect(harness.sent).toEqual([{ type: 'result', commandId: UPDATE_ID, outcome: 'Success', steps }]);
  });
});
