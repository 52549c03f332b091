/** Status badges and small formatters shared by the pages. */
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';

const STATUS_TYPES: Readonly<Record<string, StatusIndicatorProps.Type>> = {
  SUCCESS: 'success',
  Success: 'success',
  FAILED: 'error',
  Failed: 'error',
  TIMED_OUT: 'error',
  TimedOut: 'error',
  CANCELLED: 'stopped',
  Cancelled: 'stopped',
  CANCELLING: 'in-progress',
  Cancelling: 'in-progress',
  IN_PROGRESS: 'in-progress',
  InProgress: 'in-progress',
  PENDING: 'pending',
  Pending: 'pending',
  Delayed: 'pending',
  SKIPPED_OVERLAPPING: 'stopped',
  Online: 'success',
  ConnectionLost: 'error',
  Inactive: 'stopped',
};

export function StatusBadge({ status }: { status: string | undefined }) {
  if (status === undefined) {
    return <>-</>;
  }
  return <StatusIndicator type={STATUS_TYPES[status] ?? 'info'}>{status}</StatusIndicator>;
}

/** True while an execution, task or invocation may still change. */
export function isRunning(status: string | undefined): boolean {
  return (
    status === 'IN_PROGRESS' ||
    status === 'PENDING' ||
    status === 'CANCELLING' ||
    status === 'InProgress' ||
    status === 'Pending' ||
    status === 'Cancelling' ||
    status === 'Delayed'
  );
}

/** An epoch-seconds timestamp as local date and time. */
export function formatEpochSeconds(seconds: number | undefined): string {
  return seconds === undefined ? '-' : new Date(seconds * 1000).toLocaleString();
}
