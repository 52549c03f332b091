import { describe, expect, it } from 'vitest';
import type { Clock } from '../shared/clock.js';
import { FakeClock } from '../shared/fake-clock.js';
import { silentLogger } from '../shared/logger.js';
import { EXIT_REVOKED, EXIT_STATE_INVALID, EXIT_SWITCH_RELEASE } from './exit-codes.js';
import type { BundleRef, UpdateRecord } from './release-state.js';
import type { SupervisorMessage, WorkerMessage } from './supervisor-ipc.js';
import {
  WorkerSupervisor,
  type ReleaseFiles,
  type SupervisorEvent,
  type WorkerExit,
  type WorkerHandle,
} from './supervisor.js';

/** A clock whose sleeps end at once (recording their length) unless `holdSleeps` is set. */
class TestClock implements Clock {
  nowMs = 0;
  readonly sleeps: number[] = [];
  holdSleeps = false;
  now(): Date {
    return new Date(this.nowMs);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (!this.holdSleeps) {
      return Promise.resolve();
    }
    return new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted'))));
  }
}

/** Workers that exit as scripted; each exit can advance the clock first. */
class FakeWorkers {
  readonly started: FakeWorker[] = [];
  constructor(
    private readonly clock: TestClock,
    private readonly script: { exit: WorkerExit; ranMs?: number }[],
  ) {}
  start = (): WorkerHandle => {
    const next = this.script.shift();
    const worker = new FakeWorker();
    this.started.push(worker);
    if (next !== undefined) {
      this.clock.nowMs += next.ranMs ?? 10;
      worker.exit(next.exit);
    }
    return worker;
  };
}

class FakeWorker implements WorkerHandle {
  readonly pid = 1234;
  readonly signals: NodeJS.Signals[] = [];
  private resolveExit!: (exit: WorkerExit) => void;
  readonly exited = new Promise<WorkerExit>((resolve) => {
    this.resolveExit = resolve;
  });
  exit(exit: WorkerExit): void {
    this.resolveExit(exit);
  }
  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
    this.exit({ code: null, signal });
  }
}

const settings = { restartBaseMs: 1_000, restartCapMs: 60_000, stableWorkerMs: 60_000, updateConfirmMs: 90_000 };

function supervisor(clock: TestClock, workers: FakeWorkers, events: SupervisorEvent[] = []) {
  return new WorkerSupervisor({
    startWorker: workers.start,
    clock,
    logger: silentLogger,
    settings,
    random: () => 0.5,
    onEvent: (event) => events.push(event),
  });
}

const crash: WorkerExit = { code: 1, signal: null };

