/**
 * Run Command (spec §7): a Command is one SendCommand; a CommandInvocation is that command on one
 * node; a PluginResult is one document step on that node.
 *
 * Invocation life cycle (StatusDetails → Status):
 *
 *   Pending ──dispatch──▶ Pending (queued for an offline node; holds a concurrency slot)
 *      │                      │ agent accepts
 *      │                      ▼
 *      │                  InProgress ──▶ Success | Failed | ExecutionTimedOut
 *      │                      │  (no terminal answer by ExpiresAfter) ──▶ DeliveryTimedOut
 *      ├─ error threshold exceeded ──▶ Terminated (Cancelled)
 *      └─ CancelCommand ──▶ Cancelled;  InProgress ─CancelCommand─▶ Cancelling ──▶ Cancelled
 *
 * Statuses are SSM's words exactly; a command's status is derived from its invocations.
 */
import type { AlarmConfiguration } from './maintenance-window.js';
import type { Target } from './targets.js';

export type CommandInvocationStatus =
  'Pending' | 'InProgress' | 'Delayed' | 'Success' | 'Cancelled' | 'TimedOut' | 'Failed' | 'Cancelling';

/** The finer-grained StatusDetails of an invocation (spec §7.3). */
export type InvocationDetails =
  | 'Pending'
  | 'InProgress'
  | 'Delayed'
  | 'Success'
  | 'Failed'
  | 'ExecutionTimedOut'
  | 'DeliveryTimedOut'
  | 'Undeliverable'
  | 'InvalidPlatform'
  | 'AccessDenied'
  | 'Terminated'
  | 'Cancelling'
  | 'Cancelled';

export const STATUS_OF: Record<InvocationDetails, CommandInvocationStatus> = {
  Pending: 'Pending',
  InProgress: 'InProgress',
  Delayed: 'Delayed',
  Success: 'Success',
  Failed: 'Failed',
  ExecutionTimedOut: 'TimedOut',
  DeliveryTimedOut: 'TimedOut',
  Undeliverable: 'Failed',
  InvalidPlatform: 'Failed',
  AccessDenied: 'Failed',
  Terminated: 'Cancelled',
  Cancelling: 'Cancelling',
  Cancelled: 'Cancelled',
};

const TERMINAL: ReadonlySet<InvocationDetails> = new Set([
  'Success',
  'Failed',
  'ExecutionTimedOut',
  'DeliveryTimedOut',
  'Undeliverable',
  'InvalidPlatform',
  'AccessDenied',
  'Terminated',
  'Cancelled',
]);

export function isTerminal(details: InvocationDetails): boolean {
  return TERMINAL.has(details);
}

/** Failed and ExecutionTimedOut count toward MaxErrors; delivery problems do not (spec §7.5). */
export function countsAsError(details: InvocationDetails): boolean {
  return details === 'Failed' || details === 'ExecutionTimedOut';
}

export type CommandStatus = 'Pending' | 'InProgress' | 'Success' | 'Cancelled' | 'Failed' | 'TimedOut' | 'Cancelling';

export type CommandDetails =
  | 'Pending'
  | 'InProgress'
  | 'Success'
  | 'Failed'
  | 'ExecutionTimedOut'
  | 'DeliveryTimedOut'
  | 'Incomplete'
  | 'Cancelling'
  | 'Cancelled'
  | 'NoInstancesInTag';

export type PluginStatus = 'Pending' | 'InProgress' | 'Success' | 'TimedOut' | 'Cancelled' | 'Failed';

/** One step of the document as run on one node (SSM's CommandPlugin, without full output). */
export interface PluginResult {
  /** Step name (schema 2.x: `mainSteps[].name`). */
  readonly name: string;
  readonly action: string;
  readonly status: PluginStatus;
  readonly statusDetails: string;
  /** Exit code; -1 when the step did not run. */
  readonly responseCode: number;
  readonly startedAt?: number;
  readonly endedAt?: number;
  /** SSM's `CommandPlugin.Output`: stdout, then stderr after a separator, at most 2,500 characters. */
  readonly output: string;
}

/** The full output of one step on one node, kept up to the server's cap. */
export interface PluginOutput {
  readonly pluginName: string;
  readonly stdout: string;
  readonly stderr: string;
}

/** Output limits of the API (spec §1.11, §7.6). */
export const PLUGIN_OUTPUT_LIMIT = 2_500;
export const STANDARD_OUTPUT_LIMIT = 24_000;
export const STANDARD_ERROR_LIMIT = 8_000;
const ERROR_SEPARATOR = '\n----------ERROR-------\n';
const OUTPUT_TRUNCATED = '\n---Output truncated---';
const ERROR_TRUNCATED = '\n---Error truncated----';

function truncate(text: string, limit: number, marker: string): string {
  return text.length <= limit ? text : text.slice(0, Math.max(0, limit - marker.length)) + marker;
}

/** Output the server keeps per stream per step when not configured (`MADO_OUTPUT_CAP_BYTES`). */
export const DEFAULT_OUTPUT_CAP_BYTES = 1024 * 1024;

