/**
 * `mado agent run`: a small supervisor that keeps the worker process alive.
 *
 *   start worker ──exit──▶ stop requested?        → return 0
 *                          exit 77 (revoked) / 78 → return that code (restarting cannot help)
 *                          anything else          → crash: wait backoff, start again
 *
 * A worker that ran less than `stableWorkerMs` before dying extends the crash loop (its count is
 * logged and drives the backoff: capped exponential with full jitter); one that ran longer
 * starts a new count. SIGTERM/SIGINT are forwarded to the worker as SIGTERM and the supervisor
 * exits once it has stopped; a second signal kills the worker with SIGKILL.
 *
 * The worker is `process.execPath` + the same entry script (+ Node's own flags) + `agent worker`,
 * so this works from `bin/mado.js`, from the single-file bundle, and under a TypeScript loader.
 * It gets an IPC channel only so that it notices when the supervisor disappears.
 */
import { spawn } from 'node:child_process';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { backoffDelayMs, type RandomSource } from './backoff.js';
import type { AgentSettings } from './config.js';
import { EXIT_STATE_INVALID, FINAL_EXIT_CODES } from './exit-codes.js';

export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface WorkerHandle {
  readonly pid: number | undefined;
  readonly exited: Promise<WorkerExit>;
  kill(signal: NodeJS.Signals): void;
}

export type SupervisorEvent =
  | { readonly type: 'worker-started'; readonly pid: number | undefined }
  | {
      readonly type: 'worker-exited';
      readonly exit: WorkerExit;
      readonly crashLoopCount: number;
      readonly restartInMs?: number;
    };

export interface SupervisorOptions {
  readonly startWorker: () => WorkerHandle;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: Pick<AgentSettings, 'restartBaseMs' | 'restartCapMs' | 'stableWorkerMs'>;
  readonly random: RandomSource;
  readonly onEvent?: (event: SupervisorEvent) => void;
}

export class WorkerSupervisor {
  private readonly stopping = new AbortController();
  private current: WorkerHandle | undefined;

  constructor(private readonly options: SupervisorOptions) {}

  /** Asks the worker to stop (SIGTERM); `run` then resolves 0 once it has exited. */
  stop(): void {
    if (this.stopping.signal.aborted) {
      return;
    }
    this.stopping.abort();
    this.current?.kill('SIGTERM');
  }

  /** Kills the worker at once (SIGKILL); for a second Ctrl-C or a stuck worker. */
  forceStop(): void {
    this.stopping.abort();
    this.current?.kill('SIGKILL');
  }

  /** Supervises until stopped or until the worker exits with a final code; returns the exit code. */
  async run(): Promise<number> {
    const { clock, logger, settings } = this.options;
    let crashLoopCount = 0;
    while (!this.stopping.signal.aborted) {
      const startedAt = clock.now().getTime();
      const handle = this.options.startWorker();
      this.current = handle;
      this.options.onEvent?.({ type: 'worker-started', pid: handle.pid });
      logger.info({ pid: handle.pid }, 'worker started');
      const exit = await handle.exited;
      this.current = undefined;
      if (this.stopping.signal.aborted) {
        logger.info({ code: exit.code, signal: exit.signal }, 'worker stopped');
        this.options.onEvent?.({ type: 'worker-exited', exit, crashLoopCount });
        return 0;
      }
      if (exit.code !== null && FINAL_EXIT_CODES.has(exit.code)) {
        logger.error({ code: exit.code }, 'worker exited for good; not restarting');
        this.options.onEvent?.({ type: 'worker-exited', exit, crashLoopCount });
        return exit.code;
      }
      const ranMs = clock.now().getTime() - startedAt;
      crashLoopCount = ranMs >= settings.stableWorkerMs ? 1 : crashLoopCount + 1;
      const restartInMs = backoffDelayMs(
        crashLoopCount - 1,
        { baseMs: settings.restartBaseMs, capMs: settings.restartCapMs },
        this.options.random,
      );
      logger.warn(
        { code: exit.code, signal: exit.signal, ranMs, crashLoopCount, restartInMs },
        'worker exited unexpectedly; restarting',
      );
      this.options.onEvent?.({ type: 'worker-exited', exit, crashLoopCount, restartInMs });
      try {
        await clock.sleep(restartInMs, this.stopping.signal);
      } catch {
        return 0;
      }
    }
    return 0;
  }
}

/** Spawns `node <entry script> agent worker …` with an IPC channel; see the file header. */
export function spawnWorkerProcess(workerArgs: readonly string[]): WorkerHandle {
  const entryScript = process.argv[1];
  if (entryScript === undefined) {
    throw new Error('cannot tell which script started this process (process.argv[1] is empty)');
  }
  const child = spawn(process.execPath, [...process.execArgv, entryScript, 'agent', 'worker', ...workerArgs], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<WorkerExit>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', () => resolve({ code: null, signal: null }));
  });
  return {
    pid: child.pid,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
      }
    },
  };
}

export interface SupervisorProcessOptions {
  readonly stateDir: string;
  /** Arguments for the worker after `agent worker` (state dir, log level). */
  readonly workerArgs: readonly string[];
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: Pick<AgentSettings, 'restartBaseMs' | 'restartCapMs' | 'stableWorkerMs'>;
  /** Checks the state directory first; returns a message when the agent cannot run. */
  readonly checkState: () => string | undefined;
}

/** Runs the supervisor in this process with signal handling; returns the exit code. */
export async function runSupervisorProcess(options: SupervisorProcessOptions): Promise<number> {
  const problem = options.checkState();
  if (problem !== undefined) {
    console.error(`mado agent: ${problem}`);
    return EXIT_STATE_INVALID;
  }
  const supervisor = new WorkerSupervisor({
    startWorker: () => spawnWorkerProcess(options.workerArgs),
    clock: options.clock,
    logger: options.logger,
    settings: options.settings,
    random: Math.random,
  });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    options.logger.info({ signal }, signals === 1 ? 'stopping the worker' : 'killing the worker');
    if (signals === 1) {
      supervisor.stop();
    } else {
      supervisor.forceStop();
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    return await supervisor.run();
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
