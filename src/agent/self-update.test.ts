import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveredInvocation, InvocationOutcome, StepResult } from '../protocol/agent-protocol.js';
import { FakeClock } from '../shared/fake-clock.js';
import { silentLogger } from '../shared/logger.js';
import { Journal } from './journal.js';
import { ReleaseState, type UpdateRecord } from './release-state.js';
import { SelfUpdate, type SupervisorChannel } from './self-update.js';
import type { SupervisorMessage, WorkerMessage } from './supervisor-ipc.js';

const COMMAND = '11111111-2222-4333-8444-555555555555';
const T0 = Date.UTC(2026, 0, 1);

const invocation: DeliveredInvocation = {
  commandId: COMMAND,
  documentName: 'AWS-UpdateSSMAgent',
  defaultTimeoutSeconds: 600,
  steps: [{ action: 'aws:updateSsmAgent', name: 'aws:updateSsmAgent', inputs: {} }],
};

let root: string;
let journal: Journal;
let state: ReleaseState;
let clock: FakeClock;

/** The manager's side as SelfUpdate uses it, recording what it was asked. */
class FakeManager {
  held = 0;
  resumed = 0;
  finished: { outcome: InvocationOutcome; steps: readonly StepResult[] }[] = [];
  holdStarts = () => {
    this.held += 1;
  };
  resumeStarts = () => {
    this.resumed += 1;
  };
  runningOtherThan = () => 0;
  drainOthers = () => Promise.resolve(true);
  finishFromElsewhere = (commandId: string, outcome: InvocationOutcome, steps: readonly StepResult[]) => {
    if (journal.get(commandId)?.state !== 'running') {
      return false;
    }
    journal.finish(commandId, outcome, steps, clock.now().getTime());
    this.finished.push({ outcome, steps });
    return true;
  };
}

class FakeSupervisor implements SupervisorChannel {
  readonly sent: WorkerMessage[] = [];
  private listener: ((message: SupervisorMessage) => void) | undefined;
  send(message: WorkerMessage): void {
    this.sent.push(message);
  }
  onMessage(listener: (message: SupervisorMessage) => void): void {
    this.listener = listener;
  }
  deliver(message: SupervisorMessage): void {
    this.listener?.(message);
  }
}

function record(overrides: Partial<UpdateRecord> = {}): UpdateRecord {
  return {
    version: 1,
    commandId: COMMAND,
    stepIndex: 0,
    from: { version: '1.0.0', path: null },
    to: { version: '1.1.0', path: join(root, 'releases', '1.1.0', 'mado-agent.cjs') },
    phase: 'switching',
    requestedAt: T0 + 1_000,
    stdout: 'Updating mado-agent from 1.0.0 to latest\nInitiating mado-agent update to 1.1.0\n',
    ...overrides,
  };
}

/** The journal as the old worker leaves it: running, the step's fallback result recorded. */
function journalRunningUpdate(): void {
  journal.tryAccept(invocation, T0);
  journal.markRunning(COMMAND, T0);
  journal.recordStepStarted(COMMAND, 0, T0 + 500);
  journal.recordStepFinished(COMMAND, 0, {
    name: 'aws:updateSsmAgent',
    action: 'aws:updateSsmAgent',
    outcome: 'Failed',
    responseCode: -1,
    startedAt: T0 + 500,
    endedAt: T0 + 1_000,
    stdout: '',
    stderr: 'The agent restarted to run mado-agent 1.1.0; the outcome of the update was not recorded.\n',
  });
}