describe('supervisor', () => {
  it('restarts a crashing worker with a growing, capped backoff and counts the crash loop', async () => {
    const clock = new TestClock();
    const script = [...Array(8).fill({ exit: crash }), { exit: { code: EXIT_REVOKED, signal: null } }];
    const workers = new FakeWorkers(clock, script);
    const events: SupervisorEvent[] = [];
    expect(await supervisor(clock, workers, events).run()).toBe(EXIT_REVOKED);
    expect(workers.started).toHaveLength(9);
    expect(clock.sleeps).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    const counts = events.flatMap((event) => (event.type === 'worker-exited' ? [event.crashLoopCount] : []));
    expect(counts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 8]);
  });

  it('restarts a worker killed by a signal', async () => {
    const clock = new TestClock();
    const workers = new FakeWorkers(clock, [
      { exit: { code: null, signal: 'SIGKILL' } },
      { exit: { code: EXIT_STATE_INVALID, signal: null } },
    ]);
    expect(await supervisor(clock, workers).run()).toBe(EXIT_STATE_INVALID);
    expect(workers.started).toHaveLength(2);
  });

  it('starts a new crash count after a worker that ran for a stable period', async () => {
    const clock = new TestClock();
    const workers = new FakeWorkers(clock, [
      { exit: crash },
      { exit: crash },
      { exit: crash, ranMs: 60_000 },
      { exit: { code: EXIT_REVOKED, signal: null } },
    ]);
    const events: SupervisorEvent[] = [];
    await supervisor(clock, workers, events).run();
    const counts = events.flatMap((event) => (event.type === 'worker-exited' ? [event.crashLoopCount] : []));
    expect(counts.slice(0, 3)).toEqual([1, 2, 1]);
  });

  it('stops for good, without a restart, when the worker was revoked', async () => {
    const clock = new TestClock();
    const workers = new FakeWorkers(clock, [{ exit: { code: EXIT_REVOKED, signal: null } }]);
    expect(await supervisor(clock, workers).run()).toBe(EXIT_REVOKED);
    expect(workers.started).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('forwards stop to the worker as SIGTERM and exits 0 once it has stopped', async () => {
    const clock = new TestClock();
    const workers = new FakeWorkers(clock, []);
    const subject = supervisor(clock, workers);
    const running = subject.run();
    subject.stop();
    expect(await running).toBe(0);
    expect(workers.started).toHaveLength(1);
    expect(workers.started[0]!.signals).toEqual(['SIGTERM']);
  });

  it('kills the worker with SIGKILL on a forced stop', async () => {
    const clock = new TestClock();
    const workers = new FakeWorkers(clock, []);
    const subject = supervisor(clock, workers);
    const running = subject.run();
    subject.forceStop();
    expect(await running).toBe(0);
    expect(workers.started[0]!.signals).toEqual(['SIGKILL']);
  });

  it('exits 0 without starting another worker when stopped while waiting to restart', async () => {
    const clock = new TestClock();
    clock.holdSleeps = true;
    const events: SupervisorEvent[] = [];
    const workers = new FakeWorkers(clock, [{ exit: crash }]);
    const subject = new WorkerSupervisor({
      startWorker: workers.start,
      clock,
      logger: silentLogger,
      settings,
      random: () => 0.5,
      onEvent: (event) => {
        events.push(event);
        if (event.type === 'worker-exited') {
          // Stop arrives while the supervisor waits for the restart delay.
          queueMicrotask(() => subject.stop());
        }
      },
    });
    expect(await subject.run()).toBe(0);
    expect(workers.started).toHaveLength(1);
  });
});

// Self-update: switching the worker to an installed release, confirming it or rolling it back.

const OLD = '1.0.0';
const NEW = '1.1.0';
const NEW_PATH = '/state/releases/1.1.0/mado-agent.cjs';
const COMMAND = '11111111-2222-4333-8444-555555555555';

/** The release files of a state directory, in memory. */
class MemoryReleases implements ReleaseFiles {
  current: BundleRef | undefined;
  update: UpdateRecord | undefined;
  readonly present = new Set<string>([NEW_PATH]);
  readonly removed: string[] = [];
  readonly pruned: string[][] = [];
  readCurrent = () => this.current;
  writeCurrent = (ref: BundleRef | undefined) => {
    this.current = ref === undefined || ref.path === null ? undefined : ref;
  };
  readUpdate = () => this.update;
  writeUpdate = (record: UpdateRecord) => {
    this.update = record;
  };
  remove = (version: string) => {
    this.removed.push(version);
  };
  prune = (keep: readonly string[]) => {
    this.pruned.push([...keep]);
    return [];
  };
  exists = (path: string) => this.present.has(path);
}

function switching(overrides: Partial<UpdateRecord> = {}): UpdateRecord {
  return {
    version: 1,
    commandId: COMMAND,
    stepIndex: 0,
    from: { version: OLD, path: null },
    to: { version: NEW, path: NEW_PATH },
    phase: 'switching',
    requestedAt: 0,
    stdout: 'Updating mado-agent from 1.0.0 to latest\n',
    ...overrides,
  };
}

/** A worker the test drives: it exits, connects (IPC) and records signals and messages. */
class ScriptedWorker implements WorkerHandle {
  readonly pid = 4321;
  readonly signals: NodeJS.Signals[] = [];
  readonly received: SupervisorMessage[] = [];
  private resolveExit!: (exit: WorkerExit) => void;
  private listeners: ((message: WorkerMessage) => void)[] = [];
  readonly exited = new Promise<WorkerExit>((resolve) => {
    this.resolveExit = resolve;
  });
  constructor(readonly bundle: BundleRef | undefined) {}
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.resolveExit({ code, signal });
  }
  connect(version: string): void {
    for (const listener of this.listeners) {
      listener({ mado: 1, type: 'connected', version });
    }
  }
  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
    this.exit(null, signal);
  }
  onMessage(listener: (message: WorkerMessage) => void): void {
    this.listeners.push(listener);
  }
  send(message: SupervisorMessage): void {
    this.received.push(message);
  }
}

