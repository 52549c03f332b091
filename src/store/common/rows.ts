/** Mapping between domain records and table rows, shared by the SQL backends. */
import type { AccessRole, StoredAccessKey } from '../../domain/access-key.js';
import type { Activation } from '../../domain/activation.js';
import type {
  Command,
  CommandDetails,
  CommandInvocation,
  CommandStatus,
  InvocationDetails,
} from '../../domain/command.js';
import type { ManagedNode, NodeFacts } from '../../domain/managed-node.js';
import type { ResourceGroup } from '../../domain/resource-group.js';
import type {
  CutoffBehavior,
  MaintenanceWindow,
  WindowTarget,
  WindowTask,
  WindowTaskType,
} from '../../domain/maintenance-window.js';
import type { WindowTargetResourceType } from '../../domain/targets.js';
import type {
  RunPlan,
  TaskExecution,
  TaskInvocation,
  WindowExecution,
  WindowExecutionStatus,
} from '../../domain/window-execution.js';
import type {
  AccessKeysTable,
  ActivationsTable,
  CommandInvocationsTable,
  CommandsTable,
  ManagedNodesTable,
  ResourceGroupsTable,
  TaskExecutionsTable,
  TaskInvocationsTable,
  WindowExecutionsTable,
  WindowsTable,
  WindowTargetsTable,
  WindowTasksTable,
} from './schema.js';

/** `undefined` for SQL NULL, so optional fields stay absent rather than null. */
function opt<T>(value: T | null): T | undefined {
  return value === null ? undefined : value;
}

function json<T>(value: string | null): T | undefined {
  return value === null ? undefined : (JSON.parse(value) as T);
}

