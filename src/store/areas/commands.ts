/** Run Command: commands, their per-node invocations and output. */
import type {
  Command,
  CommandDetails,
  CommandInvocation,
  CommandStatus,
  InvocationDetails,
  PluginOutput,
  PluginResult,
} from '../../domain/command.js';
import type { Page, PageRequest } from './paging.js';

export interface CommandQuery extends PageRequest {
  readonly commandId?: string;
  /** Commands that include this node. */
  readonly instanceId?: string;
  readonly requestedAtOrAfter?: number;
  readonly requestedAtOrBefore?: number;
  /** Matched against status or status details. */
  readonly statuses?: readonly string[];
  /** Executing (non-terminal) or Complete (terminal). */
  readonly stage?: 'Executing' | 'Complete';
  readonly documentName?: string;
}

export interface InvocationQuery extends PageRequest {
  readonly commandId?: string;
  readonly instanceId?: string;
  readonly requestedAtOrAfter?: number;
  readonly requestedAtOrBefore?: number;
  readonly statusDetails?: readonly InvocationDetails[];
  readonly documentName?: string;
}

/**
 * One change to an invocation, applied in a batch with others. Without `statusDetails` only the
 * `outputs` are written (a running step's output so far): the invocation's row is unchanged.
 */
export interface InvocationChange {
  readonly commandId: string;
  readonly instanceId: string;
  readonly statusDetails?: InvocationDetails;
  readonly dispatchedAt?: number;
  readonly deliveredAt?: number;
  readonly endedAt?: number;
  readonly plugins?: readonly PluginResult[];
  readonly outputs?: readonly PluginOutput[];
}

export interface CommandProgressChange {
  readonly commandId: string;
  readonly status: CommandStatus;
  readonly statusDetails: CommandDetails;
  readonly completedCount: number;
  readonly errorCount: number;
  readonly deliveryTimedOutCount: number;
  readonly cancelRequested: boolean;
}

/** Commands and their invocations. */
/** Commands and their invocations. */
export interface CommandStore {
  // Run Command
  /** Stores a new command with its invocations, atomically. */
  insertCommand(command: Command, invocations: readonly CommandInvocation[]): Promise<void>;
  getCommand(commandId: string): Promise<Command | undefined>;
  /** Newest first. */
  listCommands(query: CommandQuery): Promise<Page<Command>>;
  /** Commands not yet in a terminal status (for the dispatcher after a restart). */
  listUnfinishedCommands(): Promise<Command[]>;
  updateCommandProgress(changes: readonly CommandProgressChange[]): Promise<void>;
  /** Records that the whole command is to be cancelled (so a restarted dispatcher still does). */
  requestCommandCancel(commandId: string): Promise<void>;
  getInvocation(commandId: string, instanceId: string): Promise<CommandInvocation | undefined>;
  /** Newest first, then by instance id. */
  listInvocations(query: InvocationQuery): Promise<Page<CommandInvocation>>;
  listInvocationsOfCommand(commandId: string): Promise<CommandInvocation[]>;
  /** Applies status changes (and outputs) to many invocations in one transaction. */
  applyInvocationChanges(changes: readonly InvocationChange[]): Promise<void>;
  /** Full output of one step, up to the server's cap. */
  getInvocationOutput(commandId: string, instanceId: string, pluginName: string): Promise<PluginOutput | undefined>;
}
