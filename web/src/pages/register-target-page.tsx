/**
 * Register a target with a window: instances picked from the managed nodes
 * (DescribeInstanceInformation), or instances by tag.
 */
import Alert from '@cloudscape-design/components/alert';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import Textarea from '@cloudscape-design/components/textarea';
import Tiles from '@cloudscape-design/components/tiles';
import { useState } from 'react';
import { useApi, useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { InstanceInformation, Target } from '../api/types.js';
import { useNotify } from '../components/notifications.js';
import { StatusBadge } from '../components/status.js';
import { followHash, hrefOf, navigate } from '../router.js';

type Mode = 'instances' | 'tags';

export function RegisterTargetPage({ windowId }: { windowId: string }) {
  const client = useApi();
  const notify = useNotify();
  const nodes = useApiQuery(
    (api) =>
      api.callAll<{ InstanceInformationList: InstanceInformation[] }, 'InstanceInformationList'>(
        'DescribeInstanceInformation',
        { MaxResults: 50 },
        'InstanceInformationList',
      ),
    [],
  );
  const [mode, setMode] = useState<Mode>('instances');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [ownerInformation, setOwnerInformation] = useState('');
  const [selected, setSelected] = useState<InstanceInformation[]>([]);
  const [tagKey, setTagKey] = useState('');
  const [tagValues, setTagValues] = useState('');
  const [isSubmitted, setSubmitted] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [isBusy, setBusy] = useState(false);

  const targets: Target[] | undefined =
    mode === 'instances'
      ? selected.length === 0
        ? undefined
        : [{ Key: 'InstanceIds', Values: selected.map((node) => node.InstanceId) }]
      : tagKey.trim() === '' || tagValues.trim() === ''
        ? undefined
        : [
            {
              Key: `tag:${tagKey.trim()}`,
              Values: tagValues
                .split(',')
                .map((value) => value.trim())
                .filter(Boolean),
            },
          ];

  const submit = async () => {
    setSubmitted(true);
    if (targets === undefined) {
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await client.call('RegisterTargetWithMaintenanceWindow', {
        WindowId: windowId,
        ResourceType: 'INSTANCE',
        Targets: targets,
        ...(name.trim() === '' ? {} : { Name: name.trim() }),
        ...(description.trim() === '' ? {} : { Description: description.trim() }),
        ...(ownerInformation.trim() === '' ? {} : { OwnerInformation: ownerInformation.trim() }),
        ClientToken: crypto.randomUUID(),
      });
      notify.success('Registered the target.');
      navigate({ page: 'window', windowId, tab: 'targets' });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
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
            { text: windowId, href: hrefOf({ page: 'window', windowId, tab: 'targets' }) },
            { text: 'Register target', href: hrefOf({ page: 'register-target', windowId }) },
          ]}
        />
      }
      header={<Header variant="h1">Register target</Header>}
    >
      <form
        aria-label="Register target"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Form
          errorText={error}
          errorIconAriaLabel="Error"
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button
                variant="link"
                formAction="none"
                href={hrefOf({ page: 'window', windowId, tab: 'targets' })}
                onFollow={followHash}
              >
                Cancel
              </Button>
              <Button variant="primary" formAction="submit" loading={isBusy}>
                Register target
              </Button>
            </SpaceBetween>
          }
        >
          <SpaceBetween size="l">
            <Container header={<Header variant="h2">Target details</Header>}>
              <SpaceBetween size="l">
                <FormField
                  label={
                    <>
                      Name <i>- optional</i>
                    </>
                  }
                  controlId="target-name"
                >
                  <Input controlId="target-name" value={name} onChange={({ detail }) => setName(detail.value)} />
                </FormField>
                <FormField
                  label={
                    <>
                      Description <i>- optional</i>
                    </>
                  }
                  controlId="target-description"
                >
                  <Textarea
                    controlId="target-description"
                    rows={2}
                    value={description}
                    onChange={({ detail }) => setDescription(detail.value)}
                  />
                </FormField>
                <FormField
                  label={
                    <>
                      Owner information <i>- optional</i>
                    </>
                  }
                  controlId="target-owner"
                  description="Passed to tasks as {{OWNER_INFORMATION}} and recorded with each invocation."
                >
                  <Input
                    controlId="target-owner"
                    value={ownerInformation}
                    onChange={({ detail }) => setOwnerInformation(detail.value)}
                  />
                </FormField>
              </SpaceBetween>
            </Container>
            <Container header={<Header variant="h2">Targets</Header>}>
              <SpaceBetween size="l">
                <FormField label="Target selection">
                  <Tiles
                    ariaLabel="Target selection"
                    value={mode}
                    onChange={({ detail }) => setMode(detail.value as Mode)}
                    items={[
                      {
                        value: 'instances',
                        label: 'Choose instances manually',
                        description: 'Pick managed nodes by ID.',
                      },
                      { value: 'tags', label: 'Specify instance tags', description: 'Every node with the tag value.' },
                    ]}
                  />
                </FormField>
                {mode === 'instances' ? (
                  <FormField
                    label="Instances"
                    errorText={isSubmitted && targets === undefined ? 'Choose at least one instance.' : undefined}
                  >
                    <Table
                      variant="embedded"
                      selectionType="multi"
                      trackBy="InstanceId"
                      selectedItems={selected}
                      onSelectionChange={({ detail }) => setSelected(detail.selectedItems)}
                      ariaLabels={{
                        selectionGroupLabel: 'Managed nodes',
                        itemSelectionLabel: (_selection, node) => `Select ${node.InstanceId}`,
                        allItemsSelectionLabel: () => 'Select all managed nodes',
                      }}
                      loading={nodes.isLoading && nodes.data === undefined}
                      loadingText="Loading managed nodes"
                      items={nodes.data ?? []}
                      columnDefinitions={[
                        { id: 'id', header: 'Node ID', cell: (node) => node.InstanceId, isRowHeader: true },
                        { id: 'name', header: 'Name', cell: (node) => node.ComputerName ?? node.Name ?? '-' },
                        { id: 'ping', header: 'Ping status', cell: (node) => <StatusBadge status={node.PingStatus} /> },
                        {
                          id: 'platform',
                          header: 'Platform',
                          cell: (node) => node.PlatformName ?? node.PlatformType ?? '-',
                        },
                        { id: 'agent', header: 'Agent version', cell: (node) => node.AgentVersion ?? '-' },
                      ]}
                      empty={nodes.error === undefined ? 'No managed nodes are registered.' : errorMessage(nodes.error)}
                    />
                  </FormField>
                ) : (
                  <SpaceBetween direction="horizontal" size="s">
                    <FormField
                      label="Tag key"
                      controlId="target-tag-key"
                      errorText={isSubmitted && tagKey.trim() === '' ? 'Enter a tag key.' : undefined}
                    >
                      <Input
                        controlId="target-tag-key"
                        value={tagKey}
                        onChange={({ detail }) => setTagKey(detail.value)}
                      />
                    </FormField>
                    <FormField
                      label="Tag values"
                      controlId="target-tag-values"
                      constraintText="Comma-separated."
                      errorText={isSubmitted && tagValues.trim() === '' ? 'Enter at least one value.' : undefined}
                    >
                      <Input
                        controlId="target-tag-values"
                        value={tagValues}
                        onChange={({ detail }) => setTagValues(detail.value)}
                      />
                    </FormField>
                  </SpaceBetween>
                )}
                {nodes.error !== undefined && <Alert type="error">{errorMessage(nodes.error)}</Alert>}
              </SpaceBetween>
            </Container>
          </SpaceBetween>
        </Form>
      </form>
    </ContentLayout>
  );
}
