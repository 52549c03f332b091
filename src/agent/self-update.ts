/**
 * The worker's side of an agent self-update (`aws:updateSsmAgent`); the supervisor's side is in
 * supervisor.ts, the files in release-state.ts.
 *
 * During the step (this worker, old version): `UpdateHost` for the action: find, download and
 * install the release, wait for the other commands, then `switchTo` writes update.json
 * (`switching`, with the step's output so far) and stops the worker with EXIT_SWITCH_RELEASE.
 * The step stays `running` in the journal.
 *
 * At every worker start, BEFORE the journal's crash recovery, `settle()` reads update.json:
 *   none                             → nothing
 *   `confirmed`                      → the step ends Success ("updated successfully to …, was …")
 *   `rolled-back`                    → the step ends Failed with the reason
 *   `switching`, and this worker is  → ON TRIAL: the invocation is kept out of crash recovery and
 *     the new version                  new commands are held; on every welcome the supervisor hears
 *                                      `connected`; its `update-confirmed` (or, with no supervisor,
 *                                      the first welcome) ends the step Success
 *   `switching`, another version     → the switch did not happen: Failed
 * The journal entry becomes `finished` first, then update.json is removed; a crash in between
 * only removes the file at the next start (the entry is no longer `running`), so the result is
 * reported exactly once.
 */
import type { DeliveredInvocation, ReleaseInfo, StepResult } from '../protocol/agent-protocol.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { AGENT_NAME, type UpdateHost } from './actions/update-ssm-agent.js';
import type { InvocationManager } from './invocation-manager.js';
import { interruptedResult, type Journal } from './journal.js';
import type { ReleaseClient } from './release-client.js';
import type { ReleaseState, UpdateRecord } from './release-state.js';
import { invocationOutcomeOf } from './runner.js';
import type { SupervisorMessage, WorkerMessage } from './supervisor-ipc.js';

/** The worker's IPC channel to its supervisor. */
export interface SupervisorChannel {
  send(message: WorkerMessage): void;
  onMessage(listener: (message: SupervisorMessage) => void): void;
}

export interface SelfUpdateOptions {
  readonly state: ReleaseState;
  readonly journal: Journal;
  readonly releases: Pick<ReleaseClient, 'find' | 'download'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This worker's agent version. */
  readonly version: string;
  /** The supervisor, when this worker runs under `mado agent run`. */
  readonly supervisor?: SupervisorChannel;
  /** Stops this worker so that the supervisor starts the installed release. */
  readonly requestSwitch: () => void;
}

type Manager = Pick<
  InvocationManager,
  'drainOthers' | 'resumeStarts' | 'holdStarts' | 'finishFromElsewhere' | 'runningOtherThan'
>;

/** What `settle` decided at start. */
export interface SettleOutcome {
  /** Commands to keep out of crash recovery (the one on trial). */
  readonly keepRunning: ReadonlySet<string>;
  /** This worker is the new release on trial: hold new commands until it is confirmed. */
  readonly isOnTrial: boolean;
}

export class SelfUpdate implements UpdateHost {
  private manager: Manager | undefined;
  private updatingCommandId: string | undefined;
  private trial: UpdateRecord | undefined;

  constructor(private readonly options: SelfUpdateOptions) {
    options.supervisor?.onMessage((message) => {
      if (message.type === 'update-confirmed' && this.trial !== undefined && message.version === options.version) {
        this.completeTrial();
      }
    });
  }

  /** The invocation manager (created after this object, since its actions need it). */
  bind(manager: Manager): void {
    this.manager = manager;
  }

  get currentVersion(): string {
    return this.options.version;
  }

  get canSwitch(): boolean {
    return this.options.supervisor !== undefined;
  }

  /** See the file header. Call with the manager bound, before `recover()`. */
  settle(): SettleOutcome {
    const { state, logger, version } = this.options;
    let record: UpdateRecord | undefined;
    try {
      record = state.readUpdate();
    } catch (error) {
      logger.error({ err: error }, 'releases/update.json is unreadable; set aside');
      state.removeUpdate();
      return { keepRunning: new Set(), isOnTrial: false };
    }
    if (record === undefined) {
      return { keepRunning: new Set(), isOnTrial: false };
    }
    if (record.phase === 'switching' && record.to.version === version) {
      this.trial = record;
      this.manager?.holdStarts();
      logger.info(
        { from: record.from.version, to: version, commandId: record.commandId },
        'running on trial after an update',
      );
      return { keepRunning: new Set([record.commandId]), isOnTrial: true };
    }
    if (record.phase === 'confirmed') {
      this.report(
        record,
        'Success',
        `${AGENT_NAME} updated successfully to ${record.to.version} (was ${record.from.version})`,
      );
    } else {
      const reason =
        record.phase === 'rolled-back'
          ? (record.reason ?? 'it failed its trial')
          : `the agent restarted as ${AGENT_NAME} ${version}, not ${record.to.version}`;
      this.report(
        record,
        'Failed',
        `${AGENT_NAME} ${record.to.version} did not take over: ${reason}. Rolled back: ${AGENT_NAME} ${version} is running.`,
      );
    }
    state.removeUpdate();
    return { keepRunning: new Set(), isOnTrial: false };
  }

