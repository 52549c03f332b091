/** The History tab: the window's executions, newest first; refreshes while one is running. */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Table from '@cloudscape-design/components/table';
import { useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { WindowExecution } from '../api/types.js';
import { formatEpochSeconds, isRunning, StatusBadge } from '../components/status.js';
import { followHash, hrefOf } from '../router.js';

export const REFRESH_WHILE_RUNNING_MS = 2000;

export function WindowHistoryTab({ windowId }: { windowId: string }) {
  const executions = useApiQuery(
    (api) =>
      api.call<{ WindowExecutions?: WindowExecution[] }>('DescribeMaintenanceWindowExecutions', {
        WindowId: windowId,
        MaxResults: 100,
      }),
    [windowId],
    (page) =>
      (page.WindowExecutions ?? []).some((execution) => isRunning(execution.Status))
        ? REFRESH_WHILE_RUNNING_MS
        : undefined,
  );
  const items = executions.data?.WindowExecutions ?? [];
  return (
    <Table
      items={items}
      trackBy="WindowExecutionId"
      loading={executions.isLoading && executions.data === undefined}
      loadingText="Loading history"
      columnDefinitions={[
        {
          id: 'id',
          header: 'Window execution ID',
          isRowHeader: true,
          cell: (execution) => (
            <Link
              href={hrefOf({ page: 'execution', windowId, executionId: execution.WindowExecutionId })}
              onFollow={followHash}
            >
              {execution.WindowExecutionId}
            </Link>
          ),
        },
        { id: 'status', header: 'Status', cell: (execution) => <StatusBadge status={execution.Status} /> },
        { id: 'details', header: 'Status details', cell: (execution) => execution.StatusDetails ?? '-' },
        { id: 'start', header: 'Start time', cell: (execution) => formatEpochSeconds(execution.StartTime) },
        { id: 'end', header: 'End time', cell: (execution) => formatEpochSeconds(execution.EndTime) },
      ]}
      header={
        <Header
          counter={executions.data === undefined ? undefined : `(${items.length})`}
          description={
            items.some((execution) => isRunning(execution.Status))
              ? 'Refreshing every 2 seconds while an execution runs.'
              : undefined
          }
          actions={<Button iconName="refresh" ariaLabel="Refresh history" onClick={executions.reload} />}
        >
          History
        </Header>
      }
      empty={
        <Box textAlign="center" color="inherit">
          {executions.error === undefined ? 'The window has not run yet.' : errorMessage(executions.error)}
        </Box>
      }
    />
  );
}
