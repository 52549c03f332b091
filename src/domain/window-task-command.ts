/**
 * What one window task launches on one target (spec §6.7): the SendCommand request built from
 * the task's RunCommand parameters (stored in wire shape) with the pseudo parameters of that
 * invocation substituted, the task execution's recorded parameters, and the invocation's
 * `Parameters` text. Pure functions of domain records.
 */
import type { SendCommandRequest } from './command.js';
import type { WindowTask } from './maintenance-window.js';
import type { RunTarget, TaskExecution } from './window-execution.js';
import { substitutePseudoParameters, type PseudoParameterValues } from './window-run.js';

/** The RunCommand member of a task's TaskInvocationParameters, as stored in wire shape. */
interface RunCommandParameters {
  readonly Parameters?: Record<string, string[]>;
  readonly TimeoutSeconds?: number;
  readonly Comment?: string;
  readonly DocumentVersion?: string;
  readonly DocumentHash?: string;
  readonly DocumentHashType?: string;
  readonly OutputS3BucketName?: string;
  readonly OutputS3KeyPrefix?: string;
  readonly ServiceRoleArn?: string;
  readonly NotificationConfig?: SendCommandRequest['notificationConfig'];
  readonly CloudWatchOutputConfig?: SendCommandRequest['cloudWatchOutputConfig'];
}

/** Where one invocation runs: the ids its pseudo parameters name. */
export interface InvocationSite {
  readonly windowId: string;
  readonly windowExecutionId: string;
  readonly task: WindowTask;
  readonly taskExecution: TaskExecution;
  readonly target: RunTarget;
  /** Empty when only checking the document, before any invocation exists. */
  readonly invocationId: string;
}

/** The account and region that ARNs name. */
export interface ArnScope {
  readonly accountId: string;
  readonly region: string;
}

/** The role SSM reports when a task names none. */
export function defaultServiceRole(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM`;
}

/** The role a task execution records: the task's, its RunCommand's, or SSM's default. */
export function taskServiceRole(task: WindowTask, accountId: string): string {
  return task.serviceRoleArn ?? runCommandOf(task).ServiceRoleArn ?? defaultServiceRole(accountId);
}

/** The task's document parameters in TaskParameters shape, as GetMaintenanceWindowExecutionTask shows them. */
export function documentParametersOf(task: WindowTask): TaskExecution['taskParameters'] {
  const parameters = runCommandOf(task).Parameters ?? legacyParametersOf(task);
  return Object.fromEntries(Object.entries(parameters).map(([name, values]) => [name, { Values: values }]));
}

/** The `{{...}}` values of one invocation (spec §6.7). */
export function pseudoValues(site: InvocationSite, scope: ArnScope): PseudoParameterValues {
  const { target } = site;
  const logging = site.task.loggingInfo;
  return {
    WINDOW_ID: site.windowId,
    WINDOW_TASK_ID: site.task.windowTaskId,
    WINDOW_TARGET_ID: target.windowTargetId ?? '',
    WINDOW_EXECUTION_ID: site.windowExecutionId,
    TASK_EXECUTION_ID: site.taskExecution.taskExecutionId,
    INVOCATION_ID: site.invocationId,
    TARGET_TYPE: target.resourceType,
    TARGET_ID:
      target.resourceType === 'RESOURCE_GROUP'
        ? `arn:aws:ssm:${scope.region}:${scope.accountId}:managed-instance/${target.instanceId}`
        : target.instanceId,
    RESOURCE_ID: target.instanceId,
    LOGGING_S3_BUCKET_NAME: logging?.S3BucketName ?? '',
    LOGGING_S3_KEY_PREFIX: logging?.S3KeyPrefix ?? '',
    LOGGING_S3_REGION: logging?.S3Region ?? '',
  };
}

/** The SendCommand request for one node, pseudo parameters substituted. */
export function invocationRequest(site: InvocationSite, scope: ArnScope): SendCommandRequest {
  const { task, taskExecution } = site;
  const values = pseudoValues(site, scope);
  const runCommand = runCommandOf(task);
  const substitute = (text: string) => substitutePseudoParameters(text, values);
  const parameters = Object.fromEntries(
    Object.entries(runCommand.Parameters ?? legacyParametersOf(task)).map(([name, list]) => [
      name,
      list.map(substitute),
    ]),
  );
  const logging = task.loggingInfo;
  return {
    documentName: task.taskArn,
    documentVersion: runCommand.DocumentVersion,
    documentHash: runCommand.DocumentHash,
    documentHashType: runCommand.DocumentHashType,
    instanceIds: [site.target.instanceId],
    parameters,
    timeoutSeconds: runCommand.TimeoutSeconds,
    comment: runCommand.Comment === undefined ? undefined : substitute(runCommand.Comment),
    maxConcurrency: taskExecution.maxConcurrency,
    maxErrors: taskExecution.maxErrors,
    outputS3BucketName: runCommand.OutputS3BucketName ?? logging?.S3BucketName,
    outputS3KeyPrefix: runCommand.OutputS3KeyPrefix ?? logging?.S3KeyPrefix,
    serviceRoleArn: runCommand.ServiceRoleArn,
    notificationConfig: runCommand.NotificationConfig,
    cloudWatchOutputConfig: runCommand.CloudWatchOutputConfig,
    alarmConfiguration: task.alarmConfiguration,
  };
}

/** Invocation `Parameters` (spec §5.19): what was launched, lower-camel keys, set members only. */
export function launchedParameters(request: SendCommandRequest, execution: TaskExecution): string {
  const entries: [string, unknown][] = [
    ['comment', request.comment ?? ''],
    ['documentName', request.documentName],
    ['documentVersion', request.documentVersion],
    ['instanceIds', request.instanceIds],
    ['maxConcurrency', execution.maxConcurrency],
    ['maxErrors', execution.maxErrors],
    ['parameters', request.parameters],
    ['timeoutSeconds', request.timeoutSeconds ?? 3600],
    ['outputS3BucketName', request.outputS3BucketName],
    ['outputS3KeyPrefix', request.outputS3KeyPrefix],
    ['serviceRoleArn', request.serviceRoleArn],
    ['notificationConfig', request.notificationConfig],
    ['cloudWatchOutputConfig', request.cloudWatchOutputConfig],
  ];
  return JSON.stringify(Object.fromEntries(entries.filter(([, value]) => value !== undefined)));
}

function runCommandOf(task: WindowTask): RunCommandParameters {
  return (task.taskInvocationParameters?.RunCommand as RunCommandParameters | undefined) ?? {};
}

/** Legacy TaskParameters (`{name: {Values: [...]}}`) as document parameters. */
function legacyParametersOf(task: WindowTask): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(task.taskParameters ?? {}).map(([name, value]) => [name, [...(value.Values ?? [])]]),
  );
}
