/**
 * One window execution: its status, each task with its per-node invocations, and each
 * invocation's status from GetCommandInvocation with its whole output
 * (Mado.GetCommandInvocationOutput). Refreshes while anything is still running.
 */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import ExpandableSection from '@cloudscape-design/components/expandable-section';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { useApi, useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { CommandInvocation, TaskExecutionIdentity, TaskInvocation, WindowExecution } from '../api/types.js';
import { FullOutput } from '../components/full-output.js';
import { useNotify } from '../components/notifications.js';
import { formatEpochSeconds, isRunning, StatusBadge } from '../components/status.js';
import { followHash, hrefOf } from '../router.js';
import { REFRESH_WHILE_RUNNING_MS } from './window-history-tab.js';

interface TaskWithInvocations {
  task: TaskExecutionIdentity;
  invocations: TaskInvocation[];
}

interface ExecutionView {
  execution: WindowExecution & { TaskIds?: string[] };
  tasks: TaskWithInvocations[];
}

/** The node an invocation ran on: its launch parameters name it. */
export function instanceIdOf(invocation: TaskInvocation): string | undefined {
  try {
    const parameters = JSON.parse(invocation.Parameters ?? '{}') as { instanceIds?: unknown };
    const ids = parameters.instanceIds;
    return Array.isArray(ids) && typeof ids[0] === 'string' ? ids[0] : undefined;
  } catch {
    // Parameters are written by the server as JSON; anything else shows no node.
    return undefined;
  }
}

function InvocationOutput({ commandId, instanceId }: { commandId: string; instanceId: string }) {
  const invocation = useApiQuery(
    (api) =>
      api.call<CommandInvocation & { PluginName?: string }>('GetCommandInvocation', {
        CommandId: commandId,
        InstanceId: instanceId,
      }),
    [commandId, instanceId],
    (data) => (isRunning(data.Status) ? REFRESH_WHILE_RUNNING_MS : undefined),
  );
  if (invocation.error !== undefined) {
    return <Alert type="error">{errorMessage(invocation.error)}</Alert>;
  }
  const data = invocation.data;
  if (data === undefined) {
    return <Spinner />;
  }
  return (
    <SpaceBetween size="s">
      <KeyValuePairs
        columns={4}
        items={[
          { label: 'Command ID', value: data.CommandId },
          { label: 'Status', value: <StatusBadge status={data.Status} /> },
          { label: 'Response code', value: data.ResponseCode === undefined ? '-' : String(data.ResponseCode) },
          { label: 'Document', value: data.DocumentName },
        ]}
      />
      <FullOutput
        commandId={data.CommandId}
        instanceId={instanceId}
        pluginName={data.PluginName}
        isFinished={!isRunning(data.Status)}
      />
    </SpaceBetween>
  );
}

function TaskSection({ entry }: { entry: TaskWithInvocations }) {
  const { task, invocations } = entry;
  return (
    <Container
      header={
        <Header
          variant="h2"
          description={`${task.TaskType} · ${task.TaskExecutionId}`}
          info={<StatusBadge status={task.Status} />}
        >
          {task.TaskArn}
        </Header>
      }
    >
      <SpaceBetween size="m">
        <KeyValuePairs
          columns={3}
          items={[
            { label: 'Start time', value: formatEpochSeconds(task.StartTime) },
            { label: 'End time', value: formatEpochSeconds(task.EndTime) },
            { label: 'Status details', value: task.StatusDetails ?? '-' },
          ]}
        />
        <Table
          variant="embedded"
          items={invocations}
          trackBy="InvocationId"
          columnDefinitions={[
            { id: 'node', header: 'Node', isRowHeader: true, cell: (invocation) => instanceIdOf(invocation) ?? '-' },
            { id: 'status', header: 'Status', cell: (invocation) => <StatusBadge status={invocation.Status} /> },
            { id: 'details', header: 'Status details', cell: (invocation) => invocation.StatusDetails ?? '-' },
            { id: 'start', header: 'Start time', cell: (invocation) => formatEpochSeconds(invocation.StartTime) },
            { id: 'end', header: 'End time', cell: (invocation) => formatEpochSeconds(invocation.EndTime) },
            { id: 'command', header: 'Command ID', cell: (invocation) => invocation.ExecutionId ?? '-' },
          ]}
          header={<Header variant="h3">Invocations</Header>}
          empty="No invocations."
        />
        {invocations.map((invocation) => {
          const instanceId = instanceIdOf(invocation);
          if (invocation.ExecutionId === undefined || instanceId === undefined) {
            return null;
          }
          return (
            <ExpandableSection
              key={invocation.InvocationId}
              headerText={`Output: ${instanceId}`}
              defaultExpanded={invocations.length <= 3}
            >
              <InvocationOutput commandId={invocation.ExecutionId} instanceId={instanceId} />
            </ExpandableSection>
          );
        })}
      </SpaceBetween>
    </Container>
  );
}

export function ExecutionPage({ windowId, executionId }: { windowId: string; executionId: string }) {
  const client = useApi();
  const notify = useNotify();
  const [isCancelling, setCancelling] = useState(false);
  const view = useApiQuery<ExecutionView>(
    async (api) => {
      const [execution, taskPage] = await Promise.all([
        api.call<ExecutionView['execution']>('GetMaintenanceWindowExecution', { WindowExecutionId: executionId }),
        api.call<{ WindowExecutionTaskIdentities?: TaskExecutionIdentity[] }>(
          'DescribeMaintenanceWindowExecutionTasks',
          {
            WindowExecutionId: executionId,
          },
        ),
      ]);
      const tasks = await Promise.all(
        (taskPage.WindowExecutionTaskIdentities ?? []).map(async (task) => ({
          task,
          invocations: await api.callAll<
            { WindowExecutionTaskInvocationIdentities: TaskInvocation[] },
            'WindowExecutionTaskInvocationIdentities'
          >(
            'DescribeMaintenanceWindowExecutionTaskInvocations',
            { WindowExecutionId: executionId, TaskId: task.TaskExecutionId, MaxResults: 100 },
            'WindowExecutionTaskInvocationIdentities',
          ),
        })),
      );
      return { execution, tasks };
    },
    [executionId],
    (data) =>
      isRunning(data.execution.Status) ||
      data.tasks.some((entry) => isRunning(entry.task.Status) || entry.invocations.some((i) => isRunning(i.Status)))
        ? REFRESH_WHILE_RUNNING_MS
        : undefined,
  );
  const execution = view.data?.execution;

  const cancel = async () => {
    setCancelling(true);
    try {
      await client.call('CancelMaintenanceWindowExecution', { WindowExecutionId: executionId });
      notify.success(`Cancelling ${executionId}.`);
      view.reload();
    } catch (error) {
      notify.error(errorMessage(error));
    } finally {
      setCancelling(false);
    }
  };

  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          onFollow={followHash}
          ariaLabel="Breadcrumbs"
          items={[
            { text: 'Maintenance windows', href: hrefOf({ page: 'windows' }) },
            { text: windowId, href: hrefOf({ page: 'window', windowId, tab: 'history' }) },
            { text: executionId, href: hrefOf({ page: 'execution', windowId, executionId }) },
          ]}
        />
      }
      header={
        <Header
          variant="h1"
          description={`Window execution of ${windowId}`}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button iconName="refresh" ariaLabel="Refresh execution" onClick={view.reload} />
              <Button
                disabled={execution === undefined || !isRunning(execution.Status)}
                loading={isCancelling}
                onClick={() => void cancel()}
              >
                Cancel execution
              </Button>
            </SpaceBetween>
          }
        >
          {executionId}
        </Header>
      }
    >
      {view.error !== undefined ? (
        <Alert type="error">{errorMessage(view.error)}</Alert>
      ) : view.data === undefined || execution === undefined ? (
        <Spinner size="large" />
      ) : (
        <SpaceBetween size="l">
          <Container header={<Header variant="h2">Execution</Header>}>
            <KeyValuePairs
              columns={4}
              items={[
                { label: 'Status', value: <StatusBadge status={execution.Status} /> },
                { label: 'Status details', value: execution.StatusDetails ?? '-' },
                { label: 'Start time', value: formatEpochSeconds(execution.StartTime) },
                { label: 'End time', value: formatEpochSeconds(execution.EndTime) },
              ]}
            />
          </Container>
          {view.data.tasks.length === 0 ? (
            <Box>No task ran in this execution.</Box>
          ) : (
            view.data.tasks.map((entry) => <TaskSection key={entry.task.TaskExecutionId} entry={entry} />)
          )}
        </SpaceBetween>
      )}
    </ContentLayout>
  );
}
