/**
 * Run Command records → their SSM wire structures (spec §7, Appendix A `Command`,
 * `CommandInvocation`, `CommandPlugin`, `GetCommandInvocationResult`), with AWS's conventions for
 * unset members: `""` strings, empty lists and filled-in default structures rather than absent
 * members (spec §7.2).
 */
import {
  invocationPlugins,
  invocationStatus,
  isPluginFinished,
  PLUGIN_OUTPUT_LIMIT,
  STANDARD_ERROR_LIMIT,
  STANDARD_OUTPUT_LIMIT,
  type CloudWatchOutputConfig,
  type Command,
  type CommandInvocation,
  type NotificationConfig,
  type PluginResult,
} from '../../domain/command.js';
import type { InvocationDetail } from '../../services/command-service.js';
import { compact, timestamp } from './shapes.js';

/** `NotificationConfig` with AWS's empty values for what was not given. */
export function notificationConfigWire(config: NotificationConfig | undefined) {
  return {
    NotificationArn: config?.NotificationArn ?? '',
    NotificationEvents: config?.NotificationEvents ?? [],
    NotificationType: config?.NotificationType ?? '',
  };
}

/** `CloudWatchOutputConfig` with AWS's empty values for what was not given. */
export function cloudWatchOutputConfigWire(config: CloudWatchOutputConfig | undefined) {
  return {
    CloudWatchLogGroupName: config?.CloudWatchLogGroupName ?? '',
    CloudWatchOutputEnabled: config?.CloudWatchOutputEnabled ?? false,
  };
}

/**
 * An instant as GetCommandInvocation's string date fields show it: UTC with milliseconds and
 * `Z` (`2020-02-19T18:18:03.419Z`), or `""` when there is none (spec §3.8).
 */
export function executionDateTime(epochMs: number | undefined): string {
  return epochMs === undefined ? '' : new Date(epochMs).toISOString();
}

/**
 * A duration in ISO-8601 as SSM prints `ExecutionElapsedTime` (Java's `Duration.toString`):
 * hours, minutes and seconds, zero parts left out, seconds with only the significant
 * millisecond digits: `PT0.091S`, `PT1M5.2S`, `PT2H`, `PT0S`. Negative spans count as zero.
 */
export function isoDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const millis = total % 60_000;
  const seconds = Math.floor(millis / 1000);
  const fraction = String(millis % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  let out = 'PT';
  if (hours > 0) {
    out += `${hours}H`;
  }
  if (minutes > 0) {
    out += `${minutes}M`;
  }
  if (millis > 0 || out === 'PT') {
    out += fraction === '' ? `${seconds}S` : `${seconds}.${fraction}S`;
  }
  return out;
}

/** `Command` (SendCommand, ListCommands). `region` fills the deprecated `OutputS3Region`. */
export function commandWire(command: Command, region: string) {
  return compact({
    CommandId: command.commandId,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    Comment: command.comment,
    ExpiresAfter: timestamp(command.expiresAfterAt),
    Parameters: command.parameters,
    InstanceIds: command.instanceIds,
    Targets: command.targets,
    RequestedDateTime: timestamp(command.requestedAt),
    Status: command.status,
    StatusDetails: command.statusDetails,
    OutputS3Region: region,
    OutputS3BucketName: command.outputS3BucketName,
    OutputS3KeyPrefix: command.outputS3KeyPrefix,
    MaxConcurrency: command.maxConcurrency,
    MaxErrors: command.maxErrors,
    TargetCount: command.targetCount,
    CompletedCount: command.completedCount,
    ErrorCount: command.errorCount,
    DeliveryTimedOutCount: command.deliveryTimedOutCount,
    ServiceRole: command.serviceRoleArn,
    NotificationConfig: notificationConfigWire(command.notificationConfig),
    CloudWatchOutputConfig: cloudWatchOutputConfigWire(command.cloudWatchOutputConfig),
    TimeoutSeconds: command.timeoutSeconds,
    AlarmConfiguration: command.alarmConfiguration,
  });
}

