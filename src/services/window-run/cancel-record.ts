/**
 * The one cancel write of a window execution (spec §6.8), shared by
 * CancelMaintenanceWindowExecution and the window's deletion, so both leave the same history:
 * CANCELLING with its details, and the request the runner (or a restarted one) acts on.
 */
import type { WindowExecution } from '../../domain/window-execution.js';
import { DETAILS, isTerminalExecutionStatus } from '../../domain/window-run.js';
import type { Store } from '../../store/store.js';

/** @returns false when there is nothing to cancel (terminal, or already cancelling). */
export async function markCancelling(store: Store, execution: WindowExecution): Promise<boolean> {
  if (isTerminalExecutionStatus(execution.status) || execution.cancelRequested === true) {
    return false;
  }
  await store.updateWindowExecution({
    windowExecutionId: execution.windowExecutionId,
    cancelRequested: true,
    status: 'CANCELLING',
    statusDetails: DETAILS.cancelling,
  });
  return true;
}
