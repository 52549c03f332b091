/**
 * Managed nodes (Fleet Manager): every node from DescribeInstanceInformation with its ping status,
 * agent version (and whether it is the latest), platform, address, last ping, tags
 * (ListTagsForResource) and installed packages (ListInventoryEntries, AWS:Application); a table
 * with filtering, sorting and pagination.
 */
import { useCollection } from '@cloudscape-design/collection-hooks';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Pagination from '@cloudscape-design/components/pagination';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import TextFilter from '@cloudscape-design/components/text-filter';
import { useState } from 'react';
import { useApiQuery } from '../api/api-context.js';
import type { InventoryEntry, NodeInformation } from '../api/fleet-types.js';
import { errorMessage, type SsmClient } from '../api/ssm-client.js';
import type { Tag } from '../api/types.js';
import { AgentVersion } from '../components/agent-version.js';
import { formatEpochSeconds, StatusBadge } from '../components/status.js';
import { followHash, hrefOf, navigate } from '../router.js';

export interface ManagedNode {
  readonly info: NodeInformation;
  readonly tags: readonly Tag[];
  /** Undefined when the node's inventory could not be read. */
  readonly packages: readonly InventoryEntry[] | undefined;
}

export async function loadNodeTags(api: SsmClient, instanceId: string): Promise<Tag[]> {
  const answer = await api.call<{ TagList?: Tag[] }>('ListTagsForResource', {
    ResourceType: 'ManagedInstance',
    ResourceId: instanceId,
  });
  return answer.TagList ?? [];
}

export async function loadNodePackages(api: SsmClient, instanceId: string): Promise<InventoryEntry[]> {
  return api.callAll<{ Entries: InventoryEntry[] }, 'Entries'>(
    'ListInventoryEntries',
    { InstanceId: instanceId, TypeName: 'AWS:Application', MaxResults: 50 },
    'Entries',
  );
}

async function loadNodes(api: SsmClient): Promise<ManagedNode[]> {
  const infos = await api.callAll<{ InstanceInformationList: NodeInformation[] }, 'InstanceInformationList'>(
    'DescribeInstanceInformation',
    { MaxResults: 50 },
    'InstanceInformationList',
  );
  return Promise.all(
    infos.map(async (info) => {
      const [tags, packages] = await Promise.all([
        loadNodeTags(api, info.InstanceId).catch(() => []),
        loadNodePackages(api, info.InstanceId).catch(() => undefined),
      ]);
      return { info, tags, packages };
    }),
  );
}

export function formatTags(tags: readonly Tag[]): string {
  return tags.map((tag) => (tag.Value === '' ? tag.Key : `${tag.Key}=${tag.Value}`)).join(', ');
}

function packagesText(packages: readonly InventoryEntry[] | undefined): string {
  if (packages === undefined) {
    return '-';
  }
  return packages.length === 0
    ? 'None'
    : packages.map((entry) => `${entry.Name ?? '?'} ${entry.Version ?? ''}`.trim()).join(', ');
}

const COLUMNS: TableProps.ColumnDefinition<ManagedNode>[] = [
  {
    id: 'id',
    minWidth: 190,
    header: 'Node ID',
    cell: (node) => (
      <Link href={hrefOf({ page: 'managed-node', instanceId: node.info.InstanceId })} onFollow={followHash}>
        {node.info.InstanceId}
      </Link>
    ),
    sortingComparator: (a, b) => a.info.InstanceId.localeCompare(b.info.InstanceId),
    isRowHeader: true,
  },
  {
    id: 'name',
    header: 'Name',
    cell: (node) => node.info.Name ?? node.info.ComputerName ?? '-',
    sortingComparator: (a, b) => (a.info.Name ?? '').localeCompare(b.info.Name ?? ''),
  },
  {
    id: 'ping',
    minWidth: 130,
    header: 'Ping status',
    cell: (node) => <StatusBadge status={node.info.PingStatus} />,
    sortingComparator: (a, b) => (a.info.PingStatus ?? '').localeCompare(b.info.PingStatus ?? ''),
  },
  {
    id: 'agent',
    minWidth: 160,
    header: 'Agent version',
    cell: (node) => <AgentVersion info={node.info} />,
    sortingComparator: (a, b) =>
      (a.info.AgentVersion ?? '').localeCompare(b.info.AgentVersion ?? '', undefined, { numeric: true }),
  },
  {
    id: 'platform',
    header: 'Platform',
    cell: (node) =>
      [node.info.PlatformName, node.info.PlatformVersion].filter(Boolean).join(' ') || node.info.PlatformType || '-',
    sortingComparator: (a, b) => (a.info.PlatformName ?? '').localeCompare(b.info.PlatformName ?? ''),
  },
  {
    id: 'ip',
    header: 'IP address',
    cell: (node) => node.info.IPAddress ?? '-',
    sortingComparator: (a, b) => (a.info.IPAddress ?? '').localeCompare(b.info.IPAddress ?? ''),
  },
  {
    id: 'lastPing',
    minWidth: 160,
    header: 'Last ping',
    cell: (node) => formatEpochSeconds(node.info.LastPingDateTime),
    sortingComparator: (a, b) => (a.info.LastPingDateTime ?? 0) - (b.info.LastPingDateTime ?? 0),
  },
  { id: 'tags', minWidth: 170, header: 'Tags', cell: (node) => formatTags(node.tags) || '-' },
  { id: 'packages', minWidth: 170, header: 'Installed packages', cell: (node) => packagesText(node.packages) },
];