/** The notes the agent appends when it had to drop the end of a stream (capped-output.ts, fit-result.ts). */
const AGENT_TRUNCATION_NOTES = [
  '\n---Output truncated: the agent kept the first ',
  '\n---Output truncated to fit the result message (',
];

/**
 * Whether a stored stream may be missing its end: the agent noted that it dropped bytes, or the
 * text reaches the server's cap (cutting at the cap may end inside a UTF-8 character, which
 * becomes U+FFFD, so "reaches" allows for those 3 bytes).
 */
export function isOutputCapped(text: string, capBytes: number): boolean {
  if (AGENT_TRUNCATION_NOTES.some((note) => text.includes(note))) {
    return true;
  }
  return new TextEncoder().encode(text).length >= capBytes - 3;
}

/**
 * `CommandPlugin.Output` as the SSM agent builds it: stdout, then (if any) the error separator
 * and stderr, each part truncated with a marker so that the whole fits 2,500 characters.
 */
export function pluginOutputSummary(stdout: string, stderr: string): string {
  if (stderr === '') {
    return truncate(stdout, PLUGIN_OUTPUT_LIMIT, OUTPUT_TRUNCATED);
  }
  const room = PLUGIN_OUTPUT_LIMIT - ERROR_SEPARATOR.length;
  const stdoutRoom = Math.max(Math.floor(room / 2), room - stderr.length);
  const head = truncate(stdout, stdoutRoom, OUTPUT_TRUNCATED);
  return head + ERROR_SEPARATOR + truncate(stderr, room - head.length, ERROR_TRUNCATED);
}

export interface NotificationConfig {
  readonly NotificationArn?: string;
  readonly NotificationEvents?: readonly string[];
  readonly NotificationType?: string;
}

export interface CloudWatchOutputConfig {
  readonly CloudWatchLogGroupName?: string;
  readonly CloudWatchOutputEnabled?: boolean;
}

/** A document step ready to run: parameters substituted, validated on the server. */
export interface ResolvedStep {
  readonly action: string;
  readonly name: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Platform the step is limited to (`precondition: {StringEquals: [platformType, X]}`). */
  readonly platformType?: string;
}

export interface Command {
  readonly commandId: string;
  readonly documentName: string;
  /** As the caller gave it ('' when absent), echoed by the API. */
  readonly documentVersion: string;
  readonly comment: string;
  /** As the caller gave them (defaults not filled in). */
  readonly parameters: Readonly<Record<string, readonly string[]>>;
  readonly instanceIds: readonly string[];
  readonly targets: readonly Target[];
  readonly requestedAt: number;
  readonly expiresAfterAt: number;
  readonly timeoutSeconds: number;
  readonly executionTimeoutSeconds: number;
  readonly maxConcurrency: string;
  readonly maxErrors: string;
  readonly outputS3BucketName: string;
  readonly outputS3KeyPrefix: string;
  readonly serviceRoleArn: string;
  readonly notificationConfig?: NotificationConfig;
  readonly cloudWatchOutputConfig?: CloudWatchOutputConfig;
  readonly alarmConfiguration?: AlarmConfiguration;
  /** What every invocation runs. */
  readonly steps: readonly ResolvedStep[];
  readonly status: CommandStatus;
  readonly statusDetails: CommandDetails;
  readonly targetCount: number;
  readonly completedCount: number;
  readonly errorCount: number;
  readonly deliveryTimedOutCount: number;
  readonly cancelRequested: boolean;
}

export interface CommandInvocation {
  readonly commandId: string;
  readonly instanceId: string;
  readonly instanceName: string;
  readonly statusDetails: InvocationDetails;
  readonly requestedAt: number;
  /** When the dispatcher gave it a concurrency slot. */
  readonly dispatchedAt?: number;
  /** When the agent accepted it. */
  readonly deliveredAt?: number;
  readonly endedAt?: number;
  readonly plugins: readonly PluginResult[];
  /** Set when the invocation ran for a maintenance window task (spec §6.7). */
  readonly windowTaskInvocationId?: string;
}

export function invocationStatus(invocation: Pick<CommandInvocation, 'statusDetails'>): CommandInvocationStatus {
  return STATUS_OF[invocation.statusDetails];
}

/** Counts over a command's invocations, from which its status follows. */
export interface InvocationTally {
  readonly total: number;
  readonly byDetails: Readonly<Partial<Record<InvocationDetails, number>>>;
}

export function tallyInvocations(invocations: readonly Pick<CommandInvocation, 'statusDetails'>[]): InvocationTally {
  const byDetails: Partial<Record<InvocationDetails, number>> = {};
  for (const invocation of invocations) {
    byDetails[invocation.statusDetails] = (byDetails[invocation.statusDetails] ?? 0) + 1;
  }
  return { total: invocations.length, byDetails };
}

function count(tally: InvocationTally, ...details: InvocationDetails[]): number {
  return details.reduce((sum, name) => sum + (tally.byDetails[name] ?? 0), 0);
}

