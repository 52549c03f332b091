/**
 * The node side of exactly-once: turns `deliver`, `cancel` and `resultAck` frames into journal
 * transitions and runs, whatever the state of the connection.
 *
 * On `deliver`:
 *   unknown                → journal it (accepted), THEN send `accepted`, then run it
 *   accepted / running     → send `accepted` again; nothing else
 *   finished               → send `accepted` and resend the stored result
 *   acknowledged (done/)   → send `accepted` and the stored result if still kept; never run
 * On `cancel`: a running invocation's process tree is killed and it finishes Cancelled; a
 *   finished one has its result resent.
 * On `resultAck`: finished → acknowledged (moved to journal/done/).
 *
 * While a script step runs, its output so far (the whole capped text) is sent in a `progress`
 * frame every `progressIntervalMs` when it has changed, and once more when a step that is not the
 * last one ends. Progress is best effort: without a connection it is skipped, never journaled or
 * resent; the result carries every step's output and stays the source of truth.
 *
 * Results are sent when an invocation finishes, again on every new connection (`attach`), and
 * again from `tick` while unacknowledged for `resultResendMs`. Without a connection, sends are
 * dropped: the journal, not the socket, is the source of truth.
 *
 * Modes: normal → shutting down (no new deliveries accepted; running invocations are stopped
 * and left `running` in the journal, so that the next start reports them Failed: the same path
 * as a crash). Starts can also be held (`holdStarts`) while an agent self-update waits for the
 * other invocations to end or is on trial: deliveries are then journaled and accepted but start
 * only on `resumeStarts` (or in the next worker, which starts accepted invocations).
 */
import type { AgentMessage, DeliveredInvocation, InvocationOutcome, StepResult } from '../protocol/agent-protocol.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { AgentEventListener } from './agent-events.js';
import type { LiveOutput } from './capped-output.js';
import type { AgentSettings } from './config.js';
import { fitStepsToFrame } from './fit-result.js';
import { interruptedResult, isSafeCommandId, type Journal, type JournalEntry } from './journal.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  killProcessTree,
  isRecordedProcessAlive,
  tryKillOrphanedTree,
  type ProcessFingerprint,
} from './process-tree.js';
import { runInvocation, type RunnerOptions } from './runner.js';
import { readStepExit } from './step-host.js';
import { recoverHostedStep, resultFromStepExit } from './step-recovery.js';

/** Sends one frame if a connection is up; false when it was dropped. */
export type SendFrame = (message: AgentMessage) => boolean;

export interface InvocationManagerOptions {
  readonly journal: Journal;
  readonly runner: RunnerOptions;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: Pick<AgentSettings, 'resultResendMs' | 'acknowledgedRetentionMs'>;
  readonly onEvent?: AgentEventListener;
  /** How often a running step's new output is sent (`progress` frames); default 1 s. */
  readonly progressIntervalMs?: number;
}

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;
/** How often a restarted worker looks for the exit.json of a step that outlived the old worker. */
const HOST_POLL_MS = 200;
export const DEFAULT_PROGRESS_INTERVAL_MS = 1_000;

/** The step of an invocation whose output is being reported now. */
interface LiveStep {
  index: number;
  output: LiveOutput | undefined;
}

interface Running {
  readonly controller: AbortController;
  readonly done: Promise<void>;
}

export class InvocationManager {
  private send: SendFrame | undefined;
  private readonly running = new Map<string, Running>();
  private readonly resultSentAt = new Map<string, number>();
  private lastPruneAt = Number.NEGATIVE_INFINITY;
  private isShuttingDown = false;
  private isHoldingStarts = false;

  constructor(private readonly options: InvocationManagerOptions) {}

  private now(): number {
    return this.options.clock.now().getTime();
  }

  private emit(event: Parameters<AgentEventListener>[0]): void {
    this.options.onEvent?.(event);
  }

  /** Commands accepted and not yet acknowledged (for the hello). */
  unfinishedIds(): string[] {
    return this.options.journal.unfinishedIds();
  }

