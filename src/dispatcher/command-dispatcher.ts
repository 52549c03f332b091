/**
 * The command dispatcher: runs every unfinished command to completion under its rate control
 * (spec §7.3-§7.5), over whatever agents are connected.
 *
 * For each command (a "run") it keeps, in memory, the state of every invocation and:
 * - dispatches queued invocations while fewer than MaxConcurrency are in flight, unless the
 *   error count has exceeded MaxErrors or a cancel was requested; the dispatch is written to the
 *   store before the delivery is sent (at-least-once delivery; the agent dedupes by command id);
 * - on the agent's `accepted`: Pending → InProgress; on its `progress`: the running step's output
 *   so far is written (no status changes); on its `result`: the outcome, the per-step results and
 *   the output are written (over any progress), then the result is acknowledged;
 * - when the threshold is exceeded: invocations never started become Terminated (Cancelled);
 *   running ones finish;
 * - on CancelCommand: queued and undelivered → Cancelled at once; delivered → Cancelling, the
 *   agent is told to stop, and it reports Cancelled (or its natural end if it finished first);
 * - deadlines (checked by `tick(now)` once a second): not accepted within TimeoutSeconds of
 *   dispatch → DeliveryTimedOut; accepted but no result by the execution timeout plus a grace
 *   period (the node vanished) → DeliveryTimedOut; Cancelling without an answer → Cancelled.
 *
 * Invariants: the store is the source of truth (a restarted server rebuilds every run from it);
 * an invocation's status only moves forward (a terminal status never changes); a node can only
 * affect its own invocations (the gateway passes the authenticated node id).
 *
 * Events: `invocationEnded` (commandId, instanceId, details), `commandEnded` (commandId).
 */
import { EventEmitter } from 'node:events';
import {
  commandProgress,
  countsAsError,
  isTerminal,
  pluginOutputSummary,
  type Command,
  type CommandInvocation,
  type InvocationDetails,
  type PluginOutput,
  type PluginResult,
  type PluginStatus,
} from '../domain/command.js';
import { resolveMaxConcurrency, resolveMaxErrors } from '../domain/rate-control.js';
import type { InvocationOutcome, ServerMessage, StepResult } from '../protocol/agent-protocol.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { InvocationChange, Store } from '../store/store.js';
import { WriteBuffer } from './write-buffer.js';

/** The agent gateway, as the dispatcher sees it. */
export interface AgentLink {
  /**
   * Sends to the node's live connection (a message, or a frame already serialised, to share one
   * among many nodes); false when it has none.
   */
  send(instanceId: string, message: ServerMessage | string): boolean;
  /** Closes the node's connection with an error frame. */
  disconnect(instanceId: string, code: string, message: string): void;
}

export interface DispatcherOptions {
  /** Extra time after a step's execution timeout before a silent node's invocation expires. */
  readonly executionGraceMs: number;
  /** How long a Cancelling invocation waits for the agent before it is recorded Cancelled. */
  readonly cancelGraceMs: number;
  /** Output kept per stream per step. */
  readonly outputCapBytes: number;
  /** Interval of the deadline sweep. */
  readonly sweepIntervalMs: number;
}

export const DEFAULT_DISPATCHER_OPTIONS = {
  executionGraceMs: 5 * 60 * 1000,
  cancelGraceMs: 60 * 1000,
  outputCapBytes: 1024 * 1024,
  sweepIntervalMs: 1000,
} as const satisfies DispatcherOptions;

interface InvocationState {
  readonly instanceId: string;
  details: InvocationDetails;
  dispatchedAt?: number;
  deliveredAt?: number;
  cancellingSince?: number;
}

interface CommandRun {
  readonly command: Command;
  readonly concurrency: number;
  readonly allowedErrors: number;
  readonly invocations: Map<string, InvocationState>;
  /** Never dispatched, in order. */
  readonly queue: string[];
  /** Dispatched and not terminal. */
  readonly inFlight: Set<string>;
  readonly counts: Map<InvocationDetails, number>;
  cancelRequested: boolean;
  /** The `deliver` frame, the same for every node of the command; serialised once. */
  deliverFrame?: string;
}