export interface CommandProgress {
  readonly status: CommandStatus;
  readonly statusDetails: CommandDetails;
  readonly completedCount: number;
  readonly errorCount: number;
  readonly deliveryTimedOutCount: number;
}

/**
 * A command's status from its invocations (spec §7.3 table).
 * @param allowedErrors MaxErrors resolved against the target count.
 */
export function commandProgress(
  tally: InvocationTally,
  allowedErrors: number,
  cancelRequested: boolean,
): CommandProgress {
  const completed = [...TERMINAL].reduce((sum, name) => sum + (tally.byDetails[name] ?? 0), 0);
  const errors = count(tally, 'Failed', 'ExecutionTimedOut');
  const deliveryTimedOut = count(tally, 'DeliveryTimedOut');
  const counters = { completedCount: completed, errorCount: errors, deliveryTimedOutCount: deliveryTimedOut };
  const result = (status: CommandStatus, statusDetails: CommandDetails): CommandProgress => ({
    status,
    statusDetails,
    ...counters,
  });
  if (tally.total === 0) {
    return result('Success', 'NoInstancesInTag');
  }
  if (completed < tally.total) {
    if (cancelRequested) {
      return result('Cancelling', 'Cancelling');
    }
    // Invocations settled at creation (a node of the wrong platform) do not start a command.
    const started = tally.total - count(tally, 'Pending', 'InvalidPlatform') > 0;
    return started ? result('InProgress', 'InProgress') : result('Pending', 'Pending');
  }
  if (cancelRequested && count(tally, 'Cancelled') > 0) {
    return result('Cancelled', 'Cancelled');
  }
  if (errors > allowedErrors) {
    return count(tally, 'ExecutionTimedOut') > count(tally, 'Failed')
      ? result('TimedOut', 'ExecutionTimedOut')
      : result('Failed', 'Failed');
  }
  if (deliveryTimedOut > 0 && (deliveryTimedOut > allowedErrors || deliveryTimedOut === tally.total)) {
    return result('TimedOut', 'DeliveryTimedOut');
  }
  const successes = count(tally, 'Success');
  const unreachable = count(tally, 'Undeliverable', 'InvalidPlatform', 'AccessDenied');
  if (successes === tally.total || (successes > 0 && successes + unreachable === tally.total)) {
    return result('Success', 'Success');
  }
  if (successes === 0 && errors + unreachable === tally.total) {
    return result('Failed', 'Failed');
  }
  return result('Failed', 'Incomplete');
}

/** A plugin has finished once its status is final; only then is its output shown (spec §7.6). */
export function isPluginFinished(plugin: Pick<PluginResult, 'status'>): boolean {
  return plugin.status !== 'Pending' && plugin.status !== 'InProgress';
}

/**
 * Every step of an invocation as the API reports it (`CommandPlugins`, GetCommandInvocation):
 * the agent's result where it has sent one, else a placeholder in the invocation's state with
 * ResponseCode -1 and no output, so that steps not yet run are listed too.
 */
export function invocationPlugins(
  steps: readonly Pick<ResolvedStep, 'name' | 'action'>[],
  invocation: Pick<CommandInvocation, 'statusDetails' | 'plugins'>,
): PluginResult[] {
  return steps.map(
    (step) =>
      invocation.plugins.find((plugin) => plugin.name === step.name) ?? {
        name: step.name,
        action: step.action,
        status: pluginStatusOf(invocation.statusDetails),
        statusDetails: invocation.statusDetails,
        responseCode: -1,
        output: '',
      },
  );
}

/** Status of a plugin for an invocation outcome. */
export function pluginStatusOf(details: InvocationDetails): PluginStatus {
  switch (details) {
    case 'Success':
      return 'Success';
    case 'ExecutionTimedOut':
    case 'DeliveryTimedOut':
      return 'TimedOut';
    case 'Cancelled':
    case 'Terminated':
      return 'Cancelled';
    case 'Pending':
    case 'Delayed':
      return 'Pending';
    case 'InProgress':
    case 'Cancelling':
      return 'InProgress';
    default:
      return 'Failed';
  }
}

/** A SendCommand request (spec §7.1), in domain terms. */
export interface SendCommandRequest {
  readonly documentName: string;
  readonly documentVersion?: string;
  readonly documentHash?: string;
  readonly documentHashType?: string;
  readonly instanceIds?: readonly string[];
  readonly targets?: readonly Target[];
  readonly parameters?: Readonly<Record<string, readonly string[]>>;
  readonly timeoutSeconds?: number;
  readonly comment?: string;
  readonly maxConcurrency?: string;
  readonly maxErrors?: string;
  readonly outputS3BucketName?: string;
  readonly outputS3KeyPrefix?: string;
  readonly serviceRoleArn?: string;
  readonly notificationConfig?: NotificationConfig;
  readonly cloudWatchOutputConfig?: CloudWatchOutputConfig;
  readonly alarmConfiguration?: AlarmConfiguration;
}