  /** Number of invocations running now. */
  get runningCount(): number {
    return this.running.size;
  }

  /**
   * At worker start, before connecting. An entry left `running` by a crash whose step ran under
   * a step host is finished with the step's recorded result, or, while that host still runs,
   * adopted: its exit.json is awaited (step-recovery.ts). Any other `running` entry becomes
   * finished and Failed (its leftover processes are killed when they can be identified for
   * sure). Acknowledged entries past retention are pruned. Returns the recovered command ids.
   */
  recover(except: ReadonlySet<string> = new Set()): string[] {
    const recovered: string[] = [];
    const now = this.now();
    const root = this.options.runner.stepHost?.root;
    for (const entry of this.options.journal.list()) {
      if (entry.state !== 'running' || except.has(entry.commandId)) {
        continue;
      }
      recovered.push(entry.commandId);
      const hosted =
        root === undefined ? undefined : recoverHostedStep(entry, root, this.options.runner.maxOutputBytes);
      if (hosted?.kind === 'finished') {
        this.options.logger.warn(
          { commandId: entry.commandId, outcome: hosted.outcome },
          'command was running when the agent stopped; its step had ended: reporting its recorded result',
        );
        this.emit({ type: 'invocation-recovered', commandId: entry.commandId, killedLeftovers: false });
        this.finish(entry.commandId, hosted.outcome, hosted.steps);
        continue;
      }
      if (hosted?.kind === 'wait') {
        this.options.logger.warn(
          { commandId: entry.commandId },
          'command was running when the agent stopped; its step still runs: waiting for it to end',
        );
        this.emit({ type: 'invocation-recovered', commandId: entry.commandId, killedLeftovers: false });
        this.adopt(entry, hosted.dir, hosted.host, hosted.deadline);
        continue;
      }
      const fingerprint = entry.activeStep?.process;
      const killedLeftovers = fingerprint !== undefined && tryKillOrphanedTree(fingerprint);
      const note = killedLeftovers ? 'Its leftover processes were killed when the agent restarted.' : undefined;
      const { outcome, steps } = interruptedResult(entry, now, note);
      this.options.journal.finish(entry.commandId, outcome, steps, now);
      this.removeStepFiles(entry.commandId);
      this.options.logger.warn(
        { commandId: entry.commandId, killedLeftovers },
        'command was running when the agent stopped; reporting it Failed without running it again',
      );
      this.emit({ type: 'invocation-recovered', commandId: entry.commandId, killedLeftovers });
    }
    this.prune(now);
    return recovered;
  }

  /**
   * Waits for the step host of a step that outlived the previous worker, then finishes the
   * invocation with its recorded result. Cancel kills its tree (Cancelled); shutdown kills it
   * and leaves the entry `running`; past `deadline` it is killed and reported interrupted.
   */
  private adopt(entry: JournalEntry, dir: string, host: ProcessFingerprint, deadline: number): void {
    const controller = new AbortController();
    const { commandId } = entry;
    const index = entry.activeStep?.index ?? 0;
    const wait = async (): Promise<void> => {
      const { clock } = this.options;
      for (;;) {
        const exit = readStepExit(dir);
        if (exit !== undefined && !controller.signal.aborted) {
          const result = resultFromStepExit(entry, index, dir, exit, this.options.runner.maxOutputBytes);
          this.finish(commandId, result.outcome, result.steps);
          return;
        }
        const alive = isRecordedProcessAlive(host);
        if (controller.signal.aborted || !alive || clock.now().getTime() >= deadline) {
          if (alive) {
            await killProcessTree(host.processGroupId, this.options.runner.killGraceMs, clock);
          }
          if (controller.signal.aborted && controller.signal.reason === 'shutdown') {
            return;
          }
          const note = controller.signal.aborted
            ? 'The command was cancelled; the processes of this step were stopped.'
            : alive
              ? 'The step did not end within its time limit after the restart; its processes were killed.'
              : undefined;
          const interrupted = interruptedResult(this.options.journal.get(commandId) ?? entry, this.now(), note);
          const outcome = controller.signal.aborted ? 'Cancelled' : interrupted.outcome;
          this.finish(commandId, outcome, interrupted.steps);
          return;
        }
        try {
          await clock.sleep(HOST_POLL_MS, controller.signal);
        } catch {
          // Aborted: the next pass stops the step.
        }
      }
    };
    const done = wait()
      .catch((error: unknown) => {
        this.options.logger.error({ commandId, err: error }, 'could not record a command result');
      })
      .finally(() => {
        this.running.delete(commandId);
      });
    this.running.set(commandId, { controller, done });
  }