  /** A connection was welcomed: tell the supervisor (it confirms a trial). */
  onWelcomed(): void {
    const { supervisor, version, state } = this.options;
    if (supervisor !== undefined) {
      supervisor.send({ mado: 1, type: 'connected', version });
      return;
    }
    if (this.trial !== undefined) {
      // Nobody supervises this worker: connecting is the confirmation.
      state.writeUpdate({ ...this.trial, phase: 'confirmed', decidedAt: this.options.clock.now().getTime() });
      this.completeTrial();
    }
  }

  private completeTrial(): void {
    const record = this.trial;
    if (record === undefined) {
      return;
    }
    this.trial = undefined;
    this.report(
      record,
      'Success',
      `${AGENT_NAME} updated successfully to ${record.to.version} (was ${record.from.version})`,
    );
    this.options.state.removeUpdate();
    this.options.logger.info({ from: record.from.version, to: record.to.version }, 'agent update confirmed');
    this.manager?.resumeStarts();
  }

  /** Ends the update's step (if its invocation is still `running`) with `outcome` and `message`. */
  private report(record: UpdateRecord, outcome: 'Success' | 'Failed', message: string): void {
    const entry = this.options.journal.get(record.commandId);
    if (entry?.state !== 'running') {
      return;
    }
    const now = this.options.clock.now().getTime();
    const { steps } = interruptedResult(entry, now);
    const step = stepOf(entry.invocation, record.stepIndex);
    const previous = steps[record.stepIndex];
    const result: StepResult = {
      name: step.name,
      action: step.action,
      outcome,
      responseCode: outcome === 'Success' ? 0 : 1,
      startedAt: previous?.startedAt ?? record.requestedAt,
      endedAt: now,
      stdout: outcome === 'Success' ? `${record.stdout}${message}\n` : record.stdout,
      stderr: outcome === 'Success' ? '' : `${message}\n`,
    };
    steps[record.stepIndex] = result;
    this.manager?.finishFromElsewhere(record.commandId, invocationOutcomeOf(steps), steps);
  }

  // UpdateHost (for the action)

  findRelease(version: string | undefined, signal: AbortSignal): Promise<ReleaseInfo> {
    return this.options.releases.find(version, signal);
  }

  downloadRelease(release: ReleaseInfo, signal: AbortSignal): Promise<Uint8Array> {
    return this.options.releases.download(release, signal);
  }

  installRelease(version: string, bundle: Uint8Array): string {
    return this.options.state.install(version, bundle);
  }

  tryBeginUpdate(commandId: string): string | undefined {
    if (this.updatingCommandId !== undefined && this.updatingCommandId !== commandId) {
      return this.updatingCommandId;
    }
    this.updatingCommandId = commandId;
    return undefined;
  }

  endUpdate(commandId: string): void {
    if (this.updatingCommandId === commandId) {
      this.updatingCommandId = undefined;
    }
  }

  runningOthers(commandId: string): number {
    return this.manager?.runningOtherThan(commandId) ?? 0;
  }

  drainOthers(commandId: string, signal: AbortSignal): Promise<boolean> {
    return this.manager?.drainOthers(commandId, signal) ?? Promise.resolve(true);
  }

  resumeStarts(): void {
    this.manager?.resumeStarts();
  }

  switchTo(request: Parameters<UpdateHost['switchTo']>[0]): void {
    const { state, version } = this.options;
    let current: string | null;
    try {
      const recorded = state.readCurrent();
      current = recorded?.version === version ? recorded.path : null;
    } catch {
      // Unreadable: this worker's bundle is then taken to be the supervisor's own script.
      current = null;
    }
    state.writeUpdate({
      version: 1,
      commandId: request.commandId,
      stepIndex: request.stepIndex,
      from: { version, path: current },
      to: request.to,
      phase: 'switching',
      requestedAt: this.options.clock.now().getTime(),
      stdout: request.stdout,
    });
    this.options.logger.info({ from: version, to: request.to.version }, 'restarting into the new agent release');
    this.options.requestSwitch();
  }
}

function stepOf(invocation: DeliveredInvocation, index: number) {
  const step = invocation.steps[index];
  return step ?? { name: 'updateSsmAgent', action: 'aws:updateSsmAgent' };
}
