/**
 * One document: its description (DescribeDocument), its content in JSON or YAML (GetDocument,
 * converted by the server), its parameters, and its versions (ListDocumentVersions) with the
 * default and latest marked. Any version can be viewed.
 */
import Alert from '@cloudscape-design/components/alert';
import Badge from '@cloudscape-design/components/badge';
import Box from '@cloudscape-design/components/box';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SegmentedControl from '@cloudscape-design/components/segmented-control';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import Tabs from '@cloudscape-design/components/tabs';
import { useState } from 'react';
import { useApiQuery } from '../api/api-context.js';
import type { DocumentDescription, DocumentVersionInfo } from '../api/fleet-types.js';
import { errorMessage } from '../api/ssm-client.js';
import { formatEpochSeconds } from '../components/status.js';
import { followHash, hrefOf } from '../router.js';
import { formatTags } from './managed-nodes-page.js';

function VersionMarkers({ version, document }: { version: string; document: DocumentDescription }) {
  return (
    <SpaceBetween direction="horizontal" size="xxs">
      {version === document.DefaultVersion && <Badge color="green">Default</Badge>}
      {version === document.LatestVersion && <Badge color="blue">Latest</Badge>}
    </SpaceBetween>
  );
}

export function DocumentPage({ name }: { name: string }) {
  const [version, setVersion] = useState<string | undefined>(undefined);
  const [format, setFormat] = useState<'JSON' | 'YAML'>('JSON');
  const [tab, setTab] = useState('content');
  const described = useApiQuery(
    (api) =>
      api.call<{ Document: DocumentDescription }>('DescribeDocument', {
        Name: name,
        ...(version === undefined ? {} : { DocumentVersion: version }),
      }),
    [name, version],
  );
  const content = useApiQuery(
    (api) =>
      api.call<{ Content: string; DocumentFormat: string; DocumentVersion: string }>('GetDocument', {
        Name: name,
        DocumentFormat: format,
        ...(version === undefined ? {} : { DocumentVersion: version }),
      }),
    [name, version, format],
  );
  const versions = useApiQuery(
    (api) =>
      api.callAll<{ DocumentVersions: DocumentVersionInfo[] }, 'DocumentVersions'>(
        'ListDocumentVersions',
        { Name: name, MaxResults: 50 },
        'DocumentVersions',
      ),
    [name],
  );
  const document = described.data?.Document;
  const shownVersion = document?.DocumentVersion;

  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          onFollow={followHash}
          ariaLabel="Breadcrumbs"
          items={[
            { text: 'Documents', href: hrefOf({ page: 'documents' }) },
            { text: name, href: hrefOf({ page: 'document', name }) },
          ]}
        />
      }
      header={
        <Header
          variant="h1"
          description={document?.Description}
          info={document === undefined ? undefined : <Box variant="span">Version {shownVersion}</Box>}
        >
          {name}
        </Header>
      }
    >
      {described.error !== undefined ? (
        <Alert type="error" header="Could not load the document">
          {errorMessage(described.error)}
        </Alert>
      ) : document === undefined ? (
        <Box>Loading…</Box>
      ) : (
        <SpaceBetween size="l">
          <Container header={<Header variant="h2">Document details</Header>}>
            <KeyValuePairs
              columns={4}
              items={[
                { label: 'Name', value: document.Name },
                { label: 'Owner', value: document.Owner ?? '-' },
                { label: 'Document type', value: document.DocumentType ?? '-' },
                { label: 'Schema version', value: document.SchemaVersion ?? '-' },
                { label: 'Platform types', value: (document.PlatformTypes ?? []).join(', ') || '-' },
                { label: 'Status', value: document.Status ?? '-' },
                {
                  label: 'Version shown',
                  value: (
                    <SpaceBetween direction="horizontal" size="xs">
                      <span>{shownVersion}</span>
                      <VersionMarkers version={shownVersion ?? ''} document={document} />
                    </SpaceBetween>
                  ),
                },
                { label: 'Default version', value: document.DefaultVersion ?? '-' },
                { label: 'Latest version', value: document.LatestVersion ?? '-' },
                { label: 'Created', value: formatEpochSeconds(document.CreatedDate) },
                { label: 'Tags', value: formatTags(document.Tags ?? []) || '-' },
              ]}
            />
          </Container>
          <Tabs
            activeTabId={tab}
            onChange={({ detail }) => setTab(detail.activeTabId)}
            ariaLabel="Document"
            tabs={[
              {
                id: 'content',
                label: 'Content',
                content: (
                  <Container
                    header={
                      <Header
                        variant="h2"
                        actions={
                          <SegmentedControl
                            label="Content format"
                            selectedId={format}
                            options={[
                              { id: 'JSON', text: 'JSON' },
                              { id: 'YAML', text: 'YAML' },
                            ]}
                            onChange={({ detail }) => setFormat(detail.selectedId as 'JSON' | 'YAML')}
                          />
                        }
                      >
                        Content
                      </Header>
                    }
                  >
                    {content.error !== undefined ? (
                      <Box color="text-status-error">{errorMessage(content.error)}</Box>
                    ) : content.data === undefined ? (
                      <Box>Loading…</Box>
                    ) : (
                      <pre
                        className="mado-output"
                        data-testid="document-content"
                        aria-label={`Content of ${name} in ${format}`}
                        tabIndex={0}
                      >
                        {content.data.Content}
                      </pre>
                    )}
                  </Container>
                ),
              },
              {
                id: 'parameters',
                label: 'Parameters',
                content: (
                  <Table
                    ariaLabels={{ tableLabel: 'Parameters' }}
                    items={document.Parameters ?? []}
                    trackBy="Name"
                    wrapLines
                    columnDefinitions={[
                      { id: 'name', header: 'Name', cell: (p) => p.Name, isRowHeader: true },
                      { id: 'type', header: 'Type', cell: (p) => p.Type },
                      { id: 'description', header: 'Description', cell: (p) => p.Description ?? '-' },
                      {
                        id: 'default',
                        header: 'Default value',
                        cell: (p) => (p.DefaultValue === undefined ? '-' : <Box variant="code">{p.DefaultValue}</Box>),
                      },
                    ]}
                    header={<Header counter={`(${document.Parameters?.length ?? 0})`}>Parameters</Header>}
                    empty={
                      <Box textAlign="center" color="inherit">
                        This document takes no parameters.
                      </Box>
                    }
                  />
                ),
              },
              {
                id: 'versions',
                label: 'Versions',
                content: (
                  <Table
                    ariaLabels={{ tableLabel: 'Versions' }}
                    items={versions.data ?? []}
                    trackBy="DocumentVersion"
                    loading={versions.isLoading && versions.data === undefined}
                    loadingText="Loading versions"
                    columnDefinitions={[
                      {
                        id: 'version',
                        header: 'Version',
                        cell: (v) => (
                          <SpaceBetween direction="horizontal" size="xs">
                            <span>{v.DocumentVersion}</span>
                            <VersionMarkers version={v.DocumentVersion} document={document} />
                          </SpaceBetween>
                        ),
                        isRowHeader: true,
                      },
                      { id: 'name', header: 'Version name', cell: (v) => v.VersionName ?? '-' },
                      { id: 'format', header: 'Format', cell: (v) => v.DocumentFormat ?? '-' },
                      { id: 'status', header: 'Status', cell: (v) => v.Status ?? '-' },
                      { id: 'created', header: 'Created', cell: (v) => formatEpochSeconds(v.CreatedDate) },
                      {
                        id: 'view',
                        header: 'Actions',
                        cell: (v) => (
                          <Button
                            variant="inline-link"
                            ariaLabel={`View version ${v.DocumentVersion}`}
                            disabled={v.DocumentVersion === shownVersion}
                            onClick={() => {
                              setVersion(v.DocumentVersion);
                              setTab('content');
                            }}
                          >
                            View
                          </Button>
                        ),
                      },
                    ]}
                    header={
                      <Header counter={versions.data === undefined ? undefined : `(${versions.data.length})`}>
                        Versions
                      </Header>
                    }
                    empty={
                      <Box textAlign="center" color="inherit">
                        {versions.error === undefined ? 'No versions.' : errorMessage(versions.error)}
                      </Box>
                    }
                  />
                ),
              },
            ]}
          />
        </SpaceBetween>
      )}
    </ContentLayout>
  );
}