  /** Removes the step hosts' files of a command (its result is in the journal entry now). */
  private removeStepFiles(commandId: string): void {
    const root = this.options.runner.stepHost?.root;
    if (root !== undefined && isSafeCommandId(commandId)) {
      rmSync(join(root, commandId), { recursive: true, force: true });
    }
  }

  /** Starts the invocations that were accepted but had not started when the agent stopped. */
  startAccepted(): void {
    if (this.isHoldingStarts) {
      return;
    }
    for (const entry of this.options.journal.list()) {
      if (entry.state === 'accepted' && !this.running.has(entry.commandId)) {
        this.start(entry);
      }
    }
  }

  /** A connection was welcomed: frames go there now, and pending results are resent. */
  attach(send: SendFrame): void {
    this.send = send;
    for (const entry of this.options.journal.list()) {
      if (entry.state === 'finished') {
        this.sendResult(entry);
      }
    }
  }

  detach(): void {
    this.send = undefined;
  }

  private sendFrame(message: AgentMessage): boolean {
    return this.send?.(message) ?? false;
  }

  private sendResult(entry: JournalEntry): void {
    if (entry.outcome === undefined) {
      return;
    }
    const sent = this.sendFrame({
      type: 'result',
      commandId: entry.commandId,
      outcome: entry.outcome,
      steps: [...entry.steps],
    });
    if (sent) {
      this.resultSentAt.set(entry.commandId, this.now());
      this.emit({ type: 'result-sent', commandId: entry.commandId });
    }
  }

  /** Sends a step's output so far (cut to fit a frame); false when there is no connection. */
  private sendProgress(commandId: string, step: string, stdout: string, stderr: string): boolean {
    if (this.send === undefined) {
      return false;
    }
    const [fitted] = fitStepsToFrame([{ name: step, action: '', outcome: 'Success', responseCode: 0, stdout, stderr }]);
    return this.sendFrame({
      type: 'progress',
      commandId,
      step,
      stdout: fitted?.stdout ?? '',
      stderr: fitted?.stderr ?? '',
    });
  }

  /** Until `stop` aborts: every interval, sends the running step's output if it changed. */
  private async reportProgress(invocation: DeliveredInvocation, live: LiveStep, stop: AbortSignal): Promise<void> {
    const intervalMs = this.options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    let sent: { readonly index: number; readonly version: number } | undefined;
    for (;;) {
      try {
        await this.options.clock.sleep(intervalMs, stop);
      } catch {
        // Stopped: the invocation ended (its result carries the whole output).
        return;
      }
      const { index, output } = live;
      const step = invocation.steps[index];
      if (output === undefined || step === undefined || this.send === undefined) {
        continue;
      }
      const version = output.version();
      if (version === 0 || (sent?.index === index && sent.version === version)) {
        continue;
      }
      if (this.sendProgress(invocation.commandId, step.name, output.stdout(), output.stderr())) {
        sent = { index, version };
      }
    }
  }

  private isUsableId(commandId: string, frame: string): boolean {
    if (isSafeCommandId(commandId)) {
      return true;
    }
    this.options.logger.warn({ commandId, frame }, 'command id is not a UUID; frame ignored');
    return false;
  }

