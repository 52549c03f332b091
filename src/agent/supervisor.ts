/**
 * `mado agent run`: a small supervisor that keeps the worker process alive, and switches it to a
 * newly installed agent release (and back, when the new one fails).
 *
 *   start worker (from releases/current.json, else this script)
 *     ──exit──▶ stop requested?        → return 0
 *               exit 75 (switch)       → update.json `switching`: start the new bundle ON TRIAL
 *               exit 77 (revoked) / 78 → return that code (restarting cannot help)
 *               anything else          → crash: wait backoff, start again
 *
 *   on trial (a worker from a bundle just installed by aws:updateSsmAgent):
 *     current.json → the new bundle, then start it and wait for the first of
 *       `connected {version}` over IPC  → version is the new one: update.json `confirmed`, tell the
 *                                          worker `update-confirmed`, keep the old and new bundles
 *                                          only, and supervise it as usual
 *       its exit, `updateConfirmMs`, or → ROLL BACK: stop it, current.json → the old bundle,
 *       a connected of another version    update.json `rolled-back` with the reason, remove the
 *                                          new bundle, start the old one at once
 *   The worker of whichever version runs next reports the invocation's outcome from update.json
 *   (self-update.ts). A supervisor that starts while update.json says `switching` (it was stopped
 *   or the node rebooted in the middle) starts the trial again.
 *
 * A worker that ran less than `stableWorkerMs` before dying extends the crash loop (its count is
 * logged and drives the backoff: capped exponential with full jitter); one that ran longer
 * starts a new count. SIGTERM/SIGINT are forwarded to the worker as SIGTERM and the supervisor
 * exits once it has stopped; a second signal kills the worker with SIGKILL.
 *
 * The worker is `process.execPath` + (Node's own flags) + the bundle of current.json or the same
 * entry script + `agent worker`, so this works from `bin/mado.js`, from the single-file bundle,
 * and under a TypeScript loader. Its IPC channel lets it notice when the supervisor disappears
 * and carries the few messages of supervisor-ipc.ts.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { backoffDelayMs, type RandomSource } from './backoff.js';
import type { AgentSettings } from './config.js';
import { EXIT_STATE_INVALID, EXIT_SWITCH_RELEASE, FINAL_EXIT_CODES } from './exit-codes.js';
import { ReleaseState, type BundleRef, type UpdateRecord } from './release-state.js';
import { parseWorkerMessage, type SupervisorMessage, type WorkerMessage } from './supervisor-ipc.js';

export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface WorkerHandle {
  readonly pid: number | undefined;
  readonly exited: Promise<WorkerExit>;
  kill(signal: NodeJS.Signals): void;
  /** Listens to the worker's IPC messages (only valid ones are passed on). */
  onMessage?(listener: (message: WorkerMessage) => void): void;
  /** Sends a message over IPC; dropped when the channel is gone. */
  send?(message: SupervisorMessage): void;
}

/** The release files of the state directory, as the supervisor uses them (release-state.ts). */
export type ReleaseFiles = Pick<
  ReleaseState,
  'readCurrent' | 'writeCurrent' | 'readUpdate' | 'writeUpdate' | 'remove' | 'prune'
> & {
  /** Whether an installed bundle is there. */
  exists(path: string): boolean;
};

export type SupervisorEvent =
  | { readonly type: 'worker-started'; readonly pid: number | undefined; readonly bundle?: BundleRef }
  | {
      readonly type: 'worker-exited';
      readonly exit: WorkerExit;
      readonly crashLoopCount: number;
      readonly restartInMs?: number;
    }
  | { readonly type: 'update-trial-started'; readonly from: string; readonly to: string }
  | { readonly type: 'update-confirmed'; readonly from: string; readonly to: string }
  | { readonly type: 'update-rolled-back'; readonly from: string; readonly to: string; readonly reason: string };

export interface SupervisorOptions {
  /** Starts a worker from `bundle` (undefined: from the script the supervisor runs). */
  readonly startWorker: (bundle: BundleRef | undefined) => WorkerHandle;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: Pick<AgentSettings, 'restartBaseMs' | 'restartCapMs' | 'stableWorkerMs' | 'updateConfirmMs'>;
  readonly random: RandomSource;
  /** Where installed releases are recorded; without it the worker always runs from this script. */
  readonly releases?: ReleaseFiles;
  /** After SIGTERM to a worker being rolled back, how long before SIGKILL. */
  readonly killGraceMs?: number;
  readonly onEvent?: (event: SupervisorEvent) => void;
}

