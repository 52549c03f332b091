/**
 * Run Command, as in the SSM console's Node Management > Run Command: the recent commands
 * (ListCommands, refreshed while one runs), and one command's detail: its progress, each node's
 * status and whole output (Mado.GetCommandInvocationOutput), refreshed every 2 s while it runs,
 * and Cancel command (CancelCommand).
 */
import { useCollection } from '@cloudscape-design/collection-hooks';
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import ExpandableSection from '@cloudscape-design/components/expandable-section';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import Pagination from '@cloudscape-design/components/pagination';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { useState } from 'react';
import { useApi, useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { CommandInvocationWire, CommandWire } from '../commands/command-types.js';
import { FullOutput } from '../components/full-output.js';
import { useNotify } from '../components/notifications.js';
import { formatEpochSeconds, isRunning, StatusBadge } from '../components/status.js';
import { followHash, hrefOf, navigate } from '../router.js';
import { REFRESH_WHILE_RUNNING_MS } from './window-history-tab.js';
import { formatTargets } from './window-targets-tab.js';

/** What a command was sent to: its instance ids, or its targets. */
export function commandTargetsText(command: CommandWire): string {
  return command.InstanceIds !== undefined && command.InstanceIds.length > 0
    ? command.InstanceIds.join(', ')
    : formatTargets(command.Targets);
}

function progressText(command: CommandWire): string {
  return `${command.CompletedCount ?? 0} of ${command.TargetCount ?? 0}`;
}

const COMMAND_COLUMNS: TableProps.ColumnDefinition<CommandWire>[] = [
  {
    id: 'id',
    header: 'Command ID',
    isRowHeader: true,
    cell: (command) => (
      <Link href={hrefOf({ page: 'command', commandId: command.CommandId })} onFollow={followHash}>
        {command.CommandId}
      </Link>
    ),
  },
  { id: 'status', header: 'Status', minWidth: 120, cell: (command) => <StatusBadge status={command.Status} /> },
  { id: 'document', header: 'Document', cell: (command) => command.DocumentName, sortingField: 'DocumentName' },
  {
    id: 'requested',
    header: 'Requested',
    cell: (command) => formatEpochSeconds(command.RequestedDateTime),
    sortingField: 'RequestedDateTime',
  },
  { id: 'targets', header: 'Targets', cell: commandTargetsText },
  { id: 'completed', header: 'Completed', cell: progressText },
  { id: 'errors', header: 'Errors', cell: (command) => String(command.ErrorCount ?? 0) },
  { id: 'comment', header: 'Comment', cell: (command) => command.Comment || '-' },
];

export function CommandsPage() {
  const commands = useApiQuery(
    (api) => api.call<{ Commands?: CommandWire[] }>('ListCommands', { MaxResults: 50 }),
    [],
    (page) =>
      (page.Commands ?? []).some((command) => isRunning(command.Status)) ? REFRESH_WHILE_RUNNING_MS : undefined,
  );
  const all = commands.data?.Commands ?? [];
  const { items, collectionProps, filterProps, paginationProps, filteredItemsCount } = useCollection(all, {
    filtering: {
      empty: (
        <Box textAlign="center" color="inherit">
          <SpaceBetween size="xs">
            <b>No commands</b>
            <Box color="inherit">Commands you run appear here.</Box>
          </SpaceBetween>
        </Box>
      ),
      noMatch: (
        <Box textAlign="center" color="inherit">
          <b>No matches</b>
        </Box>
      ),
    },
    pagination: { pageSize: 20 },
    sorting: {},
  });
  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description="Send a document to managed nodes and watch it run."
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button iconName="refresh" ariaLabel="Refresh commands" onClick={commands.reload} />
              <Button variant="primary" onClick={() => navigate({ page: 'run-command' })}>
                Run command
              </Button>
            </SpaceBetween>
          }
        >
          Run Command
        </Header>
      }
    >
      {commands.error !== undefined ? (
        <Alert type="error">{errorMessage(commands.error)}</Alert>
      ) : (
        <Table
          {...collectionProps}
          items={items}
          trackBy="CommandId"
          loading={commands.data === undefined}
          loadingText="Loading commands"
          columnDefinitions={COMMAND_COLUMNS}
          wrapLines
          ariaLabels={{ tableLabel: 'Command history' }}
          header={<Header counter={`(${all.length})`}>Command history</Header>}
          filter={
            <TextFilter
              {...filterProps}
              filteringPlaceholder="Find commands"
              filteringAriaLabel="Filter commands"
              countText={filteredItemsCount === undefined ? undefined : `${filteredItemsCount} matches`}
            />
          }
          pagination={<Pagination {...paginationProps} />}
        />
      )}
    </ContentLayout>
  );
}