  handleDeliver(invocation: DeliveredInvocation): void {
    const { commandId } = invocation;
    const { journal } = this.options;
    if (!this.isUsableId(commandId, 'deliver')) {
      return;
    }
    const live = journal.get(commandId);
    if (live !== undefined) {
      this.emit({ type: 'invocation-duplicate', commandId, state: live.state });
      this.sendFrame({ type: 'accepted', commandId });
      if (live.state === 'finished') {
        this.sendResult(live);
      }
      return;
    }
    if (this.isShuttingDown) {
      // Not journaled, not accepted: the server delivers it again after the restart.
      return;
    }
    if (!journal.tryAccept(invocation, this.now())) {
      const done = journal.readAcknowledged(commandId);
      this.emit({ type: 'invocation-duplicate', commandId, state: done?.state ?? 'acknowledged' });
      this.sendFrame({ type: 'accepted', commandId });
      if (done !== undefined) {
        this.sendResult(done);
      }
      return;
    }
    // The journal entry is on disk: only now may the server be told, and the command start.
    this.sendFrame({ type: 'accepted', commandId });
    this.emit({ type: 'invocation-accepted', commandId });
    const entry = journal.get(commandId);
    if (entry !== undefined && !this.isHoldingStarts) {
      this.start(entry);
    }
  }

  /** Accepted invocations stay accepted (not started) until `resumeStarts`. */
  holdStarts(): void {
    this.isHoldingStarts = true;
  }

  /** Ends `holdStarts` and starts what was accepted meanwhile. */
  resumeStarts(): void {
    this.isHoldingStarts = false;
    if (!this.isShuttingDown) {
      this.startAccepted();
    }
  }

  /**
   * Holds new starts and waits until no invocation but `commandId` runs. Resolves false when
   * `signal` aborts first (starts stay held: the caller resumes them).
   */
  async drainOthers(commandId: string, signal: AbortSignal): Promise<boolean> {
    this.holdStarts();
    const aborted = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    for (;;) {
      const others = [...this.running].filter(([id]) => id !== commandId).map(([, running]) => running.done);
      if (others.length === 0) {
        return true;
      }
      if (signal.aborted) {
        return false;
      }
      await Promise.race([Promise.all(others), aborted]);
    }
  }

  /** Number of invocations running now other than `commandId`. */
  runningOtherThan(commandId: string): number {
    return [...this.running.keys()].filter((id) => id !== commandId).length;
  }

  /**
   * Finishes an invocation that is `running` in the journal without running here (the one whose
   * self-update restarted the worker), and sends its result. Does nothing for another state.
   */
  finishFromElsewhere(commandId: string, outcome: InvocationOutcome, steps: readonly StepResult[]): boolean {
    const entry = this.options.journal.get(commandId);
    if (entry?.state !== 'running' || this.running.has(commandId)) {
      return false;
    }
    this.finish(commandId, outcome, steps);
    return true;
  }

  handleCancel(commandId: string): void {
    if (!this.isUsableId(commandId, 'cancel')) {
      return;
    }
    const running = this.running.get(commandId);
    if (running !== undefined) {
      this.options.logger.info({ commandId }, 'cancelling command');
      running.controller.abort('cancel');
      return;
    }
    const entry = this.options.journal.get(commandId) ?? this.options.journal.readAcknowledged(commandId);
    if (entry?.outcome !== undefined) {
      this.sendResult(entry);
      return;
    }
    this.options.logger.warn({ commandId }, 'cancel for a command this node does not run; ignored');
  }

  handleResultAck(commandId: string): void {
    if (!this.isUsableId(commandId, 'resultAck')) {
      return;
    }
    if (this.options.journal.acknowledge(commandId, this.now())) {
      this.resultSentAt.delete(commandId);
      this.emit({ type: 'result-acknowledged', commandId });
      return;
    }
    const entry = this.options.journal.get(commandId);
    if (entry !== undefined) {
      this.options.logger.warn(
        { commandId, state: entry.state },
        'resultAck for a command that has not finished; ignored',
      );
    }
  }

  /** Periodic work (called on every heartbeat): resend unacknowledged results, prune. */
  tick(now: number): void {
    for (const entry of this.options.journal.list()) {
      if (entry.state !== 'finished') {
        continue;
      }
      const sentAt = this.resultSentAt.get(entry.commandId);
      if (sentAt === undefined || now - sentAt >= this.options.settings.resultResendMs) {
        this.sendResult(entry);
      }
    }
    if (now - this.lastPruneAt >= PRUNE_INTERVAL_MS) {
      this.prune(now);
    }
  }

