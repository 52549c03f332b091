/**
 * Register a target with a window, or edit a registered one (the same form, prefilled, saved
 * with UpdateMaintenanceWindowTarget): instances picked from the managed nodes
 * (DescribeInstanceInformation), instances by tag, or a resource group (Mado's own groups,
 * `Mado.ListResourceGroups`, addressed as `resource-groups:Name`).
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
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Table from '@cloudscape-design/components/table';
import Textarea from '@cloudscape-design/components/textarea';
import Tiles from '@cloudscape-design/components/tiles';
import { useState } from 'react';
import { useApi, useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { InstanceInformation, Target, WindowTarget } from '../api/types.js';
import { useNotify } from '../components/notifications.js';
import { StatusBadge } from '../components/status.js';
import { followHash, hrefOf, navigate } from '../router.js';

type Mode = 'instances' | 'tags' | 'resource-group';

/** A resource group as `Mado.ListResourceGroups` answers it. */
interface ResourceGroup {
  Name: string;
  Description?: string;
  Targets?: Target[];
}

const RESOURCE_GROUP_KEY = 'resource-groups:Name';

/** The form's starting values: empty to register, the target's own to edit. */
interface TargetFormValues {
  mode: Mode;
  name: string;
  description: string;
  ownerInformation: string;
  instanceIds: string[];
  tagKey: string;
  tagValues: string;
  resourceGroup: string | undefined;
}

function formValuesOf(target: WindowTarget | undefined): TargetFormValues {
  const values: TargetFormValues = {
    mode: 'instances',
    name: target?.Name ?? '',
    description: target?.Description ?? '',
    ownerInformation: target?.OwnerInformation ?? '',
    instanceIds: [],
    tagKey: '',
    tagValues: '',
    resourceGroup: undefined,
  };
  const first = target?.Targets[0];
  if (first === undefined) {
    return values;
  }
  if (first.Key === RESOURCE_GROUP_KEY) {
    return { ...values, mode: 'resource-group', resourceGroup: first.Values[0] };
  }
  if (first.Key.startsWith('tag:')) {
    return { ...values, mode: 'tags', tagKey: first.Key.slice(4), tagValues: first.Values.join(', ') };
  }
  return { ...values, instanceIds: first.Values };
}

/** `windowTargetId`: edit that target; otherwise register a new one. */
export function RegisterTargetPage({ windowId, windowTargetId }: { windowId: string; windowTargetId?: string }) {
  const existing = useApiQuery(
    async (api) => {
      if (windowTargetId === undefined) {
        return null;
      }
      const targets = await api.callAll<{ Targets: WindowTarget[] }, 'Targets'>(
        'DescribeMaintenanceWindowTargets',
        { WindowId: windowId, Filters: [{ Key: 'WindowTargetId', Values: [windowTargetId] }], MaxResults: 100 },
        'Targets',
      );
      const target = targets.find((candidate) => candidate.WindowTargetId === windowTargetId);
      if (target === undefined) {
        throw new Error(`The window has no target ${windowTargetId}.`);
      }
      return target;
    },
    [windowId, windowTargetId],
  );
  const title = windowTargetId === undefined ? 'Register target' : 'Edit target';
  return (
    <ContentLayout
      breadcrumbs={
        <BreadcrumbGroup
          onFollow={followHash}
          ariaLabel="Breadcrumbs"
          items={[
            { text: 'Maintenance windows', href: hrefOf({ page: 'windows' }) },
            { text: windowId, href: hrefOf({ page: 'window', windowId, tab: 'targets' }) },
            {
              text: title,
              href:
                windowTargetId === undefined
                  ? hrefOf({ page: 'register-target', windowId })
                  : hrefOf({ page: 'edit-target', windowId, windowTargetId }),
            },
          ]}
        />
      }
      header={
        <Header variant="h1" description={windowTargetId}>
          {title}
        </Header>
      }
    >
      {existing.error !== undefined ? (
        <Alert type="error">{errorMessage(existing.error)}</Alert>
      ) : existing.data === undefined ? (
        <Spinner size="large" />
      ) : (
        <TargetForm windowId={windowId} existing={existing.data ?? undefined} />
      )}
    </ContentLayout>
  );
}

