/**
 * The SSM wire structures the console reads, as the API returns them (members it does not use
 * are left out). Timestamps are epoch seconds, as in SSM's JSON protocol.
 */
export interface Target {
  Key: string;
  Values: string[];
}

export interface Tag {
  Key: string;
  Value: string;
}

export interface WindowIdentity {
  WindowId: string;
  Name: string;
  Description?: string;
  Enabled: boolean;
  Duration: number;
  Cutoff: number;
  Schedule: string;
  ScheduleTimezone?: string;
  ScheduleOffset?: number;
  StartDate?: string;
  EndDate?: string;
  NextExecutionTime?: string;
}

export interface WindowDetails extends WindowIdentity {
  AllowUnassociatedTargets: boolean;
  CreatedDate?: number;
  ModifiedDate?: number;
}

export interface WindowTarget {
  WindowId: string;
  WindowTargetId: string;
  ResourceType: string;
  Targets: Target[];
  Name?: string;
  Description?: string;
  OwnerInformation?: string;
}

export interface WindowTask {
  WindowId: string;
  WindowTaskId: string;
  TaskArn: string;
  Type: string;
  Targets?: Target[];
  Priority: number;
  MaxConcurrency?: string;
  MaxErrors?: string;
  Name?: string;
  Description?: string;
  CutoffBehavior?: string;
  ServiceRoleArn?: string;
}

export interface WindowExecution {
  WindowId: string;
  WindowExecutionId: string;
  Status: string;
  StatusDetails?: string;
  StartTime?: number;
  EndTime?: number;
}

export interface TaskExecutionIdentity {
  WindowExecutionId: string;
  TaskExecutionId: string;
  Status: string;
  StatusDetails?: string;
  StartTime?: number;
  EndTime?: number;
  TaskArn: string;
  TaskType: string;
}

export interface TaskInvocation {
  WindowExecutionId: string;
  TaskExecutionId: string;
  InvocationId: string;
  ExecutionId?: string;
  Parameters?: string;
  Status: string;
  StatusDetails?: string;
  StartTime?: number;
  EndTime?: number;
  WindowTargetId?: string;
}

export interface CommandInvocation {
  CommandId: string;
  InstanceId: string;
  DocumentName: string;
  Status: string;
  StatusDetails?: string;
  ResponseCode?: number;
  ExecutionStartDateTime?: string;
  ExecutionEndDateTime?: string;
  StandardOutputContent?: string;
  StandardErrorContent?: string;
}

export interface InstanceInformation {
  InstanceId: string;
  PingStatus?: string;
  ComputerName?: string;
  Name?: string;
  PlatformType?: string;
  PlatformName?: string;
  AgentVersion?: string;
  IPAddress?: string;
}

export interface DocumentIdentifier {
  Name: string;
  Owner?: string;
  DocumentType?: string;
  PlatformTypes?: string[];
  DocumentVersion?: string;
}

/** One entry of a Command document's `parameters` object (document content, schema 2.2). */
export interface DocumentParameterDefinition {
  type: string;
  description?: string;
  default?: unknown;
  allowedValues?: string[];
  allowedPattern?: string;
  displayType?: string;
  minItems?: number;
  maxItems?: number;
  minChars?: number;
  maxChars?: number;
}
