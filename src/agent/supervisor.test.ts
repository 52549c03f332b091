import { describe, expect, it } from 'vitest';
import type { Clock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { EXIT_REVOKED, EXIT_STATE_INVALID } from './exit-codes.js';
import { WorkerSupervisor, type SupervisorEvent, type WorkerExit, type WorkerHandle } from './supervisor.js';

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

const settings = { restartBaseMs: 1_000, restartCapMs: 60_000, stableWorkerMs: 60_000 };

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
