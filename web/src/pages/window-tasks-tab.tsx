/** The Tasks tab: the window's tasks in priority order; register, edit and deregister. */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useApi, useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { WindowTask } from '../api/types.js';
import { useBulkRemoval } from '../components/use-bulk-removal.js';
import { navigate } from '../router.js';
import { formatTargets } from './window-targets-tab.js';

export function WindowTasksTab({ windowId }: { windowId: string }) {
  const client = useApi();
  const tasks = useApiQuery(
    async (api) => {
      const all = await api.callAll<{ Tasks: WindowTask[] }, 'Tasks'>(
        'DescribeMaintenanceWindowTasks',
        { WindowId: windowId, MaxResults: 100 },
        'Tasks',
      );
      return [...all].sort((a, b) => a.Priority - b.Priority);
    },
    [windowId],
  );
  const {
    selected,
    setSelected,
    isBusy,
    removeSelected: deregister,
  } = useBulkRemoval<WindowTask>({
    remove: (item) =>
      client.call('DeregisterTaskFromMaintenanceWindow', { WindowId: windowId, WindowTaskId: item.WindowTaskId }),
    removed: (count) => `Deregistered ${count} task(s).`,
    reload: () => tasks.reload(),
  });

  return (
    <Table
      selectionType="multi"
      selectedItems={selected}
      onSelectionChange={({ detail }) => setSelected(detail.selectedItems)}
      trackBy="WindowTaskId"
      ariaLabels={{
        selectionGroupLabel: 'Tasks',
        itemSelectionLabel: (_selection, task) => `Select ${task.Name ?? task.WindowTaskId}`,
        allItemsSelectionLabel: () => 'Select all tasks',
      }}
      loading={tasks.isLoading && tasks.data === undefined}
      loadingText="Loading tasks"
      items={tasks.data ?? []}
      columnDefinitions={[
        { id: 'id', header: 'Window task ID', cell: (task) => task.WindowTaskId, isRowHeader: true },
        { id: 'name', header: 'Name', cell: (task) => task.Name ?? '-' },
        { id: 'document', header: 'Document', cell: (task) => task.TaskArn },
        { id: 'type', header: 'Type', cell: (task) => task.Type },
        { id: 'priority', header: 'Priority', cell: (task) => task.Priority },
        { id: 'targets', header: 'Targets', cell: (task) => formatTargets(task.Targets) },
        {
          id: 'rate',
          header: 'Concurrency / errors',
          cell: (task) => `${task.MaxConcurrency ?? '-'} / ${task.MaxErrors ?? '-'}`,
        },
        { id: 'cutoff', header: 'Cutoff behavior', cell: (task) => task.CutoffBehavior ?? 'CONTINUE_TASK' },
      ]}
      header={
        <Header
          counter={tasks.data === undefined ? undefined : `(${tasks.data.length})`}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button iconName="refresh" ariaLabel="Refresh tasks" onClick={tasks.reload} />
              <Button
                disabled={selected.length !== 1}
                onClick={() => navigate({ page: 'edit-task', windowId, windowTaskId: selected[0]!.WindowTaskId })}
              >
                Edit task
              </Button>
              <Button disabled={selected.length === 0} loading={isBusy} onClick={() => void deregister()}>
                Deregister task
              </Button>
              <Button variant="primary" onClick={() => navigate({ page: 'register-task', windowId })}>
                Register Run Command task
              </Button>
            </SpaceBetween>
          }
        >
          Tasks
        </Header>
      }
      empty={
        <Box textAlign="center" color="inherit">
          {tasks.error === undefined ? 'No tasks registered.' : errorMessage(tasks.error)}
        </Box>
      }
    />
  );
}