interface CommandView {
  command: CommandWire;
  invocations: CommandInvocationWire[];
}

function NodeOutput({ invocation }: { invocation: CommandInvocationWire }) {
  const plugins = invocation.CommandPlugins ?? [];
  if (plugins.length === 0) {
    return (
      <FullOutput
        commandId={invocation.CommandId}
        instanceId={invocation.InstanceId}
        isFinished={!isRunning(invocation.Status)}
      />
    );
  }
  return (
    <SpaceBetween size="m">
      {plugins.map((plugin) => (
        <SpaceBetween size="xs" key={plugin.Name}>
          {plugins.length > 1 && (
            <Header variant="h3" info={<StatusBadge status={plugin.Status} />}>
              Step {plugin.Name}
            </Header>
          )}
          <FullOutput
            commandId={invocation.CommandId}
            instanceId={invocation.InstanceId}
            pluginName={plugin.Name}
            isFinished={!isRunning(plugin.Status)}
            subject={plugins.length > 1 ? `${invocation.InstanceId} step ${plugin.Name}` : invocation.InstanceId}
          />
        </SpaceBetween>
      ))}
    </SpaceBetween>
  );
}

export function CommandPage({ commandId }: { commandId: string }) {
  const client = useApi();
  const notify = useNotify();
  const [isCancelling, setCancelling] = useState(false);
  const view = useApiQuery<CommandView>(
    async (api) => {
      const [listed, invocations] = await Promise.all([
        api.call<{ Commands?: CommandWire[] }>('ListCommands', { CommandId: commandId }),
        api.callAll<{ CommandInvocations: CommandInvocationWire[] }, 'CommandInvocations'>(
          'ListCommandInvocations',
          { CommandId: commandId, Details: true, MaxResults: 50 },
          'CommandInvocations',
        ),
      ]);
      const command = listed.Commands?.[0];
      if (command === undefined) {
        throw new Error(`Command ${commandId} was not found (it may have been pruned from the history).`);
      }
      return { command, invocations: [...invocations].sort((a, b) => a.InstanceId.localeCompare(b.InstanceId)) };
    },
    [commandId],
    (data) =>
      isRunning(data.command.Status) || data.invocations.some((invocation) => isRunning(invocation.Status))
        ? REFRESH_WHILE_RUNNING_MS
        : undefined,
  );
  const command = view.data?.command;

  const cancel = async () => {
    setCancelling(true);
    try {
      await client.call('CancelCommand', { CommandId: commandId });
      notify.success(`Cancelling command ${commandId}.`);
      view.reload();
    } catch (error) {
      notify.error(errorMessage(error));
    } finally {
      setCancelling(false);
    }
  };

  const invocations = view.data?.invocations ?? [];
  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          onFollow={followHash}
          ariaLabel="Breadcrumbs"
          items={[
            { text: 'Run Command', href: hrefOf({ page: 'commands' }) },
            { text: commandId, href: hrefOf({ page: 'command', commandId }) },
          ]}
        />
      }
      header={
        <Header
          variant="h1"
          description={command === undefined ? undefined : `${command.DocumentName} · ${commandTargetsText(command)}`}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button iconName="refresh" ariaLabel="Refresh command" onClick={view.reload} />
              <Button
                disabled={command === undefined || !isRunning(command.Status)}
                loading={isCancelling}
                onClick={() => void cancel()}
              >
                Cancel command
              </Button>
            </SpaceBetween>
          }
        >
          Command {commandId}
        </Header>
      }
    >
      {view.error !== undefined ? (
        <Alert type="error">{errorMessage(view.error)}</Alert>
      ) : command === undefined ? (
        <Spinner size="large" />
      ) : (
        <SpaceBetween size="l">
          <Container header={<Header variant="h2">Command status</Header>}>
            <KeyValuePairs
              columns={4}
              items={[
                {
                  label: 'Overall status',
                  value: (
                    <span data-testid="command-status">
                      <StatusBadge status={command.Status} />
                    </span>
                  ),
                },
                { label: 'Status details', value: command.StatusDetails ?? '-' },
                { label: 'Completed', value: progressText(command) },
                {
                  label: 'Errors',
                  value: `${command.ErrorCount ?? 0}${command.DeliveryTimedOutCount ? ` (${command.DeliveryTimedOutCount} delivery timed out)` : ''}`,
                },
                {
                  label: 'Document',
                  value: `${command.DocumentName}${command.DocumentVersion ? ` (version ${command.DocumentVersion})` : ''}`,
                },
                { label: 'Requested', value: formatEpochSeconds(command.RequestedDateTime) },
                { label: 'Concurrency', value: command.MaxConcurrency ?? '-' },
                { label: 'Error threshold', value: command.MaxErrors ?? '-' },
                {
                  label: 'Timeout (seconds)',
                  value: command.TimeoutSeconds === undefined ? '-' : String(command.TimeoutSeconds),
                },
                { label: 'Targets', value: commandTargetsText(command) },
                { label: 'Comment', value: command.Comment || '-' },
              ]}
            />
          </Container>
          <Table
            items={invocations}
            trackBy="InstanceId"
            wrapLines
            ariaLabels={{ tableLabel: 'Targets and outputs' }}
            columnDefinitions={[
              { id: 'node', header: 'Node ID', isRowHeader: true, cell: (invocation) => invocation.InstanceId },
              { id: 'name', header: 'Node name', cell: (invocation) => invocation.InstanceName || '-' },
              {
                id: 'status',
                header: 'Status',
                minWidth: 120,
                cell: (invocation) => <StatusBadge status={invocation.Status} />,
              },
              { id: 'details', header: 'Status details', cell: (invocation) => invocation.StatusDetails ?? '-' },
              {
                id: 'code',
                header: 'Response code',
                cell: (invocation) =>
                  (invocation.CommandPlugins ?? []).map((plugin) => String(plugin.ResponseCode ?? '-')).join(', ') ||
                  '-',
              },
              {
                id: 'start',
                header: 'Start time',
                cell: (invocation) => formatEpochSeconds(invocation.CommandPlugins?.[0]?.ResponseStartDateTime),
              },
              {
                id: 'end',
                header: 'End time',
                cell: (invocation) => formatEpochSeconds(invocation.CommandPlugins?.at(-1)?.ResponseFinishDateTime),
              },
            ]}
            header={
              <Header
                counter={`(${invocations.length})`}
                description={
                  isRunning(command.Status) ? 'Refreshing every 2 seconds while the command runs.' : undefined
                }
              >
                Targets and outputs
              </Header>
            }
            empty="No targets."
          />
          {invocations.map((invocation) => (
            <ExpandableSection
              key={invocation.InstanceId}
              variant="container"
              headerText={`Output: ${invocation.InstanceId}`}
              headerInfo={<StatusBadge status={invocation.Status} />}
              defaultExpanded={invocations.length <= 3}
            >
              <NodeOutput invocation={invocation} />
            </ExpandableSection>
          ))}
        </SpaceBetween>
      )}
    </ContentLayout>
  );
}