/** `CommandPlugin`, with `Output` at most 2,500 characters. */
export function commandPluginWire(plugin: PluginResult, command: Command, region: string) {
  return compact({
    Name: plugin.name,
    Status: plugin.status,
    StatusDetails: plugin.statusDetails,
    ResponseCode: plugin.responseCode,
    ResponseStartDateTime: timestamp(plugin.startedAt),
    ResponseFinishDateTime: timestamp(plugin.endedAt),
    Output: plugin.output.slice(0, PLUGIN_OUTPUT_LIMIT),
    // Mado keeps output itself and uploads nothing to S3, so there are no URLs to give.
    StandardOutputUrl: '',
    StandardErrorUrl: '',
    OutputS3Region: region,
    OutputS3BucketName: command.outputS3BucketName,
    OutputS3KeyPrefix: command.outputS3KeyPrefix,
  });
}

/**
 * `CommandInvocation` (ListCommandInvocations). With `details`, `CommandPlugins` lists every
 * step of the document; without, it is `[]`.
 */
export function commandInvocationWire(
  invocation: CommandInvocation,
  command: Command,
  details: boolean,
  region: string,
) {
  return compact({
    CommandId: invocation.commandId,
    InstanceId: invocation.instanceId,
    InstanceName: invocation.instanceName,
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    RequestedDateTime: timestamp(invocation.requestedAt),
    Status: invocationStatus(invocation),
    StatusDetails: invocation.statusDetails,
    TraceOutput: '',
    StandardOutputUrl: '',
    StandardErrorUrl: '',
    CommandPlugins: details
      ? invocationPlugins(command.steps, invocation).map((plugin) => commandPluginWire(plugin, command, region))
      : [],
    ServiceRole: command.serviceRoleArn,
    NotificationConfig: notificationConfigWire(command.notificationConfig),
    CloudWatchOutputConfig: cloudWatchOutputConfigWire(command.cloudWatchOutputConfig),
  });
}

/**
 * GetCommandInvocation's answer for one step: its status and exit code, its times as strings,
 * and the first 24,000 / 8,000 characters of its stored stdout / stderr once it has finished.
 */
export function getCommandInvocationWire(detail: InvocationDetail) {
  const { command, invocation, pluginName, output } = detail;
  const step = command.steps.find((candidate) => candidate.name === pluginName);
  const plugin = invocationPlugins(step === undefined ? [] : [step], invocation)[0];
  const finished = plugin !== undefined && isPluginFinished(plugin);
  const startedAt = plugin?.startedAt;
  const endedAt = plugin?.endedAt;
  return {
    CommandId: command.commandId,
    InstanceId: invocation.instanceId,
    Comment: command.comment,
    DocumentName: command.documentName,
    DocumentVersion: command.documentVersion,
    PluginName: pluginName,
    ResponseCode: plugin?.responseCode ?? -1,
    ExecutionStartDateTime: executionDateTime(startedAt),
    ExecutionElapsedTime: startedAt !== undefined && endedAt !== undefined ? isoDuration(endedAt - startedAt) : '',
    ExecutionEndDateTime: executionDateTime(endedAt),
    Status: plugin?.status ?? invocationStatus(invocation),
    StatusDetails: plugin?.statusDetails ?? invocation.statusDetails,
    StandardOutputContent: finished ? (output?.stdout ?? '').slice(0, STANDARD_OUTPUT_LIMIT) : '',
    StandardOutputUrl: '',
    StandardErrorContent: finished ? (output?.stderr ?? '').slice(0, STANDARD_ERROR_LIMIT) : '',
    StandardErrorUrl: '',
    CloudWatchOutputConfig: cloudWatchOutputConfigWire(command.cloudWatchOutputConfig),
  };
}
