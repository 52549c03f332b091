/**
 * `progress` frames: while a step runs, its output so far goes to the server about once a second
 * when it has changed, only while connected; the result still carries everything.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentMessage, DeliveredInvocation } from '../protocol/agent-protocol.js';
import { FakeClock } from '../shared/fake-clock.js';
import { silentLogger } from '../shared/logger.js';
import type { StepAction, StepOutcome } from './actions/step-action.js';
import { CappedOutput, liveOutputOf } from './capped-output.js';
import { InvocationManager } from './invocation-manager.js';
import { Journal } from './journal.js';

const COMMAND_ID = '11111111-2222-4333-8444-555555555555';

let root: string;
let clock: FakeClock;
/** The running step's streams and how to end it, per step name. */
let streams: Map<string, { stdout: CappedOutput; stderr: CappedOutput; end: (outcome: StepOutcome) => void }>;

/** A step whose output the test writes, and which ends when the test says so. */
const streamingAction: StepAction = {
  name: 'test:stream',
  platforms: ['Linux', 'Windows', 'MacOS'],
  run: (step, context) =>
    new Promise<StepOutcome>((resolve) => {
      const stdout = new CappedOutput(context.maxOutputBytes);
      const stderr = new CappedOutput(context.maxOutputBytes);
      streams.set(step.name, { stdout, stderr, end: resolve });
      context.onLiveOutput?.(liveOutputOf(stdout, stderr));
    }),
};

function invocation(stepNames: string[]): DeliveredInvocation {
  return {
    commandId: COMMAND_ID,
    documentName: 'Test',
    defaultTimeoutSeconds: 60,
    steps: stepNames.map((name) => ({ action: 'test:stream', name, inputs: {} })),
  };
}

class Harness {
  readonly sent: AgentMessage[] = [];
  connected = true;
  readonly finished: Promise<void>;
  private onFinished!: () => void;
  readonly manager: InvocationManager;

  constructor(maxOutputBytes = 1024) {
    this.finished = new Promise((resolve) => (this.onFinished = resolve));
    this.manager = new InvocationManager({
      journal: Journal.open(join(root, 'journal')),
      clock,
      logger: silentLogger,
      settings: { resultResendMs: 30_000, acknowledgedRetentionMs: 3_600_000 },
      progressIntervalMs: 1_000,
      onEvent: (event) => {
        if (event.type === 'invocation-finished') {
          this.onFinished();
        }
      },
      runner: {
        nodeId: 'mi-0123456789abcdef0',
        platformType: 'Linux',
        platform: 'linux',
        workRoot: join(root, 'work'),
        env: process.env,
        clock,
        killGraceMs: 1_000,
        maxOutputBytes,
        actions: new Map([[streamingAction.name, streamingAction]]),
      },
    });
    this.manager.attach((message) => {
      if (!this.connected) {
        return false;
      }
      this.sent.push(message);
      return true;
    });
  }

  progress() {
    return this.sent.flatMap((message) => (message.type === 'progress' ? [message] : []));
  }
}

/** Lets the runner reach the step (it starts asynchronously). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mado-progress-'));
  clock = new FakeClock(1_000_000);
  streams = new Map();
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('progress of a running step', () => {
  it('sends the output so far once a second when it changed, and nothing after the result', async () => {
    const harness = new Harness();
    harness.manager.handleDeliver(invocation(['only']));
    await settle();
    const step = streams.get('only')!;

    // No output yet: nothing to report.
    await clock.advance(1_000);
    expect(harness.progress()).toEqual([]);

    step.stdout.push(Buffer.from('first line\n'));
    await clock.advance(999);
    expect(harness.progress()).toEqual([]);
    await clock.advance(1);
    expect(harness.progress()).toEqual([
      { type: 'progress', commandId: COMMAND_ID, step: 'only', stdout: 'first line\n', stderr: '' },
    ]);

    // Unchanged: not sent again.
    await clock.advance(3_000);
    expect(harness.progress()).toHaveLength(1);

    step.stdout.push(Buffer.from('second line\n'));
    step.stderr.push(Buffer.from('a warning\n'));
    await clock.advance(1_000);
    expect(harness.progress().at(-1)).toEqual({
      type: 'progress',
      commandId: COMMAND_ID,
      step: 'only',
      stdout: 'first line\nsecond line\n',
      stderr: 'a warning\n',
    });

    step.end({ outcome: 'Success', responseCode: 0, stdout: 'first line\nsecond line\n', stderr: 'a warning\n' });
    await harness.finished;
    expect(harness.sent.map((message) => message.type)).toEqual(['accepted', 'progress', 'progress', 'result']);
    await clock.advance(5_000);
    expect(harness.sent.at(-1)?.type).toBe('result');
    expect(clock.pendingSleepers).toBe(0);
  });

  it('skips progress while disconnected and sends the latest output once connected again', async () => {
    const harness = new Harness();
    harness.manager.handleDeliver(invocation(['only']));
    await settle();
    const step = streams.get('only')!;
    harness.connected = false;
    step.stdout.push(Buffer.from('while offline\n'));
    await clock.advance(2_000);
    expect(harness.progress()).toEqual([]);

    harness.connected = true;
    await clock.advance(1_000);
    expect(harness.progress()).toEqual([
      { type: 'progress', commandId: COMMAND_ID, step: 'only', stdout: 'while offline\n', stderr: '' },
    ]);
    step.end({ outcome: 'Success', responseCode: 0, stdout: 'while offline\n', stderr: '' });
    await harness.finished;
  });

  it('keeps to the agent output cap', async () => {
    const harness = new Harness(8);
    harness.manager.handleDeliver(invocation(['only']));
    await settle();
    const step = streams.get('only')!;
    step.stdout.push(Buffer.from('0123456789abcdef'));
    await clock.advance(1_000);
    const [frame] = harness.progress();
    expect(frame?.stdout.startsWith('01234567\n---Output truncated')).toBe(true);
    expect(frame?.stdout).not.toContain('89abcdef');
    step.end({ outcome: 'Success', responseCode: 0, stdout: '', stderr: '' });
    await harness.finished;
  });

  it('sends the whole output of a step that ended when another step follows, then the next step’s', async () => {
    const harness = new Harness();
    harness.manager.handleDeliver(invocation(['first', 'second']));
    await settle();
    streams.get('first')!.stdout.push(Buffer.from('one\n'));
    streams.get('first')!.end({ outcome: 'Success', responseCode: 0, stdout: 'one\ntwo\n', stderr: '' });
    await settle();
    expect(harness.progress()).toEqual([
      { type: 'progress', commandId: COMMAND_ID, step: 'first', stdout: 'one\ntwo\n', stderr: '' },
    ]);
    streams.get('second')!.stdout.push(Buffer.from('three\n'));
    await clock.advance(1_000);
    expect(harness.progress().at(-1)).toMatchObject({ step: 'second', stdout: 'three\n' });
    streams.get('second')!.end({ outcome: 'Success', responseCode: 0, stdout: 'three\n', stderr: '' });
    await harness.finished;
    // The last step's output comes with the result only.
    expect(harness.sent.map((message) => message.type)).toEqual(['accepted', 'progress', 'progress', 'result']);
  });
});