function toJson(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

export function windowToRow(window: MaintenanceWindow): WindowsTable {
  return {
    window_id: window.windowId,
    name: window.name,
    description: window.description ?? null,
    schedule: window.schedule,
    schedule_timezone: window.scheduleTimezone ?? null,
    schedule_offset: window.scheduleOffset ?? null,
    start_date: window.startDate ?? null,
    end_date: window.endDate ?? null,
    duration: window.duration,
    cutoff: window.cutoff,
    allow_unassociated_targets: window.allowUnassociatedTargets ? 1 : 0,
    enabled: window.enabled ? 1 : 0,
    schedule_anchor_at: window.scheduleAnchorAt,
    created_at: window.createdAt,
    modified_at: window.modifiedAt,
  };
}

export function rowToWindow(row: WindowsTable): MaintenanceWindow {
  return {
    windowId: row.window_id,
    name: row.name,
    description: opt(row.description),
    schedule: row.schedule,
    scheduleTimezone: opt(row.schedule_timezone),
    scheduleOffset: opt(row.schedule_offset),
    startDate: opt(row.start_date),
    endDate: opt(row.end_date),
    duration: row.duration,
    cutoff: row.cutoff,
    allowUnassociatedTargets: row.allow_unassociated_targets === 1,
    enabled: row.enabled === 1,
    scheduleAnchorAt: Number(row.schedule_anchor_at),
    createdAt: Number(row.created_at),
    modifiedAt: Number(row.modified_at),
  };
}

export function targetToRow(target: WindowTarget): WindowTargetsTable {
  return {
    window_target_id: target.windowTargetId,
    window_id: target.windowId,
    resource_type: target.resourceType,
    targets: JSON.stringify(target.targets),
    owner_information: target.ownerInformation ?? null,
    name: target.name ?? null,
    description: target.description ?? null,
    created_at: target.createdAt,
  };
}

export function rowToTarget(row: WindowTargetsTable): WindowTarget {
  return {
    windowTargetId: row.window_target_id,
    windowId: row.window_id,
    resourceType: row.resource_type as WindowTargetResourceType,
    targets: JSON.parse(row.targets) as WindowTarget['targets'],
    ownerInformation: opt(row.owner_information),
    name: opt(row.name),
    description: opt(row.description),
    createdAt: Number(row.created_at),
  };
}

export function taskToRow(task: WindowTask): WindowTasksTable {
  return {
    window_task_id: task.windowTaskId,
    window_id: task.windowId,
    task_type: task.taskType,
    task_arn: task.taskArn,
    targets: JSON.stringify(task.targets),
    has_instance_targets: task.targets.some((target) => target.Key.toLowerCase() === 'instanceids') ? 1 : 0,
    service_role_arn: task.serviceRoleArn ?? null,
    task_parameters: toJson(task.taskParameters),
    task_invocation_parameters: toJson(task.taskInvocationParameters),
    priority: task.priority,
    max_concurrency: task.maxConcurrency,
    max_errors: task.maxErrors,
    logging_info: toJson(task.loggingInfo),
    name: task.name ?? null,
    description: task.description ?? null,
    cutoff_behavior: task.cutoffBehavior ?? null,
    alarm_configuration: toJson(task.alarmConfiguration),
    created_at: task.createdAt,
  };
}

export function rowToTask(row: WindowTasksTable): WindowTask {
  return {
    windowTaskId: row.window_task_id,
    windowId: row.window_id,
    taskType: row.task_type as WindowTaskType,
    taskArn: row.task_arn,
    targets: JSON.parse(row.targets) as WindowTask['targets'],
    serviceRoleArn: opt(row.service_role_arn),
    taskParameters: json(row.task_parameters),
    taskInvocationParameters: json(row.task_invocation_parameters),
    priority: row.priority,
    maxConcurrency: row.max_concurrency,
    maxErrors: row.max_errors,
    loggingInfo: json(row.logging_info),
    name: opt(row.name),
    description: opt(row.description),
    cutoffBehavior: opt(row.cutoff_behavior) as CutoffBehavior | undefined,
    alarmConfiguration: json(row.alarm_configuration),
    createdAt: Number(row.created_at),
  };
}

export function windowExecutionToRow(execution: WindowExecution): WindowExecutionsTable {
  return {
    window_execution_id: execution.windowExecutionId,
    window_id: execution.windowId,
    scheduled_at: execution.scheduledAt,
    status: execution.status,
    status_details: execution.statusDetails ?? null,
    started_at: execution.startedAt,
    ended_at: execution.endedAt ?? null,
    plan: toJson(execution.plan),
    cancel_requested: execution.cancelRequested === true ? 1 : 0,
  };
}

export function rowToWindowExecution(row: WindowExecutionsTable): WindowExecution {
  return {
    windowExecutionId: row.window_execution_id,
    windowId: row.window_id,
    scheduledAt: Number(row.scheduled_at),
    status: row.status as WindowExecutionStatus,
    statusDetails: opt(row.status_details),
    startedAt: Number(row.started_at),
    endedAt: row.ended_at === null ? undefined : Number(row.ended_at),
    ...(row.cancel_requested === 1 ? { cancelRequested: true } : {}),
    ...(row.plan === null ? {} : { plan: JSON.parse(row.plan) as RunPlan }),
  };
}

export function taskExecutionToRow(execution: TaskExecution): TaskExecutionsTable {
  return {
    task_execution_id: execution.taskExecutionId,
    window_execution_id: execution.windowExecutionId,
    window_task_id: execution.windowTaskId,
    task_arn: execution.taskArn,
    task_type: execution.taskType,
    service_role: execution.serviceRole,
    task_parameters: JSON.stringify(execution.taskParameters),
    priority: execution.priority,
    max_concurrency: execution.maxConcurrency,
    max_errors: execution.maxErrors,
    status: execution.status,
    status_details: execution.statusDetails ?? null,
    started_at: execution.startedAt,
    ended_at: execution.endedAt ?? null,
    alarm_configuration: toJson(execution.alarmConfiguration),
    triggered_alarms: toJson(execution.triggeredAlarms),
    cutoff_behavior: execution.cutoffBehavior ?? null,
    run_targets: toJson(execution.runTargets),
    ended_inside_window: execution.endedInsideWindow === undefined ? null : execution.endedInsideWindow ? 1 : 0,
  };
}

export function rowToTaskExecution(row: TaskExecutionsTable): TaskExecution {
  return {
    taskExecutionId: row.task_execution_id,
    windowExecutionId: row.window_execution_id,
    windowTaskId: row.window_task_id,
    taskArn: row.task_arn,
    taskType: row.task_type as WindowTaskType,
    serviceRole: row.service_role,
    taskParameters: JSON.parse(row.task_parameters) as TaskExecution['taskParameters'],
    priority: row.priority,
    maxConcurrency: row.max_concurrency,
    maxErrors: row.max_errors,
    status: row.status as WindowExecutionStatus,
    statusDetails: opt(row.status_details),
    startedAt: Number(row.started_at),
    endedAt: row.ended_at === null ? undefined : Number(row.ended_at),
    alarmConfiguration: json(row.alarm_configuration),
    triggeredAlarms: json(row.triggered_alarms),
    cutoffBehavior: opt(row.cutoff_behavior) as CutoffBehavior | undefined,
    runTargets: json(row.run_targets),
    endedInsideWindow: row.ended_inside_window === null ? undefined : row.ended_inside_window === 1,
  };
}

export function taskInvocationToRow(invocation: TaskInvocation): TaskInvocationsTable {
  return {
    invocation_id: invocation.invocationId,
    task_execution_id: invocation.taskExecutionId,
    window_execution_id: invocation.windowExecutionId,
    execution_id: invocation.executionId ?? null,
    task_type: invocation.taskType,
    parameters: invocation.parameters,
    status: invocation.status,
    status_details: invocation.statusDetails ?? null,
    started_at: invocation.startedAt,
    ended_at: invocation.endedAt ?? null,
    owner_information: invocation.ownerInformation ?? null,
    window_target_id: invocation.windowTargetId ?? null,
    instance_id: invocation.instanceId ?? null,
  };
}

export function rowToTaskInvocation(row: TaskInvocationsTable): TaskInvocation {
  return {
    invocationId: row.invocation_id,
    taskExecutionId: row.task_execution_id,
    windowExecutionId: row.window_execution_id,
    executionId: opt(row.execution_id),
    taskType: row.task_type as WindowTaskType,
    parameters: row.parameters,
    status: row.status as WindowExecutionStatus,
    statusDetails: opt(row.status_details),
    startedAt: Number(row.started_at),
    endedAt: row.ended_at === null ? undefined : Number(row.ended_at),
    ownerInformation: opt(row.owner_information),
    windowTargetId: opt(row.window_target_id),
    instanceId: opt(row.instance_id),
  };
}

export function accessKeyToRow(key: StoredAccessKey): AccessKeysTable {
  return {
    access_key_id: key.accessKeyId,
    sealed_secret: key.sealedSecret,
    role: key.role,
    description: key.description ?? null,
    created_at: key.createdAt,
  };
}

export function rowToAccessKey(row: AccessKeysTable): StoredAccessKey {
  return {
    accessKeyId: row.access_key_id,
    sealedSecret: row.sealed_secret,
    role: row.role as AccessRole,
    description: opt(row.description),
    createdAt: Number(row.created_at),
  };
}

export function activationToRow(activation: Activation): ActivationsTable {
  return {
    activation_id: activation.activationId,
    activation_code_hash: activation.activationCodeHash,
    description: activation.description ?? null,
    default_instance_name: activation.defaultInstanceName ?? null,
    iam_role: activation.iamRole,
    registration_limit: activation.registrationLimit,
    registrations_count: activation.registrationsCount,
    expires_at: activation.expiresAt,
    created_at: activation.createdAt,
    deleted: activation.deleted ? 1 : 0,
    tags: JSON.stringify(activation.tags),
  };
}

export function rowToActivation(row: ActivationsTable): Activation {
  return {
    activationId: row.activation_id,
    activationCodeHash: row.activation_code_hash,
    description: opt(row.description),
    defaultInstanceName: opt(row.default_instance_name),
    iamRole: row.iam_role,
    registrationLimit: row.registration_limit,
    registrationsCount: row.registrations_count,
    expiresAt: Number(row.expires_at),
    createdAt: Number(row.created_at),
    deleted: row.deleted === 1,
    tags: JSON.parse(row.tags) as Activation['tags'],
  };
}

export function managedNodeToRow(node: ManagedNode): ManagedNodesTable {
  return {
    instance_id: node.instanceId,
    activation_id: node.activationId,
    name: node.name ?? null,
    iam_role: node.iamRole,
    public_key: node.publicKey,
    registered_at: node.registeredAt,
    facts: toJson(node.facts),
    last_ping_at: node.lastPingAt ?? null,
    deregistered_at: node.deregisteredAt ?? null,
  };
}

export function rowToManagedNode(row: ManagedNodesTable): ManagedNode {
  return {
    instanceId: row.instance_id,
    activationId: row.activation_id,
    name: opt(row.name),
    iamRole: row.iam_role,
    publicKey: row.public_key,
    registeredAt: Number(row.registered_at),
    facts: json<NodeFacts>(row.facts),
    lastPingAt: row.last_ping_at === null ? undefined : Number(row.last_ping_at),
    deregisteredAt: row.deregistered_at === null ? undefined : Number(row.deregistered_at),
  };
}

export function resourceGroupToRow(group: ResourceGroup): ResourceGroupsTable {
  return {
    name: group.name,
    description: group.description ?? null,
    targets: JSON.stringify(group.targets),
    created_at: group.createdAt,
  };
}

export function rowToResourceGroup(row: ResourceGroupsTable): ResourceGroup {
  return {
    name: row.name,
    description: opt(row.description),
    targets: JSON.parse(row.targets) as ResourceGroup['targets'],
    createdAt: Number(row.created_at),
  };
}

/** The parts of a command that never change after SendCommand, kept as one JSON document. */
type CommandDefinition = Omit<
  Command,
  | 'commandId'
  | 'documentName'
  | 'requestedAt'
  | 'status'
  | 'statusDetails'
  | 'targetCount'
  | 'completedCount'
  | 'errorCount'
  | 'deliveryTimedOutCount'
  | 'cancelRequested'
>;

export function commandToRow(command: Command): CommandsTable {
  const {
    commandId,
    documentName,
    requestedAt,
    status,
    statusDetails,
    targetCount,
    completedCount,
    errorCount,
    deliveryTimedOutCount,
    cancelRequested,
    ...definition
  } = command;
  return {
    command_id: commandId,
    document_name: documentName,
    requested_at: requestedAt,
    status,
    status_details: statusDetails,
    target_count: targetCount,
    completed_count: completedCount,
    error_count: errorCount,
    delivery_timed_out_count: deliveryTimedOutCount,
    cancel_requested: cancelRequested ? 1 : 0,
    definition: JSON.stringify(definition satisfies CommandDefinition),
  };
}

export function rowToCommand(row: CommandsTable): Command {
  return {
    ...(JSON.parse(row.definition) as CommandDefinition),
    commandId: row.command_id,
    documentName: row.document_name,
    requestedAt: Number(row.requested_at),
    status: row.status as CommandStatus,
    statusDetails: row.status_details as CommandDetails,
    targetCount: row.target_count,
    completedCount: row.completed_count,
    errorCount: row.error_count,
    deliveryTimedOutCount: row.delivery_timed_out_count,
    cancelRequested: row.cancel_requested === 1,
  };
}

export function invocationToRow(invocation: CommandInvocation, documentName: string): CommandInvocationsTable {
  return {
    command_id: invocation.commandId,
    instance_id: invocation.instanceId,
    instance_name: invocation.instanceName,
    document_name: documentName,
    status_details: invocation.statusDetails,
    requested_at: invocation.requestedAt,
    dispatched_at: invocation.dispatchedAt ?? null,
    delivered_at: invocation.deliveredAt ?? null,
    ended_at: invocation.endedAt ?? null,
    plugins: JSON.stringify(invocation.plugins),
    window_task_invocation_id: invocation.windowTaskInvocationId ?? null,
  };
}

export function rowToInvocation(row: CommandInvocationsTable): CommandInvocation {
  return {
    commandId: row.command_id,
    instanceId: row.instance_id,
    instanceName: row.instance_name,
    statusDetails: row.status_details as InvocationDetails,
    requestedAt: Number(row.requested_at),
    dispatchedAt: row.dispatched_at === null ? undefined : Number(row.dispatched_at),
    deliveredAt: row.delivered_at === null ? undefined : Number(row.delivered_at),
    endedAt: row.ended_at === null ? undefined : Number(row.ended_at),
    plugins: JSON.parse(row.plugins) as CommandInvocation['plugins'],
    windowTaskInvocationId: opt(row.window_task_invocation_id),
  };
}