const OUTCOME_DETAILS: Record<InvocationOutcome, InvocationDetails> = {
  Success: 'Success',
  Failed: 'Failed',
  ExecutionTimedOut: 'ExecutionTimedOut',
  Cancelled: 'Cancelled',
};

const STEP_STATUS: Record<StepResult['outcome'], { status: PluginStatus; details: string }> = {
  Success: { status: 'Success', details: 'Success' },
  Skipped: { status: 'Success', details: 'Success' },
  Failed: { status: 'Failed', details: 'Failed' },
  TimedOut: { status: 'TimedOut', details: 'ExecutionTimedOut' },
  Cancelled: { status: 'Cancelled', details: 'Cancelled' },
};

function cap(text: string, bytes: number): string {
  return Buffer.byteLength(text) <= bytes ? text : Buffer.from(text).subarray(0, bytes).toString();
}

export class CommandDispatcher {
  readonly events = new EventEmitter();
  private readonly runs = new Map<string, CommandRun>();
  /** Loads under way, by command id: each command is read once, whoever asks for it. */
  private readonly loading = new Map<string, Promise<CommandRun | undefined>>();
  /** Commands with an invocation in flight on each node. */
  private readonly byNode = new Map<string, Set<string>>();
  private readonly writes: WriteBuffer;
  private readonly stopping = new AbortController();
  private sweeper: Promise<void> | undefined;
  private link: AgentLink | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: DispatcherOptions = DEFAULT_DISPATCHER_OPTIONS,
  ) {
    this.writes = new WriteBuffer(store, logger);
  }

  /** Rebuilds every unfinished command from the store and starts the deadline sweep. */
  async start(link: AgentLink): Promise<void> {
    this.link = link;
    for (const command of await this.store.listUnfinishedCommands()) {
      await this.loadOnce(command.commandId, async () => command);
    }
    this.sweeper = this.sweepLoop();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.sweeper;
    await this.writes.drain();
  }

  // Notifications from the services (DispatchNotifier)

  commandCreated(commandId: string): void {
    this.loadOnce(commandId, () => this.store.getCommand(commandId)).catch((error: unknown) =>
      this.logger.error({ err: error, commandId }, 'could not load a new command'),
    );
  }

  commandCancelRequested(commandId: string, instanceIds: readonly string[] | undefined): void {
    const run = this.runs.get(commandId);
    if (run !== undefined) {
      this.cancel(run, instanceIds);
      return;
    }
    // Not loaded yet (just created, or the server is starting): cancelled once loaded, also when
    // the load under way read the command before the cancel was recorded.
    this.loadOnce(commandId, () => this.store.getCommand(commandId)).then(
      (loaded) => {
        if (loaded !== undefined) {
          this.cancel(loaded, instanceIds);
        }
      },
      (error: unknown) => this.logger.error({ err: error, commandId }, 'could not load a cancelled command'),
    );
  }

  private cancel(run: CommandRun, instanceIds: readonly string[] | undefined): void {
    const { commandId } = run.command;
    run.cancelRequested = true;
    const now = this.clock.now().getTime();
    const chosen = instanceIds === undefined ? [...run.invocations.keys()] : instanceIds;
    for (const instanceId of chosen) {
      const state = run.invocations.get(instanceId);
      if (state === undefined || isTerminal(state.details) || state.details === 'Cancelling') {
        continue;
      }
      if (state.deliveredAt === undefined) {
        // Never reached the agent: nothing to stop.
        void this.remove(run, state, 'Cancelled', now);
      } else {
        void this.transition(run, state, 'Cancelling', { statusDetails: 'Cancelling' });
        state.cancellingSince = now;
        this.link?.send(instanceId, { type: 'cancel', commandId });
      }
    }
    this.afterChange(run);
  }

  nodeDeregistered(instanceId: string): void {
    const now = this.clock.now().getTime();
    for (const run of [...this.runs.values()]) {
      const state = run.invocations.get(instanceId);
      if (state === undefined || isTerminal(state.details)) {
        continue;
      }
      const queued = run.queue.indexOf(instanceId);
      if (queued >= 0) {
        run.queue.splice(queued, 1);
      }
      void this.remove(run, state, 'Undeliverable', now);
      this.afterChange(run);
    }
    this.link?.disconnect(instanceId, 'Revoked', 'This node has been deregistered.');
  }

  // Events from the agent gateway (the node id is the authenticated one)

  /** The node connected: deliver again what it may have missed, and pending cancels. */
  nodeConnected(instanceId: string): void {
    for (const commandId of this.byNode.get(instanceId) ?? []) {
      const run = this.runs.get(commandId);
      const state = run?.invocations.get(instanceId);
      if (run === undefined || state === undefined || isTerminal(state.details)) {
        continue;
      }
      this.deliver(run, instanceId);
      if (state.details === 'Cancelling') {
        this.link?.send(instanceId, { type: 'cancel', commandId });
      }
    }
  }

  /** The agent journaled the invocation and is running it. */
  accepted(instanceId: string, commandId: string): void {
    const run = this.runs.get(commandId);
    const state = run?.invocations.get(instanceId);
    if (run === undefined || state === undefined || state.details !== 'Pending' || state.dispatchedAt === undefined) {
      return;
    }
    const now = this.clock.now().getTime();
    state.deliveredAt = now;
    void this.transition(run, state, 'InProgress', { statusDetails: 'InProgress', deliveredAt: now });
    this.afterChange(run);
  }

  /**
   * A running step's output so far (the agent's `progress`): written to the step's output
   * without changing any status; the result overwrites it. Refused (false, nothing written) unless
   * the invocation is in flight on this very node and the document has that step.
   */
  progress(instanceId: string, commandId: string, stepName: string, stdout: string, stderr: string): boolean {
    const run = this.runs.get(commandId);
    const state = run?.invocations.get(instanceId);
    if (
      run === undefined ||
      state === undefined ||
      isTerminal(state.details) ||
      state.dispatchedAt === undefined ||
      this.byNode.get(instanceId)?.has(commandId) !== true ||
      !run.command.steps.some((step) => step.name === stepName)
    ) {
      return false;
    }
    // Unawaited: a node sending progress faster than the store writes costs one pending change.
    this.writes.invocationUnawaited({
      commandId,
      instanceId,
      outputs: [
        {
          pluginName: stepName,
          stdout: cap(stdout, this.options.outputCapBytes),
          stderr: cap(stderr, this.options.outputCapBytes),
        },
      ],
    });
    return true;
  }

  /**
   * The agent's result. Resolves once it is durable (or was already settled), so the gateway
   * can acknowledge it; a result for an invocation already terminal is acknowledged unchanged.
   */
  async result(
    instanceId: string,
    commandId: string,
    outcome: InvocationOutcome,
    steps: readonly StepResult[],
  ): Promise<void> {
    const run = this.runs.get(commandId);
    const state = run?.invocations.get(instanceId);
    if (run === undefined || state === undefined || isTerminal(state.details) || state.dispatchedAt === undefined) {
      return;
    }
    const now = this.clock.now().getTime();
    const plugins: PluginResult[] = steps.map((step) => ({
      name: step.name,
      action: step.action,
      status: STEP_STATUS[step.outcome].status,
      statusDetails: STEP_STATUS[step.outcome].details,
      responseCode: step.responseCode,
      startedAt: step.startedAt,
      endedAt: step.endedAt,
      output: pluginOutputSummary(step.stdout, step.stderr),
    }));
    const outputs: PluginOutput[] = steps.map((step) => ({
      pluginName: step.name,
      stdout: cap(step.stdout, this.options.outputCapBytes),
      stderr: cap(step.stderr, this.options.outputCapBytes),
    }));
    const written = this.remove(run, state, OUTCOME_DETAILS[outcome], now, {
      deliveredAt: state.deliveredAt ?? now,
      plugins,
      outputs,
    });
    this.afterChange(run);
    await written;
  }

  /** One pass of the deadline sweep (public for tests with a fake clock). */
  tick(now: number): { readonly expired: number } {
    let expired = 0;
    for (const run of [...this.runs.values()]) {
      const { timeoutSeconds, executionTimeoutSeconds } = run.command;
      let changed = false;
      for (const instanceId of [...run.inFlight]) {
        const state = run.invocations.get(instanceId)!;
        const deadline =
          state.details === 'Cancelling'
            ? state.cancellingSince! + this.options.cancelGraceMs
            : state.deliveredAt === undefined
              ? state.dispatchedAt! + timeoutSeconds * 1000
              : state.deliveredAt + executionTimeoutSeconds * 1000 + this.options.executionGraceMs;
        if (now >= deadline) {
          void this.remove(run, state, state.details === 'Cancelling' ? 'Cancelled' : 'DeliveryTimedOut', now);
          expired += 1;
          changed = true;
        }
      }
      if (changed) {
        this.afterChange(run);
      }
    }
    return { expired };
  }

  /** Resolves when every change made so far is written (for tests and shutdown). */
  async settled(): Promise<void> {
    await this.writes.drain();
  }

  // Internals

  /** The command's run, loaded by `read` unless it is loaded or loading already. */
  private loadOnce(commandId: string, read: () => Promise<Command | undefined>): Promise<CommandRun | undefined> {
    const run = this.runs.get(commandId);
    if (run !== undefined) {
      return Promise.resolve(run);
    }
    let pending = this.loading.get(commandId);
    if (pending === undefined) {
      pending = read()
        .then((command) => (command === undefined ? undefined : this.load(command)))
        .finally(() => this.loading.delete(commandId));
      this.loading.set(commandId, pending);
    }
    return pending;
  }

  private async load(command: Command): Promise<CommandRun> {
    const invocations = await this.store.listInvocationsOfCommand(command.commandId);
    const run = this.newRun(command, invocations);
    this.runs.set(command.commandId, run);
    if (command.cancelRequested) {
      this.cancel(run, undefined);
    }
    // Deliveries that were in flight when the server stopped go out again (the agent dedupes).
    for (const instanceId of run.inFlight) {
      this.track(instanceId, command.commandId);
      this.deliver(run, instanceId);
    }
    this.afterChange(run);
    return run;
  }

  private newRun(command: Command, invocations: readonly CommandInvocation[]): CommandRun {
    const run: CommandRun = {
      command,
      concurrency: resolveMaxConcurrency(command.maxConcurrency, command.targetCount),
      allowedErrors: resolveMaxErrors(command.maxErrors, command.targetCount),
      invocations: new Map(),
      queue: [],
      inFlight: new Set(),
      counts: new Map(),
      cancelRequested: command.cancelRequested,
    };
    for (const invocation of invocations) {
      const state: InvocationState = {
        instanceId: invocation.instanceId,
        details: invocation.statusDetails,
        dispatchedAt: invocation.dispatchedAt,
        deliveredAt: invocation.deliveredAt,
        cancellingSince: invocation.statusDetails === 'Cancelling' ? this.clock.now().getTime() : undefined,
      };
      run.invocations.set(invocation.instanceId, state);
      run.counts.set(state.details, (run.counts.get(state.details) ?? 0) + 1);
      if (!isTerminal(state.details)) {
        if (state.dispatchedAt === undefined) {
          run.queue.push(invocation.instanceId);
        } else {
          run.inFlight.add(invocation.instanceId);
        }
      }
    }
    return run;
  }

  /** Starts queued invocations while the rate control allows, or settles them when it never will. */
  private pump(run: CommandRun): void {
    const errors = (run.counts.get('Failed') ?? 0) + (run.counts.get('ExecutionTimedOut') ?? 0);
    const now = this.clock.now().getTime();
    if (run.cancelRequested || errors > run.allowedErrors) {
      const details: InvocationDetails = run.cancelRequested ? 'Cancelled' : 'Terminated';
      for (const instanceId of run.queue.splice(0)) {
        void this.remove(run, run.invocations.get(instanceId)!, details, now);
      }
      return;
    }
    while (run.inFlight.size < run.concurrency && run.queue.length > 0) {
      const instanceId = run.queue.shift()!;
      const state = run.invocations.get(instanceId)!;
      state.dispatchedAt = now;
      run.inFlight.add(instanceId);
      this.track(instanceId, run.command.commandId);
      // Record the dispatch before anything reaches the node.
      void this.writes
        .invocation({ commandId: run.command.commandId, instanceId, statusDetails: 'Pending', dispatchedAt: now })
        .then(
          () => this.deliver(run, instanceId),
          () => {
            // Logged by the write buffer; the deadline sweep settles the invocation.
          },
        );
    }
  }

  private deliver(run: CommandRun, instanceId: string): void {
    const state = run.invocations.get(instanceId);
    if (state === undefined || isTerminal(state.details) || state.details === 'Cancelling') {
      return;
    }
    run.deliverFrame ??= JSON.stringify({
      type: 'deliver',
      invocation: {
        commandId: run.command.commandId,
        documentName: run.command.documentName,
        steps: run.command.steps.map((step) => ({ ...step, inputs: { ...step.inputs } })),
        defaultTimeoutSeconds: run.command.executionTimeoutSeconds,
      },
    } satisfies ServerMessage);
    this.link?.send(instanceId, run.deliverFrame);
  }

  /** Moves an invocation to a new status (counts updated) and queues the write. */
  private transition(
    run: CommandRun,
    state: InvocationState,
    details: InvocationDetails,
    change: Omit<InvocationChange, 'commandId' | 'instanceId'>,
  ): Promise<void> {
    this.count(run, state.details, -1);
    state.details = details;
    this.count(run, details, 1);
    const written = this.writes.invocation({
      commandId: run.command.commandId,
      instanceId: state.instanceId,
      ...change,
    });
    // Most callers do not wait for the write; a failure is logged by the write buffer and the
    // store keeps the previous status, which a restart picks up again.
    written.catch(() => {});
    return written;
  }

  /** Moves an invocation to a terminal status and frees its slot. */
  private remove(
    run: CommandRun,
    state: InvocationState,
    details: InvocationDetails,
    now: number,
    extra: Omit<InvocationChange, 'commandId' | 'instanceId' | 'statusDetails' | 'endedAt'> = {},
  ): Promise<void> {
    const written = this.transition(run, state, details, { statusDetails: details, endedAt: now, ...extra });
    run.inFlight.delete(state.instanceId);
    this.byNode.get(state.instanceId)?.delete(run.command.commandId);
    this.events.emit('invocationEnded', run.command.commandId, state.instanceId, details, countsAsError(details));
    return written;
  }

  private count(run: CommandRun, details: InvocationDetails, delta: number): void {
    run.counts.set(details, (run.counts.get(details) ?? 0) + delta);
  }

  private track(instanceId: string, commandId: string): void {
    let commands = this.byNode.get(instanceId);
    if (commands === undefined) {
      commands = new Set();
      this.byNode.set(instanceId, commands);
    }
    commands.add(commandId);
  }

  /** After any change: start what may start, then record the command's progress. */
  private afterChange(run: CommandRun): void {
    this.pump(run);
    const progress = commandProgress(
      { total: run.invocations.size, byDetails: Object.fromEntries(run.counts) },
      run.allowedErrors,
      run.cancelRequested,
    );
    void this.writes
      .commandProgress({ commandId: run.command.commandId, ...progress, cancelRequested: run.cancelRequested })
      .catch(() => {
        // Logged by the write buffer; the next change writes the progress again.
      });
    if (run.inFlight.size === 0 && run.queue.length === 0) {
      this.runs.delete(run.command.commandId);
      this.events.emit('commandEnded', run.command.commandId, progress);
    }
  }

  private async sweepLoop(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.clock.sleep(this.options.sweepIntervalMs, this.stopping.signal);
      } catch {
        // Aborted: stopping.
        return;
      }
      this.tick(this.clock.now().getTime());
    }
  }
}
