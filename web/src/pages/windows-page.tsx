/**
 * Maintenance windows: a table with filtering, sorting and pagination (collection hooks over
 * every window, read page by page from DescribeMaintenanceWindows), and the actions on the
 * selected window: view, edit, enable/disable, delete (with confirmation).
 */
import { useCollection } from '@cloudscape-design/collection-hooks';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ButtonDropdown from '@cloudscape-design/components/button-dropdown';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Pagination from '@cloudscape-design/components/pagination';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { useState } from 'react';
import { useApi, useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { WindowIdentity } from '../api/types.js';
import { DeleteWindowModal } from '../components/delete-window-modal.js';
import { useNotify } from '../components/notifications.js';
import { followHash, hrefOf, navigate } from '../router.js';
import { describeSchedule } from '../schedule/schedule-builder.js';

const COLUMNS: TableProps.ColumnDefinition<WindowIdentity>[] = [
  {
    id: 'name',
    header: 'Name',
    cell: (window) => (
      <Link href={hrefOf({ page: 'window', windowId: window.WindowId, tab: 'details' })} onFollow={followHash}>
        {window.Name}
      </Link>
    ),
    sortingField: 'Name',
    isRowHeader: true,
  },
  { id: 'id', header: 'ID', cell: (window) => window.WindowId, sortingField: 'WindowId' },
  {
    id: 'schedule',
    header: 'Schedule',
    cell: (window) => (
      <>
        {describeSchedule(window.Schedule) ?? ''}
        {describeSchedule(window.Schedule) !== undefined && <br />}
        <Box variant="code">{window.Schedule}</Box>
      </>
    ),
    sortingField: 'Schedule',
  },
  {
    id: 'timezone',
    header: 'Time zone',
    cell: (window) => window.ScheduleTimezone ?? 'UTC',
    sortingField: 'ScheduleTimezone',
  },
  {
    id: 'next',
    header: 'Next execution',
    cell: (window) => window.NextExecutionTime ?? '-',
    sortingField: 'NextExecutionTime',
  },
  { id: 'duration', header: 'Duration', cell: (window) => `${window.Duration} h`, sortingField: 'Duration' },
  { id: 'cutoff', header: 'Cutoff', cell: (window) => `${window.Cutoff} h`, sortingField: 'Cutoff' },
  {
    id: 'enabled',
    header: 'Enabled',
    cell: (window) =>
      window.Enabled ? (
        <StatusIndicator type="success">Enabled</StatusIndicator>
      ) : (
        <StatusIndicator type="stopped">Disabled</StatusIndicator>
      ),
    sortingComparator: (a, b) => Number(a.Enabled) - Number(b.Enabled),
  },
];

export function WindowsPage() {
  const client = useApi();
  const notify = useNotify();
  const windows = useApiQuery(
    (api) =>
      api.callAll<{ WindowIdentities: WindowIdentity[] }, 'WindowIdentities'>(
        'DescribeMaintenanceWindows',
        { MaxResults: 100 },
        'WindowIdentities',
      ),
    [],
  );
  const [isDeleting, setDeleting] = useState(false);
  const [isBusy, setBusy] = useState(false);
  const { items, collectionProps, filterProps, paginationProps, filteredItemsCount, actions } = useCollection(
    windows.data ?? [],
    {
      filtering: {
        filteringFunction: (window, text) => {
          const needle = text.toLowerCase();
          return [
            window.Name,
            window.WindowId,
            window.Schedule,
            window.ScheduleTimezone ?? 'UTC',
            window.Description ?? '',
          ]
            .join('\n')
            .toLowerCase()
            .includes(needle);
        },
        empty: (
          <Box textAlign="center" color="inherit">
            <SpaceBetween size="m">
              <b>No maintenance windows</b>
              <Button onClick={() => navigate({ page: 'create-window' })}>Create maintenance window</Button>
            </SpaceBetween>
          </Box>
        ),
        noMatch: (
          <Box textAlign="center" color="inherit">
            <SpaceBetween size="m">
              <b>No matches</b>
              <Button onClick={() => actions.setFiltering('')}>Clear filter</Button>
            </SpaceBetween>
          </Box>
        ),
      },
      sorting: { defaultState: { sortingColumn: COLUMNS[0]! } },
      pagination: { pageSize: 20 },
      selection: { keepSelection: false, trackBy: 'WindowId' },
    },
  );
  const selected = collectionProps.selectedItems?.[0];

  const setEnabled = async (window: WindowIdentity, enabled: boolean) => {
    setBusy(true);
    try {
      await client.call('UpdateMaintenanceWindow', { WindowId: window.WindowId, Enabled: enabled });
      notify.success(`${enabled ? 'Enabled' : 'Disabled'} ${window.Name} (${window.WindowId}).`);
      windows.reload();
    } catch (error) {
      notify.error(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Table
        {...collectionProps}
        variant="full-page"
        selectionType="single"
        ariaLabels={{
          selectionGroupLabel: 'Maintenance windows',
          itemSelectionLabel: (_selection, window) => `Select ${window.Name}`,
          allItemsSelectionLabel: () => 'Select all',
        }}
        columnDefinitions={COLUMNS}
        items={items}
        loading={windows.isLoading && windows.data === undefined}
        loadingText="Loading maintenance windows"
        trackBy="WindowId"
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={windows.data === undefined ? undefined : `(${windows.data.length})`}
            description="A maintenance window is a reusable time slot in which prioritised tasks run on chosen targets."
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button iconName="refresh" ariaLabel="Refresh" onClick={windows.reload} loading={windows.isLoading} />
                <Button
                  disabled={selected === undefined}
                  onClick={() => selected && navigate({ page: 'window', windowId: selected.WindowId, tab: 'details' })}
                >
                  View details
                </Button>
                <ButtonDropdown
                  disabled={selected === undefined || isBusy}
                  items={[
                    { id: 'edit', text: 'Edit' },
                    { id: 'enable', text: 'Enable', disabled: selected?.Enabled !== false },
                    { id: 'disable', text: 'Disable', disabled: selected?.Enabled !== true },
                    { id: 'delete', text: 'Delete' },
                  ]}
                  onItemClick={({ detail }) => {
                    if (selected === undefined) {
                      return;
                    }
                    if (detail.id === 'edit') {
                      navigate({ page: 'edit-window', windowId: selected.WindowId });
                    } else if (detail.id === 'enable' || detail.id === 'disable') {
                      void setEnabled(selected, detail.id === 'enable');
                    } else if (detail.id === 'delete') {
                      setDeleting(true);
                    }
                  }}
                >
                  Actions
                </ButtonDropdown>
                <Button variant="primary" onClick={() => navigate({ page: 'create-window' })}>
                  Create maintenance window
                </Button>
              </SpaceBetween>
            }
          >
            Maintenance windows
          </Header>
        }
        filter={
          <TextFilter
            {...filterProps}
            filteringPlaceholder="Find maintenance windows"
            filteringAriaLabel="Filter maintenance windows"
            countText={filteredItemsCount === undefined ? undefined : `${filteredItemsCount} matches`}
          />
        }
        pagination={<Pagination {...paginationProps} />}
        empty={
          windows.error === undefined ? (
            collectionProps.empty
          ) : (
            <Box textAlign="center" color="text-status-error">
              {errorMessage(windows.error)}
            </Box>
          )
        }
      />
      {selected !== undefined && (
        <DeleteWindowModal
          window={selected}
          visible={isDeleting}
          onDismiss={() => setDeleting(false)}
          onDeleted={() => {
            setDeleting(false);
            windows.reload();
          }}
        />
      )}
    </>
  );
}