function TargetForm({ windowId, existing }: { windowId: string; existing: WindowTarget | undefined }) {
  const client = useApi();
  const notify = useNotify();
  const initial = formValuesOf(existing);
  const isEdit = existing !== undefined;
  const title = isEdit ? 'Edit target' : 'Register target';
  const nodes = useApiQuery(
    (api) =>
      api.callAll<{ InstanceInformationList: InstanceInformation[] }, 'InstanceInformationList'>(
        'DescribeInstanceInformation',
        { MaxResults: 50 },
        'InstanceInformationList',
      ),
    [],
  );
  const groups = useApiQuery(
    async (api) =>
      (await api.call<{ ResourceGroups?: ResourceGroup[] }>('Mado.ListResourceGroups')).ResourceGroups ?? [],
    [],
  );
  const [mode, setMode] = useState<Mode>(initial.mode);
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [ownerInformation, setOwnerInformation] = useState(initial.ownerInformation);
  const [selected, setSelected] = useState<InstanceInformation[]>(() =>
    initial.instanceIds.map((id) => ({ InstanceId: id })),
  );
  const [tagKey, setTagKey] = useState(initial.tagKey);
  const [tagValues, setTagValues] = useState(initial.tagValues);
  const [resourceGroup, setResourceGroup] = useState<string | undefined>(initial.resourceGroup);
  const [isSubmitted, setSubmitted] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [isBusy, setBusy] = useState(false);

  const targets: Target[] | undefined =
    mode === 'instances'
      ? selected.length === 0
        ? undefined
        : [{ Key: 'InstanceIds', Values: selected.map((node) => node.InstanceId) }]
      : mode === 'resource-group'
        ? resourceGroup === undefined
          ? undefined
          : [{ Key: RESOURCE_GROUP_KEY, Values: [resourceGroup] }]
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
    const settings = {
      WindowId: windowId,
      Targets: targets,
      ...(name.trim() === '' ? {} : { Name: name.trim() }),
      ...(description.trim() === '' ? {} : { Description: description.trim() }),
      ...(ownerInformation.trim() === '' ? {} : { OwnerInformation: ownerInformation.trim() }),
    };
    try {
      if (isEdit) {
        // Replace: the form holds every setting, and a field emptied here is cleared.
        await client.call('UpdateMaintenanceWindowTarget', {
          ...settings,
          WindowTargetId: existing.WindowTargetId,
          Replace: true,
        });
        notify.success(`Saved the target ${existing.Name ?? existing.WindowTargetId}.`);
      } else {
        await client.call('RegisterTargetWithMaintenanceWindow', {
          ...settings,
          ResourceType: mode === 'resource-group' ? 'RESOURCE_GROUP' : 'INSTANCE',
          ClientToken: crypto.randomUUID(),
        });
        notify.success('Registered the target.');
      }
      navigate({ page: 'window', windowId, tab: 'targets' });
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setBusy(false);
    }
  };

  const groupOptions = (groups.data ?? []).map((group) => ({
    value: group.Name,
    label: group.Name,
    description: group.Description,
    tags: (group.Targets ?? []).map((target) => `${target.Key}=${target.Values.join(',')}`),
  }));

  return (
    <>
      <form
        aria-label={title}
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
                {isEdit ? 'Save changes' : 'Register target'}
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
                      {
                        value: 'resource-group',
                        label: 'Choose a resource group',
                        description: 'Every node the group selects when the task runs.',
                      },
                    ].map((item) => ({
                      ...item,
                      // A registered target keeps its resource type (INSTANCE or RESOURCE_GROUP).
                      disabled: isEdit && (item.value === 'resource-group') !== (initial.mode === 'resource-group'),
                    }))}
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
                ) : mode === 'resource-group' ? (
                  <FormField
                    label="Resource group"
                    controlId="target-resource-group"
                    description="Mado's saved node selectors (Mado.CreateResourceGroup)."
                    errorText={
                      groups.error !== undefined
                        ? errorMessage(groups.error)
                        : isSubmitted && targets === undefined
                          ? 'Choose a resource group.'
                          : undefined
                    }
                  >
                    <Select
                      controlId="target-resource-group"
                      placeholder={
                        groups.data !== undefined && groups.data.length === 0
                          ? 'No resource groups yet'
                          : 'Choose a resource group'
                      }
                      statusType={groups.isLoading ? 'loading' : groups.error !== undefined ? 'error' : 'finished'}
                      loadingText="Loading resource groups"
                      empty="No resource groups"
                      selectedOption={
                        resourceGroup === undefined
                          ? null
                          : (groupOptions.find((option) => option.value === resourceGroup) ?? {
                              value: resourceGroup,
                              label: resourceGroup,
                            })
                      }
                      options={groupOptions}
                      onChange={({ detail }) => setResourceGroup(detail.selectedOption.value)}
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
    </>
  );
}
