/**
 * How services tell the dispatcher that something changed. Notifications are hints: the
 * dispatcher re-reads the store, so a lost or repeated notification does no harm.
 */
export interface DispatchNotifier {
  /** A command was stored and its invocations await dispatch. */
  commandCreated(commandId: string): void;
  /** Cancellation was requested for the command (on `instanceIds`, or all its nodes). */
  commandCancelRequested(commandId: string, instanceIds: readonly string[] | undefined): void;
  /** The node was deregistered: disconnect it and settle its open invocations. */
  nodeDeregistered(instanceId: string): void;
}

export const NO_DISPATCHER: DispatchNotifier = {
  commandCreated: () => {},
  commandCancelRequested: () => {},
  nodeDeregistered: () => {},
};
