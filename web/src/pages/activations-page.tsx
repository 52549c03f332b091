/**
 * Hybrid activations: the list (DescribeActivations) with filtering, sorting and pagination, and
 * delete with confirmation. Creating one is on its own page (create-activation-page.tsx).
 */
import { useCollection } from '@cloudscape-design/collection-hooks';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Modal from '@cloudscape-design/components/modal';
import Pagination from '@cloudscape-design/components/pagination';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { useState } from 'react';
import { useApi, useApiQuery } from '../api/api-context.js';
import type { Activation } from '../api/fleet-types.js';
import { errorMessage } from '../api/ssm-client.js';
import { useNotify } from '../components/notifications.js';
import { formatEpochSeconds } from '../components/status.js';
import { navigate } from '../router.js';
import { formatTags } from './managed-nodes-page.js';

const COLUMNS: TableProps.ColumnDefinition<Activation>[] = [
  {
    id: 'id',
    header: 'Activation ID',
    cell: (activation) => activation.ActivationId,
    sortingField: 'ActivationId',
    isRowHeader: true,
  },
  { id: 'description', header: 'Description', cell: (a) => a.Description || '-', sortingField: 'Description' },
  {
    id: 'name',
    header: 'Default instance name',
    cell: (a) => a.DefaultInstanceName || '-',
    sortingField: 'DefaultInstanceName',
  },
  { id: 'role', header: 'IAM role', cell: (a) => a.IamRole || '-', sortingField: 'IamRole' },
  {
    id: 'registrations',
    header: 'Registrations',
    cell: (a) => `${a.RegistrationsCount ?? 0} of ${a.RegistrationLimit ?? 1}`,
    sortingField: 'RegistrationsCount',
  },
  {
    id: 'expiration',
    header: 'Expiration',
    cell: (a) =>
      a.Expired === true ? (
        <StatusIndicator type="stopped">Expired {formatEpochSeconds(a.ExpirationDate)}</StatusIndicator>
      ) : (
        formatEpochSeconds(a.ExpirationDate)
      ),
    sortingField: 'ExpirationDate',
  },
  { id: 'created', header: 'Created', cell: (a) => formatEpochSeconds(a.CreatedDate), sortingField: 'CreatedDate' },
  { id: 'tags', header: 'Tags', cell: (a) => formatTags(a.Tags ?? []) || '-' },
];

export function ActivationsPage() {
  const client = useApi();
  const notify = useNotify();
  const activations = useApiQuery(
    (api) =>
      api.callAll<{ ActivationList: Activation[] }, 'ActivationList'>(
        'DescribeActivations',
        { MaxResults: 50 },
        'ActivationList',
      ),
    [],
  );
  const [isConfirming, setConfirming] = useState(false);
  const [isDeleting, setDeleting] = useState(false);
  const { items, collectionProps, filterProps, paginationProps, filteredItemsCount, actions } = useCollection(
    activations.data ?? [],
    {
      filtering: {
        filteringFunction: (a, text) =>
          [a.ActivationId, a.Description ?? '', a.DefaultInstanceName ?? '', a.IamRole ?? '', formatTags(a.Tags ?? [])]
            .join('\n')
            .toLowerCase()
            .includes(text.toLowerCase()),
        empty: (
          <Box textAlign="center" color="inherit">
            <SpaceBetween size="m">
              <b>No activations</b>
              <Button onClick={() => navigate({ page: 'create-activation' })}>Create activation</Button>
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
      sorting: { defaultState: { sortingColumn: COLUMNS[6]!, isDescending: true } },
      pagination: { pageSize: 20 },
      selection: { keepSelection: false, trackBy: 'ActivationId' },
    },
  );
  const selected = collectionProps.selectedItems?.[0];

  const remove = async (activation: Activation) => {
    setDeleting(true);
    try {
      await client.call('DeleteActivation', { ActivationId: activation.ActivationId });
      notify.success(`Deleted activation ${activation.ActivationId}.`);
      setConfirming(false);
      activations.reload();
    } catch (error) {
      notify.error(errorMessage(error));
    } finally {
      setDeleting(false);
    }
  };

  return (
    <>
      <Table
        {...collectionProps}
        variant="full-page"
        selectionType="single"
        ariaLabels={{
          tableLabel: 'Activations',
          selectionGroupLabel: 'Activations',
          itemSelectionLabel: (_selection, a) => `Select activation ${a.ActivationId}`,
          allItemsSelectionLabel: () => 'Select all',
        }}
        columnDefinitions={COLUMNS}
        items={items}
        loading={activations.isLoading && activations.data === undefined}
        loadingText="Loading activations"
        trackBy="ActivationId"
        wrapLines
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={activations.data === undefined ? undefined : `(${activations.data.length})`}
            description="An activation lets nodes register with this server: create one, then run the command it shows on each node."
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button
                  iconName="refresh"
                  ariaLabel="Refresh"
                  onClick={activations.reload}
                  loading={activations.isLoading}
                />
                <Button disabled={selected === undefined} onClick={() => setConfirming(true)}>
                  Delete activation
                </Button>
                <Button variant="primary" onClick={() => navigate({ page: 'create-activation' })}>
                  Create activation
                </Button>
              </SpaceBetween>
            }
          >
            Hybrid activations
          </Header>
        }
        filter={
          <TextFilter
            {...filterProps}
            filteringPlaceholder="Find activations"
            filteringAriaLabel="Filter activations"
            countText={filteredItemsCount === undefined ? undefined : `${filteredItemsCount} matches`}
          />
        }
        pagination={<Pagination {...paginationProps} />}
        empty={
          activations.error === undefined ? (
            collectionProps.empty
          ) : (
            <Box textAlign="center" color="text-status-error">
              {errorMessage(activations.error)}
            </Box>
          )
        }
      />
      <Modal
        visible={isConfirming && selected !== undefined}
        onDismiss={() => setConfirming(false)}
        header="Delete activation"
        closeAriaLabel="Close"
        footer={
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => setConfirming(false)}>
                Cancel
              </Button>
              <Button variant="primary" loading={isDeleting} onClick={() => selected && void remove(selected)}>
                Delete
              </Button>
            </SpaceBetween>
          </Box>
        }
      >
        Delete activation <b>{selected?.ActivationId}</b>? No more nodes can register with it; nodes already registered
        stay managed.
      </Modal>
    </>
  );
}