  private prune(now: number): void {
    this.lastPruneAt = now;
    const removed = this.options.journal.pruneAcknowledged(now, this.options.settings.acknowledgedRetentionMs);
    if (removed > 0) {
      this.options.logger.debug({ removed }, 'pruned acknowledged journal entries');
    }
  }

  private start(entry: JournalEntry): void {
    const controller = new AbortController();
    const done = this.execute(entry, controller.signal)
      .catch((error: unknown) => {
        this.options.logger.error({ commandId: entry.commandId, err: error }, 'could not record a command result');
      })
      .finally(() => {
        this.running.delete(entry.commandId);
      });
    this.running.set(entry.commandId, { controller, done });
  }

  private async execute(entry: JournalEntry, signal: AbortSignal): Promise<void> {
    const { journal } = this.options;
    const { commandId } = entry;
    // On disk before any process starts: a crash from here on is reported, never re-run.
    journal.markRunning(commandId, this.now());
    let result: Awaited<ReturnType<typeof runInvocation>>;
    const live: LiveStep = { index: -1, output: undefined };
    const stopProgress = new AbortController();
    const progress = this.reportProgress(entry.invocation, live, stopProgress.signal);
    const lastIndex = entry.invocation.steps.length - 1;
    try {
      result = await runInvocation(entry.invocation, this.options.runner, {
        signal,
        onStepStarted: (index, startedAt) => journal.recordStepStarted(commandId, index, startedAt),
        onProcessStarted: (index, fingerprint) => {
          try {
            journal.recordProcessStarted(commandId, index, fingerprint);
          } catch (error) {
            // Only crash clean-up needs it; the step itself must go on (and be killable).
            this.options.logger.warn({ commandId, err: error }, 'could not journal the process of a step');
          }
        },
        onStepFinished: (index, step) => {
          journal.recordStepFinished(commandId, index, step);
          const streamed = live.index === index && live.output !== undefined;
          live.output = undefined;
          if (streamed && index < lastIndex) {
            // The step's whole output now, rather than at the end of the invocation.
            this.sendProgress(commandId, step.name, step.stdout, step.stderr);
          }
        },
        onStepOutput: (index, output) => {
          live.index = index;
          live.output = output;
        },
      });
    } catch (error) {
      // A fault of the agent itself (e.g. the disk is full): report the command Failed.
      this.options.logger.error({ commandId, err: error }, 'command could not be run');
      const message = `mado-agent could not run this step: ${(error as Error).message}`;
      const current = journal.get(commandId) ?? entry;
      const failed = interruptedResult(current, this.now(), undefined, { running: message, notStarted: message });
      this.finish(commandId, failed.outcome, failed.steps);
      return;
    } finally {
      // No progress after this point: the result follows.
      stopProgress.abort();
      await progress;
    }
    if (result.stoppedBy === 'shutdown') {
      // Left `running` on purpose: the next start reports it like a crash (Failed, not re-run).
      return;
    }
    this.finish(commandId, result.outcome, result.steps);
  }

  private finish(commandId: string, outcome: JournalEntry['outcome'] & string, steps: JournalEntry['steps']): void {
    const finished = this.options.journal.finish(commandId, outcome, fitStepsToFrame(steps), this.now());
    this.removeStepFiles(commandId);
    this.options.logger.info({ commandId, outcome }, 'command finished');
    this.emit({ type: 'invocation-finished', commandId, outcome });
    this.sendResult(finished);
  }

  /** Stops accepting work, stops running invocations (killing their trees) and waits for them. */
  async shutdown(): Promise<void> {
    this.isShuttingDown = true;
    const all = [...this.running.values()];
    for (const running of all) {
      running.controller.abort('shutdown');
    }
    await Promise.all(all.map((running) => running.done));
  }
}
