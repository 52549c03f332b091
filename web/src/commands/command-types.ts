/** The Run Command wire structures the console reads (members it does not use are left out). */
import type { Target } from '../api/types.js';

/** `Command` (SendCommand, ListCommands). Timestamps are epoch seconds. */
export interface CommandWire {
  CommandId: string;
  DocumentName: string;
  DocumentVersion?: string;
  Comment?: string;
  Parameters?: Record<string, string[]>;
  InstanceIds?: string[];
  Targets?: Target[];
  RequestedDateTime?: number;
  Status: string;
  StatusDetails?: string;
  MaxConcurrency?: string;
  MaxErrors?: string;
  TargetCount?: number;
  CompletedCount?: number;
  ErrorCount?: number;
  DeliveryTimedOutCount?: number;
  TimeoutSeconds?: number;
}

/** `CommandPlugin` (ListCommandInvocations with Details). */
export interface CommandPluginWire {
  Name: string;
  Status: string;
  StatusDetails?: string;
  ResponseCode?: number;
  ResponseStartDateTime?: number;
  ResponseFinishDateTime?: number;
}

/** `CommandInvocation` (ListCommandInvocations). */
export interface CommandInvocationWire {
  CommandId: string;
  InstanceId: string;
  InstanceName?: string;
  DocumentName: string;
  RequestedDateTime?: number;
  Status: string;
  StatusDetails?: string;
  CommandPlugins?: CommandPluginWire[];
}

/** `Mado.GetCommandInvocationOutput`: a step's whole output as the server keeps it. */
export interface InvocationOutputWire {
  CommandId: string;
  InstanceId: string;
  PluginName: string;
  Status: string;
  ResponseCode: number;
  StandardOutputContent: string;
  StandardErrorContent: string;
  StandardOutputCapped: boolean;
  StandardErrorCapped: boolean;
  OutputCapBytes: number;
  /** False while the step runs: the content is the output so far. */
  Complete?: boolean;
}
