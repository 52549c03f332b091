/** One managed node: its facts, tags and installed packages. */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useApiQuery } from '../api/api-context.js';
import type { InventoryEntry, NodeInformation } from '../api/fleet-types.js';
import { errorMessage } from '../api/ssm-client.js';
import { AgentVersion } from '../components/agent-version.js';
import { formatEpochSeconds, StatusBadge } from '../components/status.js';
import { followHash, hrefOf } from '../router.js';
import { loadNodePackages, loadNodeTags } from './managed-nodes-page.js';

export function ManagedNodePage({ instanceId }: { instanceId: string }) {
  const node = useApiQuery(
    async (api) => {
      const answer = await api.call<{ InstanceInformationList?: NodeInformation[] }>('DescribeInstanceInformation', {
        Filters: [{ Key: 'InstanceIds', Values: [instanceId] }],
      });
      return answer.InstanceInformationList?.[0] ?? null;
    },
    [instanceId],
  );
  const tags = useApiQuery((api) => loadNodeTags(api, instanceId), [instanceId]);
  const packages = useApiQuery((api) => loadNodePackages(api, instanceId), [instanceId]);
  const info = node.data ?? undefined;
  const reload = () => {
    node.reload();
    tags.reload();
    packages.reload();
  };

  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          onFollow={followHash}
          ariaLabel="Breadcrumbs"
          items={[
            { text: 'Managed nodes', href: hrefOf({ page: 'managed-nodes' }) },
            { text: instanceId, href: hrefOf({ page: 'managed-node', instanceId }) },
          ]}
        />
      }
      header={
        <Header
          variant="h1"
          description={info?.Name === undefined ? undefined : `Name: ${info.Name}`}
          actions={<Button iconName="refresh" ariaLabel="Refresh" onClick={reload} loading={node.isLoading} />}
        >
          {instanceId}
        </Header>
      }
    >
      {node.error !== undefined ? (
        <Alert type="error" header="Could not load the managed node">
          {errorMessage(node.error)}
        </Alert>
      ) : node.data === null ? (
        <Alert type="warning" header="No such managed node">
          No node {instanceId} is registered with this server.
        </Alert>
      ) : info === undefined ? (
        <Box>Loading…</Box>
      ) : (
        <SpaceBetween size="l">
          <Container header={<Header variant="h2">Node details</Header>}>
            <KeyValuePairs
              columns={3}
              items={[
                { label: 'Node ID', value: info.InstanceId },
                { label: 'Name', value: info.Name ?? '-' },
                { label: 'Computer name', value: info.ComputerName ?? '-' },
                { label: 'Ping status', value: <StatusBadge status={info.PingStatus} /> },
                { label: 'Last ping', value: formatEpochSeconds(info.LastPingDateTime) },
                { label: 'Agent version', value: <AgentVersion info={info} /> },
                { label: 'Platform type', value: info.PlatformType ?? '-' },
                {
                  label: 'Platform',
                  value: [info.PlatformName, info.PlatformVersion].filter(Boolean).join(' ') || '-',
                },
                { label: 'IP address', value: info.IPAddress ?? '-' },
                { label: 'Resource type', value: info.ResourceType ?? '-' },
                { label: 'Activation ID', value: info.ActivationId ?? '-' },
                { label: 'IAM role', value: info.IamRole ?? '-' },
                { label: 'Registered', value: formatEpochSeconds(info.RegistrationDate) },
              ]}
            />
          </Container>
          <Table
            ariaLabels={{ tableLabel: 'Tags' }}
            items={tags.data ?? []}
            trackBy="Key"
            loading={tags.isLoading && tags.data === undefined}
            loadingText="Loading tags"
            columnDefinitions={[
              { id: 'key', header: 'Key', cell: (tag) => tag.Key, isRowHeader: true },
              { id: 'value', header: 'Value', cell: (tag) => tag.Value || '-' },
            ]}
            header={
              <Header variant="h2" counter={tags.data === undefined ? undefined : `(${tags.data.length})`}>
                Tags
              </Header>
            }
            empty={
              <Box textAlign="center" color="inherit">
                {tags.error === undefined ? 'No tags.' : errorMessage(tags.error)}
              </Box>
            }
          />
          <Table<InventoryEntry>
            ariaLabels={{ tableLabel: 'Installed packages' }}
            items={packages.data ?? []}
            trackBy={(entry) => entry.PackageId ?? `${entry.Name}-${entry.Version}`}
            loading={packages.isLoading && packages.data === undefined}
            loadingText="Loading installed packages"
            wrapLines
            columnDefinitions={[
              { id: 'name', header: 'Name', cell: (entry) => entry.Name ?? '-', isRowHeader: true },
              { id: 'version', header: 'Version', cell: (entry) => entry.Version ?? '-' },
              { id: 'publisher', header: 'Publisher', cell: (entry) => entry.Publisher ?? '-' },
              { id: 'architecture', header: 'Architecture', cell: (entry) => entry.Architecture ?? '-' },
              { id: 'type', header: 'Type', cell: (entry) => entry.ApplicationType ?? '-' },
              { id: 'installed', header: 'Installed', cell: (entry) => entry.InstalledTime ?? '-' },
            ]}
            header={
              <Header
                variant="h2"
                counter={packages.data === undefined ? undefined : `(${packages.data.length})`}
                description="Packages the agent installed (inventory type AWS:Application)."
              >
                Installed packages
              </Header>
            }
            empty={
              <Box textAlign="center" color="inherit">
                {packages.error === undefined ? 'No packages installed by the agent.' : errorMessage(packages.error)}
              </Box>
            }
          />
        </SpaceBetween>
      )}
    </ContentLayout>
  );
}
