/**
 * How services tell the window engine (scheduler and runner) that something changed. Like the
 * DispatchNotifier, notifications are hints over what the store already holds: the engine
 * re-reads it, so a lost notification costs at most a delay, never a wrong run.
 */
export interface EngineNotifier {
  /** A window was created or updated: its next due time may have moved. */
  windowChanged(windowId: string): void;
  /** A window was deleted: it never fires again; its running execution is being cancelled. */
  windowDeleted(windowId: string): void;
  /** CancelMaintenanceWindowExecution was recorded for the execution. */
  executionCancelRequested(windowExecutionId: string): void;
}

export const NO_ENGINE: EngineNotifier = {
  windowChanged: () => {},
  windowDeleted: () => {},
  executionCancelRequested: () => {},
};