type TrialVerdict =
  { readonly kind: 'confirmed' } | { readonly kind: 'failed'; readonly reason: string } | { readonly kind: 'stopped' };

function describeExit(exit: WorkerExit): string {
  if (exit.signal !== null) {
    return `was killed by ${exit.signal}`;
  }
  return exit.code === null ? 'could not be started' : `exited with code ${exit.code}`;
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
    // An update left `switching` by a supervisor that stopped (or a reboot) is tried again.
    let trial = this.beginTrial();
    while (!this.stopping.signal.aborted) {
      const startedAt = clock.now().getTime();
      const bundle = trial === undefined ? this.currentBundle() : { version: trial.to.version, path: trial.to.path };
      const handle = this.options.startWorker(bundle);
      this.current = handle;
      this.options.onEvent?.({ type: 'worker-started', pid: handle.pid, ...(bundle === undefined ? {} : { bundle }) });
      logger.info({ pid: handle.pid, version: bundle?.version, bundle: bundle?.path }, 'worker started');
      if (trial !== undefined) {
        const verdict = await this.awaitTrial(handle, trial);
        if (verdict.kind === 'failed') {
          await this.stopWorker(handle);
          this.current = undefined;
          this.rollBack(trial, verdict.reason);
          trial = undefined;
          continue;
        }
        if (verdict.kind === 'confirmed') {
          this.confirm(trial, handle);
        }
        trial = undefined;
      }
      const exit = await handle.exited;
      this.current = undefined;
      if (this.stopping.signal.aborted) {
        logger.info({ code: exit.code, signal: exit.signal }, 'worker stopped');
        this.options.onEvent?.({ type: 'worker-exited', exit, crashLoopCount });
        return 0;
      }
      if (exit.code === EXIT_SWITCH_RELEASE) {
        this.options.onEvent?.({ type: 'worker-exited', exit, crashLoopCount });
        trial = this.beginTrial();
        if (trial === undefined) {
          logger.warn({}, 'the worker asked to switch releases but no update is pending; restarting it');
        }
        continue;
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

  /** The bundle current.json names, if it is usable; otherwise this script (logged). */
  private currentBundle(): BundleRef | undefined {
    const releases = this.options.releases;
    if (releases === undefined) {
      return undefined;
    }
    try {
      const current = releases.readCurrent();
      if (current?.path !== null && current?.path !== undefined && !releases.exists(current.path)) {
        this.options.logger.error(
          { version: current.version, path: current.path },
          'the installed agent release is missing; running the worker from this script instead',
        );
        return undefined;
      }
      return current;
    } catch (error) {
      this.options.logger.error(
        { err: error },
        'releases/current.json is unreadable; running the worker from this script',
      );
      return undefined;
    }
  }

  /**
   * Starts an update's trial if update.json says `switching`: current.json now names the new
   * bundle. A missing bundle is rolled back at once. Returns the update on trial.
   */
  private beginTrial(): UpdateRecord | undefined {
    const releases = this.options.releases;
    if (releases === undefined) {
      return undefined;
    }
    let update: UpdateRecord | undefined;
    try {
      update = releases.readUpdate();
    } catch (error) {
      this.options.logger.error({ err: error }, 'releases/update.json is unreadable; no release switch');
      return undefined;
    }
    if (update?.phase !== 'switching') {
      return undefined;
    }
    if (!releases.exists(update.to.path)) {
      this.rollBack(update, `the bundle of mado-agent ${update.to.version} is missing (${update.to.path})`);
      return undefined;
    }
    releases.writeCurrent({ version: update.to.version, path: update.to.path });
    this.options.logger.info(
      { from: update.from.version, to: update.to.version, commandId: update.commandId },
      'starting the new agent release on trial',
    );
    this.options.onEvent?.({ type: 'update-trial-started', from: update.from.version, to: update.to.version });
    return update;
  }

  /** Waits for the worker on trial to connect (see the file header). */
  private awaitTrial(handle: WorkerHandle, update: UpdateRecord): Promise<TrialVerdict> {
    const { clock, settings } = this.options;
    const seconds = Math.round(settings.updateConfirmMs / 1000);
    const timer = new AbortController();
    return new Promise<TrialVerdict>((resolve) => {
      const decide = (verdict: TrialVerdict) => {
        timer.abort();
        this.stopping.signal.removeEventListener('abort', onStop);
        resolve(verdict);
      };
      const onStop = () => decide({ kind: 'stopped' });
      this.stopping.signal.addEventListener('abort', onStop, { once: true });
      clock.sleep(settings.updateConfirmMs, timer.signal).then(
        () => decide({ kind: 'failed', reason: `it did not connect to the server within ${seconds} s` }),
        () => {
          // Decided before the deadline.
        },
      );
      void handle.exited.then((exit) =>
        decide({ kind: 'failed', reason: `it ${describeExit(exit)} before it connected to the server` }),
      );
      handle.onMessage?.((message) => {
        if (message.type !== 'connected') {
          return;
        }
        decide(
          message.version === update.to.version
            ? { kind: 'confirmed' }
            : { kind: 'failed', reason: `the new bundle reports version ${message.version}, not ${update.to.version}` },
        );
      });
    });
  }

  private confirm(update: UpdateRecord, handle: WorkerHandle): void {
    const releases = this.options.releases!;
    const now = this.options.clock.now().getTime();
    releases.writeUpdate({ ...update, phase: 'confirmed', decidedAt: now });
    handle.send?.({ mado: 1, type: 'update-confirmed', version: update.to.version });
    // Keep the new release and the one it replaced (for a manual way back); drop older ones.
    const removed = releases.prune([update.to.version, update.from.version]);
    this.options.logger.info(
      { from: update.from.version, to: update.to.version, removed },
      'the new agent release connected; update confirmed',
    );
    this.options.onEvent?.({ type: 'update-confirmed', from: update.from.version, to: update.to.version });
  }

  private rollBack(update: UpdateRecord, reason: string): void {
    const releases = this.options.releases!;
    const now = this.options.clock.now().getTime();
    releases.writeCurrent(update.from);
    releases.writeUpdate({ ...update, phase: 'rolled-back', reason, decidedAt: now });
    releases.remove(update.to.version);
    this.options.logger.error(
      { from: update.from.version, to: update.to.version, reason },
      `mado-agent ${update.to.version} failed its trial; rolled back to ${update.from.version}`,
    );
    this.options.onEvent?.({ type: 'update-rolled-back', from: update.from.version, to: update.to.version, reason });
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves once the worker is gone. */
  private async stopWorker(handle: WorkerHandle): Promise<void> {
    handle.kill('SIGTERM');
    const grace = new AbortController();
    const killLater = this.options.clock.sleep(this.options.killGraceMs ?? 10_000, grace.signal).then(
      () => handle.kill('SIGKILL'),
      () => {
        // The worker stopped within the grace period.
      },
    );
    await handle.exited;
    grace.abort();
    await killLater;
  }
}

/**
 * Spawns `node <bundle or entry script> agent worker …` with an IPC channel; see the file header.
 */
export function spawnWorkerProcess(workerArgs: readonly string[], bundlePath?: string | null): WorkerHandle {
  const entryScript = bundlePath ?? process.argv[1];
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
    onMessage: (listener) => {
      child.on('message', (raw: unknown) => {
        const message = parseWorkerMessage(raw);
        if (message !== undefined) {
          listener(message);
        }
      });
    },
    send: (message) => {
      if (child.connected) {
        child.send(message, (error) => {
          // The worker went away meanwhile; it learns the outcome from update.json at its next start.
          void error;
        });
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
  readonly settings: Pick<AgentSettings, 'restartBaseMs' | 'restartCapMs' | 'stableWorkerMs' | 'updateConfirmMs'>;
  /** Checks the state directory first; returns a message when the agent cannot run. */
  readonly checkState: () => string | undefined;
}

/** The release files of a state directory for the supervisor. */
export function releaseFilesOf(stateDir: string): ReleaseFiles {
  const state = new ReleaseState(stateDir);
  return {
    readCurrent: () => state.readCurrent(),
    writeCurrent: (ref) => state.writeCurrent(ref),
    readUpdate: () => state.readUpdate(),
    writeUpdate: (record) => state.writeUpdate(record),
    remove: (version) => state.remove(version),
    prune: (keep) => state.prune(keep),
    exists: (path) => existsSync(path),
  };
}

/** Runs the supervisor in this process with signal handling; returns the exit code. */
export async function runSupervisorProcess(options: SupervisorProcessOptions): Promise<number> {
  const problem = options.checkState();
  if (problem !== undefined) {
    console.error(`mado agent: ${problem}`);
    return EXIT_STATE_INVALID;
  }
  const supervisor = new WorkerSupervisor({
    startWorker: (bundle) => spawnWorkerProcess(options.workerArgs, bundle?.path),
    clock: options.clock,
    logger: options.logger,
    settings: options.settings,
    random: Math.random,
    releases: releaseFilesOf(options.stateDir),
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