const ANY_STATUS: SelectProps.Option = { value: '', label: 'Any ping status' };
const STATUS_OPTIONS: SelectProps.Option[] = [
  ANY_STATUS,
  { value: 'Online', label: 'Online' },
  { value: 'ConnectionLost', label: 'ConnectionLost' },
  { value: 'Inactive', label: 'Inactive' },
];

export function ManagedNodesPage() {
  const nodes = useApiQuery(loadNodes, []);
  const [status, setStatus] = useState<SelectProps.Option>(ANY_STATUS);
  const { items, collectionProps, filterProps, paginationProps, filteredItemsCount, actions } = useCollection(
    nodes.data ?? [],
    {
      filtering: {
        filteringFunction: (node, text) => {
          if (status.value !== '' && node.info.PingStatus !== status.value) {
            return false;
          }
          const needle = text.toLowerCase();
          return [
            node.info.InstanceId,
            node.info.Name ?? '',
            node.info.ComputerName ?? '',
            node.info.PingStatus ?? '',
            node.info.AgentVersion ?? '',
            node.info.PlatformName ?? '',
            node.info.PlatformType ?? '',
            node.info.IPAddress ?? '',
            formatTags(node.tags),
            packagesText(node.packages),
          ]
            .join('\n')
            .toLowerCase()
            .includes(needle);
        },
        empty: (
          <Box textAlign="center" color="inherit">
            <SpaceBetween size="m">
              <b>No managed nodes</b>
              <span>Create an activation, then register a node with the command it shows.</span>
              <Button onClick={() => navigate({ page: 'create-activation' })}>Create activation</Button>
            </SpaceBetween>
          </Box>
        ),
        noMatch: (
          <Box textAlign="center" color="inherit">
            <SpaceBetween size="m">
              <b>No matches</b>
              <Button
                onClick={() => {
                  actions.setFiltering('');
                  setStatus(ANY_STATUS);
                }}
              >
                Clear filter
              </Button>
            </SpaceBetween>
          </Box>
        ),
      },
      sorting: { defaultState: { sortingColumn: COLUMNS[0]! } },
      pagination: { pageSize: 20 },
    },
  );
  const isFiltered = filterProps.filteringText !== '' || status.value !== '';

  return (
    <Table
      {...collectionProps}
      variant="full-page"
      ariaLabels={{ tableLabel: 'Managed nodes' }}
      columnDefinitions={COLUMNS}
      items={items}
      loading={nodes.isLoading && nodes.data === undefined}
      loadingText="Loading managed nodes"
      trackBy={(node) => node.info.InstanceId}
      wrapLines
      header={
        <Header
          variant="awsui-h1-sticky"
          counter={nodes.data === undefined ? undefined : `(${nodes.data.length})`}
          description="The nodes registered with this server, as their agents last reported them."
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button iconName="refresh" ariaLabel="Refresh" onClick={nodes.reload} loading={nodes.isLoading} />
              <Button onClick={() => navigate({ page: 'activations' })}>Activations</Button>
            </SpaceBetween>
          }
        >
          Managed nodes
        </Header>
      }
      filter={
        <SpaceBetween direction="horizontal" size="xs">
          <TextFilter
            {...filterProps}
            filteringPlaceholder="Find managed nodes"
            filteringAriaLabel="Filter managed nodes"
            countText={isFiltered && filteredItemsCount !== undefined ? `${filteredItemsCount} matches` : undefined}
          />
          <Select
            selectedOption={status}
            options={STATUS_OPTIONS}
            ariaLabel="Filter by ping status"
            onChange={({ detail }) => {
              setStatus(detail.selectedOption);
              // Re-run the filter with the new status.
              actions.setFiltering(filterProps.filteringText);
            }}
          />
        </SpaceBetween>
      }
      pagination={<Pagination {...paginationProps} />}
      empty={
        nodes.error === undefined ? (
          collectionProps.empty
        ) : (
          <Box textAlign="center" color="text-status-error">
            {errorMessage(nodes.error)}
          </Box>
        )
      }
    />
  );
}