/** A supervisor over MemoryReleases whose workers are handed to `onStart` as they start. */
function updatingSupervisor(
  releases: MemoryReleases,
  onStart: (worker: ScriptedWorker, index: number) => void,
  clock: FakeClock = new FakeClock(0),
) {
  const workers: ScriptedWorker[] = [];
  const events: SupervisorEvent[] = [];
  const subject = new WorkerSupervisor({
    startWorker: (bundle) => {
      const worker = new ScriptedWorker(bundle);
      workers.push(worker);
      // After run() has subscribed to the worker.
      queueMicrotask(() => onStart(worker, workers.length - 1));
      return worker;
    },
    clock,
    logger: silentLogger,
    settings,
    random: () => 0.5,
    releases,
    killGraceMs: 1_000,
    onEvent: (event) => events.push(event),
  });
  return { subject, workers, events, clock };
}

describe('supervisor: agent releases', () => {
  it('starts the worker from the release current.json names', async () => {
    const releases = new MemoryReleases();
    releases.current = { version: NEW, path: NEW_PATH };
    const { subject, workers } = updatingSupervisor(releases, (worker) => worker.exit(EXIT_REVOKED));
    expect(await subject.run()).toBe(EXIT_REVOKED);
    expect(workers[0]!.bundle).toEqual({ version: NEW, path: NEW_PATH });
  });

  it('runs the worker from its own script when the recorded release is missing', async () => {
    const releases = new MemoryReleases();
    releases.current = { version: '1.2.0', path: '/state/releases/1.2.0/mado-agent.cjs' };
    const { subject, workers } = updatingSupervisor(releases, (worker) => worker.exit(EXIT_REVOKED));
    await subject.run();
    expect(workers[0]!.bundle).toBeUndefined();
  });

  it('switches to the installed release on exit 75 and confirms it once it connects as the new version', async () => {
    const releases = new MemoryReleases();
    const { subject, workers, events, clock } = updatingSupervisor(releases, (worker, index) => {
      if (index === 0) {
        releases.update = switching();
        worker.exit(EXIT_SWITCH_RELEASE);
      } else if (index === 1) {
        worker.connect(NEW);
        queueMicrotask(() => worker.exit(EXIT_REVOKED));
      }
    });
    expect(await subject.run()).toBe(EXIT_REVOKED);
    expect(workers.map((worker) => worker.bundle)).toEqual([undefined, { version: NEW, path: NEW_PATH }]);
    expect(releases.current).toEqual({ version: NEW, path: NEW_PATH });
    expect(releases.update).toMatchObject({ phase: 'confirmed', decidedAt: clock.now().getTime() });
    expect(workers[1]!.received).toEqual([{ mado: 1, type: 'update-confirmed', version: NEW }]);
    expect(releases.pruned).toEqual([[NEW, OLD]]);
    expect(events.map((event) => event.type)).toEqual([
      'worker-started',
      'worker-exited',
      'update-trial-started',
      'worker-started',
      'update-confirmed',
      'worker-exited',
    ]);
    expect(clock.pendingSleepers).toBe(0);
  });

  it('rolls back at once when the new release exits before it connects', async () => {
    const releases = new MemoryReleases();
    const { subject, workers, events } = updatingSupervisor(releases, (worker, index) => {
      if (index === 0) {
        releases.update = switching();
        worker.exit(EXIT_SWITCH_RELEASE);
      } else if (index === 1) {
        worker.exit(3);
      } else {
        worker.exit(EXIT_REVOKED);
      }
    });
    expect(await subject.run()).toBe(EXIT_REVOKED);
    expect(workers.map((worker) => worker.bundle?.version)).toEqual([undefined, NEW, undefined]);
    expect(releases.current).toBeUndefined();
    expect(releases.update).toMatchObject({
      phase: 'rolled-back',
      reason: 'it exited with code 3 before it connected to the server',
    });
    expect(releases.removed).toEqual([NEW]);
    expect(events).toContainEqual({
      type: 'update-rolled-back',
      from: OLD,
      to: NEW,
      reason: 'it exited with code 3 before it connected to the server',
    });
    // No crash-loop delay before the old release starts again.
    expect(
      events
        .filter((event) => event.type === 'worker-exited')
        .every((event) => !('restartInMs' in event && event.restartInMs !== undefined)),
    ).toBe(true);
  });

  it('rolls back to the previous installed release, not to its own script', async () => {
    const releases = new MemoryReleases();
    const previous = { version: '1.0.5', path: '/state/releases/1.0.5/mado-agent.cjs' };
    releases.present.add(previous.path);
    releases.current = previous;
    const { subject, workers } = updatingSupervisor(releases, (worker, index) => {
      if (index === 0) {
        releases.update = switching({ from: previous });
        worker.exit(EXIT_SWITCH_RELEASE);
      } else if (index === 1) {
        worker.exit(1);
      } else {
        worker.exit(EXIT_REVOKED);
      }
    });
    await subject.run();
    expect(workers.map((worker) => worker.bundle)).toEqual([previous, { version: NEW, path: NEW_PATH }, previous]);
    expect(releases.current).toEqual(previous);
  });

  it('stops and rolls back a new release that does not connect within the bound', async () => {
    const releases = new MemoryReleases();
    const clock = new FakeClock(0);
    let trial: ScriptedWorker | undefined;
    const { subject, workers } = updatingSupervisor(
      releases,
      (worker, index) => {
        if (index === 0) {
          releases.update = switching();
          worker.exit(EXIT_SWITCH_RELEASE);
        } else if (index === 1) {
          trial = worker;
        } else {
          worker.exit(EXIT_REVOKED);
        }
      },
      clock,
    );
    const running = subject.run();
    await eventually(() => trial !== undefined);
    await clock.advance(settings.updateConfirmMs - 1);
    expect(trial!.signals).toEqual([]);
    await clock.advance(1);
    expect(await running).toBe(EXIT_REVOKED);
    expect(trial!.signals).toEqual(['SIGTERM']);
    expect(releases.update).toMatchObject({
      phase: 'rolled-back',
      reason: 'it did not connect to the server within 90 s',
    });
    expect(workers).toHaveLength(3);
  });

  it('rolls back a new release that connects reporting another version', async () => {
    const releases = new MemoryReleases();
    const { subject } = updatingSupervisor(releases, (worker, index) => {
      if (index === 0) {
        releases.update = switching();
        worker.exit(EXIT_SWITCH_RELEASE);
      } else if (index === 1) {
        worker.connect('1.0.9');
      } else {
        worker.exit(EXIT_REVOKED);
      }
    });
    await subject.run();
    expect(releases.update).toMatchObject({
      phase: 'rolled-back',
      reason: 'the new bundle reports version 1.0.9, not 1.1.0',
    });
  });

  it('starts the trial again when it starts while an update is switching (stopped or rebooted mid-update)', async () => {
    const releases = new MemoryReleases();
    releases.update = switching();
    const { subject, workers } = updatingSupervisor(releases, (worker, index) => {
      if (index === 0) {
        worker.connect(NEW);
        queueMicrotask(() => worker.exit(EXIT_REVOKED));
      }
    });
    await subject.run();
    expect(workers[0]!.bundle).toEqual({ version: NEW, path: NEW_PATH });
    expect(releases.update?.phase).toBe('confirmed');
  });

  it('rolls back without starting it when the new bundle is missing', async () => {
    const releases = new MemoryReleases();
    releases.present.clear();
    releases.update = switching();
    const { subject, workers } = updatingSupervisor(releases, (worker) => worker.exit(EXIT_REVOKED));
    await subject.run();
    expect(workers.map((worker) => worker.bundle)).toEqual([undefined]);
    expect(releases.update).toMatchObject({ phase: 'rolled-back' });
    expect(releases.update?.reason).toContain('is missing');
  });

  it('leaves a confirmed or rolled-back update to the worker and restarts a worker that asked to switch for nothing', async () => {
    const releases = new MemoryReleases();
    releases.update = switching({ phase: 'confirmed' });
    const { subject, workers } = updatingSupervisor(releases, (worker, index) =>
      worker.exit(index === 0 ? EXIT_SWITCH_RELEASE : EXIT_REVOKED),
    );
    await subject.run();
    expect(workers.map((worker) => worker.bundle)).toEqual([undefined, undefined]);
    expect(releases.update?.phase).toBe('confirmed');
  });

  it('stops a worker on trial and exits 0 when asked to stop, leaving the switch to the next start', async () => {
    const releases = new MemoryReleases();
    releases.update = switching();
    const stopper: { subject?: WorkerSupervisor } = {};
    const created = updatingSupervisor(releases, () => stopper.subject!.stop());
    stopper.subject = created.subject;
    expect(await created.subject.run()).toBe(0);
    expect(created.workers[0]!.signals).toEqual(['SIGTERM']);
    expect(releases.update?.phase).toBe('switching');
  });
});

async function eventually(condition: () => boolean): Promise<void> {
  for (let round = 0; round < 100 && !condition(); round += 1) {
    await new Promise((resolve) => setImmediate(resolve));
  }
  expect(condition()).toBe(true);
}
