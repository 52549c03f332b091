/**
 * Documents (Shared Resources): ListDocuments with the Owner filter (Amazon, Self, All) asked of
 * the server, a name filter, sorting and pagination.
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
import type { DocumentListing } from '../api/fleet-types.js';
import { errorMessage } from '../api/ssm-client.js';
import { formatEpochSeconds } from '../components/status.js';
import { followHash, hrefOf } from '../router.js';

const COLUMNS: TableProps.ColumnDefinition<DocumentListing>[] = [
  {
    id: 'name',
    header: 'Name',
    cell: (document) => (
      <Link href={hrefOf({ page: 'document', name: document.Name })} onFollow={followHash}>
        {document.Name}
      </Link>
    ),
    sortingField: 'Name',
    isRowHeader: true,
  },
  { id: 'owner', header: 'Owner', cell: (d) => d.Owner ?? '-', sortingField: 'Owner' },
  { id: 'type', header: 'Document type', cell: (d) => d.DocumentType ?? '-', sortingField: 'DocumentType' },
  {
    id: 'platforms',
    header: 'Platform types',
    cell: (d) => (d.PlatformTypes ?? []).join(', ') || '-',
  },
  {
    id: 'version',
    header: 'Default version',
    cell: (d) => d.DocumentVersion ?? '-',
    sortingComparator: (a, b) => Number(a.DocumentVersion ?? 0) - Number(b.DocumentVersion ?? 0),
  },
  { id: 'schema', header: 'Schema version', cell: (d) => d.SchemaVersion ?? '-', sortingField: 'SchemaVersion' },
  { id: 'format', header: 'Format', cell: (d) => d.DocumentFormat ?? '-', sortingField: 'DocumentFormat' },
  { id: 'created', header: 'Created', cell: (d) => formatEpochSeconds(d.CreatedDate), sortingField: 'CreatedDate' },
];

const OWNERS: SelectProps.Option[] = [
  { value: 'All', label: 'All documents' },
  { value: 'Amazon', label: 'Owned by Amazon' },
  { value: 'Self', label: 'Owned by me' },
];

export function DocumentsPage() {
  const [owner, setOwner] = useState<SelectProps.Option>(OWNERS[0]!);
  const documents = useApiQuery(
    (api) =>
      api.callAll<{ DocumentIdentifiers: DocumentListing[] }, 'DocumentIdentifiers'>(
        'ListDocuments',
        { Filters: [{ Key: 'Owner', Values: [owner.value] }], MaxResults: 50 },
        'DocumentIdentifiers',
      ),
    [owner.value],
  );
  const { items, collectionProps, filterProps, paginationProps, filteredItemsCount, actions } = useCollection(
    documents.data ?? [],
    {
      filtering: {
        filteringFunction: (document, text) =>
          `${document.Name}\n${document.DisplayName ?? ''}`.toLowerCase().includes(text.toLowerCase()),
        empty: (
          <Box textAlign="center" color="inherit">
            <b>No documents</b>
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
    },
  );

  return (
    <Table
      {...collectionProps}
      variant="full-page"
      ariaLabels={{ tableLabel: 'Documents' }}
      columnDefinitions={COLUMNS}
      items={items}
      loading={documents.isLoading}
      loadingText="Loading documents"
      trackBy="Name"
      wrapLines
      header={
        <Header
          variant="awsui-h1-sticky"
          counter={documents.data === undefined ? undefined : `(${documents.data.length})`}
          description="Systems Manager documents: the built-in ones (owned by Amazon) and those created on this server."
          actions={
            <Button iconName="refresh" ariaLabel="Refresh" onClick={documents.reload} loading={documents.isLoading} />
          }
        >
          Documents
        </Header>
      }
      filter={
        <SpaceBetween direction="horizontal" size="xs">
          <TextFilter
            {...filterProps}
            filteringPlaceholder="Find documents by name"
            filteringAriaLabel="Filter documents by name"
            countText={filteredItemsCount === undefined ? undefined : `${filteredItemsCount} matches`}
          />
          <Select
            selectedOption={owner}
            options={OWNERS}
            ariaLabel="Filter by owner"
            onChange={({ detail }) => setOwner(detail.selectedOption)}
          />
        </SpaceBetween>
      }
      pagination={<Pagination {...paginationProps} />}
      empty={
        documents.error === undefined ? (
          collectionProps.empty
        ) : (
          <Box textAlign="center" color="text-status-error">
            {errorMessage(documents.error)}
          </Box>
        )
      }
    />
  );
}