function selfUpdate(version: string, options: { supervisor?: SupervisorChannel; onSwitch?: () => void } = {}) {
  const manager = new FakeManager();
  const subject = new SelfUpdate({
    state,
    journal,
    releases: { find: () => Promise.reject(new Error('unused')), download: () => Promise.reject(new Error('unused')) },
    clock,
    logger: silentLogger,
    version,
    ...(options.supervisor === undefined ? {} : { supervisor: options.supervisor }),
    requestSwitch: options.onSwitch ?? (() => {}),
  });
  subject.bind(manager);
  return { subject, manager };
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mado-self-update-'));
  journal = Journal.open(join(root, 'journal'));
  state = new ReleaseState(root);
  clock = new FakeClock(T0 + 5_000);
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('self-update, worker side', () => {
  it('reports a confirmed update as Success with the old and the new version, once', async () => {
    journalRunningUpdate();
    state.writeUpdate(record({ phase: 'confirmed' }));
    const { subject, manager } = selfUpdate('1.1.0');
    expect(subject.settle()).toEqual({ keepRunning: new Set(), isOnTrial: false });
    expect(manager.finished).toHaveLength(1);
    expect(manager.finished[0]!.outcome).toBe('Success');
    expect(manager.finished[0]!.steps[0]).toEqual({
      name: 'aws:updateSsmAgent',
      action: 'aws:updateSsmAgent',
      outcome: 'Success',
      responseCode: 0,
      startedAt: T0 + 500,
      endedAt: T0 + 5_000,
      stdout:
        'Updating mado-agent from 1.0.0 to latest\nInitiating mado-agent update to 1.1.0\nmado-agent updated successfully to 1.1.0 (was 1.0.0)\n',
      stderr: '',
    });
    expect(state.readUpdate()).toBeUndefined();
    // A second start finds nothing left to report.
    expect(selfUpdate('1.1.0').subject.settle().isOnTrial).toBe(false);
  });

  it('reports a rolled-back update as Failed with the reason', async () => {
    journalRunningUpdate();
    state.writeUpdate(
      record({ phase: 'rolled-back', reason: 'it exited with code 3 before it connected to the server' }),
    );
    const { subject, manager } = selfUpdate('1.0.0');
    subject.settle();
    expect(manager.finished[0]!.outcome).toBe('Failed');
    expect(manager.finished[0]!.steps[0]).toMatchObject({
      outcome: 'Failed',
      responseCode: 1,
      stdout: record().stdout,
      stderr:
        'mado-agent 1.1.0 did not take over: it exited with code 3 before it connected to the server. Rolled back: mado-agent 1.0.0 is running.\n',
    });
    expect(state.readUpdate()).toBeUndefined();
  });

  it('keeps the invocation running and holds new commands while on trial, then reports Success once confirmed', async () => {
    journalRunningUpdate();
    state.writeUpdate(record());
    const supervisor = new FakeSupervisor();
    const { subject, manager } = selfUpdate('1.1.0', { supervisor });
    expect(subject.settle()).toEqual({ keepRunning: new Set([COMMAND]), isOnTrial: true });
    expect(manager.held).toBe(1);
    expect(journal.get(COMMAND)?.state).toBe('running');

    subject.onWelcomed();
    expect(supervisor.sent).toEqual([{ mado: 1, type: 'connected', version: '1.1.0' }]);
    expect(manager.finished).toHaveLength(0);

    state.writeUpdate(record({ phase: 'confirmed' }));
    supervisor.deliver({ mado: 1, type: 'update-confirmed', version: '1.1.0' });
    expect(manager.finished.map((finished) => finished.outcome)).toEqual(['Success']);
    expect(manager.resumed).toBe(1);
    expect(state.readUpdate()).toBeUndefined();
    // A later confirmation (another welcome) changes nothing.
    supervisor.deliver({ mado: 1, type: 'update-confirmed', version: '1.1.0' });
    expect(manager.finished).toHaveLength(1);
  });

  it('confirms itself on its first welcome when no supervisor runs it', async () => {
    journalRunningUpdate();
    state.writeUpdate(record());
    const { subject, manager } = selfUpdate('1.1.0');
    subject.settle();
    subject.onWelcomed();
    expect(manager.finished.map((finished) => finished.outcome)).toEqual(['Success']);
    expect(state.readUpdate()).toBeUndefined();
  });

  it('reports Failed when a worker of another version finds the switch undone', async () => {
    journalRunningUpdate();
    state.writeUpdate(record());
    const { subject, manager } = selfUpdate('1.0.0');
    expect(subject.settle().isOnTrial).toBe(false);
    expect(manager.finished[0]!.steps[0]!.stderr).toContain('the agent restarted as mado-agent 1.0.0, not 1.1.0');
  });

  it('only removes the record when the invocation was already reported (a crash after the journal write)', async () => {
    journalRunningUpdate();
    journal.finish(COMMAND, 'Success', [], T0 + 2_000);
    state.writeUpdate(record({ phase: 'confirmed' }));
    const { subject, manager } = selfUpdate('1.1.0');
    subject.settle();
    expect(manager.finished).toHaveLength(0);
    expect(state.readUpdate()).toBeUndefined();
  });

  it('sets an unreadable record aside instead of failing to start', async () => {
    state.writeUpdate(record());
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(root, 'releases', 'update.json'), '{"version": 1, "phase": ');
    expect(selfUpdate('1.1.0').subject.settle()).toEqual({ keepRunning: new Set(), isOnTrial: false });
    expect(existsSync(join(root, 'releases', 'update.json'))).toBe(false);
  });

  it('records the switch with the bundle it runs from, then asks to restart', async () => {
    let asked = 0;
    const supervisor = new FakeSupervisor();
    const installed = state.install('1.0.5', new Uint8Array([1, 2, 3]));
    state.writeCurrent({ version: '1.0.5', path: installed });
    const { subject } = selfUpdate('1.0.5', { supervisor, onSwitch: () => (asked += 1) });
    expect(subject.canSwitch).toBe(true);
    subject.switchTo({
      commandId: COMMAND,
      stepIndex: 0,
      to: { version: '1.1.0', path: state.bundlePath('1.1.0') },
      stdout: 'out\n',
    });
    expect(state.readUpdate()).toEqual({
      version: 1,
      commandId: COMMAND,
      stepIndex: 0,
      from: { version: '1.0.5', path: installed },
      to: { version: '1.1.0', path: state.bundlePath('1.1.0') },
      phase: 'switching',
      requestedAt: T0 + 5_000,
      stdout: 'out\n',
    });
    expect(asked).toBe(1);
    expect(selfUpdate('1.0.5').subject.canSwitch).toBe(false);
  });

  it('lets one update at a time claim the node', () => {
    const { subject } = selfUpdate('1.0.0');
    expect(subject.tryBeginUpdate(COMMAND)).toBeUndefined();
    expect(subject.tryBeginUpdate('22222222-2222-4333-8444-555555555555')).toBe(COMMAND);
    subject.endUpdate(COMMAND);
    expect(subject.tryBeginUpdate('22222222-2222-4333-8444-555555555555')).toBeUndefined();
  });

  it('refuses release records that name a bundle outside the releases directory', () => {
    state.writeCurrent({ version: '1.1.0', path: '/tmp/elsewhere.cjs' });
    expect(() => state.readCurrent()).toThrow(/is not where release 1.1.0 is installed/);
    state.writeUpdate(record({ to: { version: '1.1.0', path: '/tmp/elsewhere.cjs' } }));
    expect(() => state.readUpdate()).toThrow(/is not where release 1.1.0 is installed/);
  });
});
