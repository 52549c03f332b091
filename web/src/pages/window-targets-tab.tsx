/** The Targets tab: the window's registered targets; register, edit and deregister. */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useApi, useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { Target, WindowTarget } from '../api/types.js';
import { useBulkRemoval } from '../components/use-bulk-removal.js';
import { navigate } from '../router.js';

export function formatTargets(targets: readonly Target[] | undefined): string {
  return (targets ?? []).map((target) => `${target.Key}=${target.Values.join(',')}`).join('; ') || '-';
}

export function WindowTargetsTab({ windowId }: { windowId: string }) {
  const client = useApi();
  const targets = useApiQuery(
    (api) =>
      api.callAll<{ Targets: WindowTarget[] }, 'Targets'>(
        'DescribeMaintenanceWindowTargets',
        { WindowId: windowId, MaxResults: 100 },
        'Targets',
      ),
    [windowId],
  );
  const {
    selected,
    setSelected,
    isBusy,
    removeSelected: deregister,
  } = useBulkRemoval<WindowTarget>({
    remove: (item) =>
      client.call('DeregisterTargetFromMaintenanceWindow', { WindowId: windowId, WindowTargetId: item.WindowTargetId }),
    removed: (count) => `Deregistered ${count} target(s).`,
    reload: () => targets.reload(),
  });

  return (
    <Table
      selectionType="multi"
      selectedItems={selected}
      onSelectionChange={({ detail }) => setSelected(detail.selectedItems)}
      trackBy="WindowTargetId"
      ariaLabels={{
        selectionGroupLabel: 'Targets',
        itemSelectionLabel: (_selection, target) => `Select ${target.Name ?? target.WindowTargetId}`,
        allItemsSelectionLabel: () => 'Select all targets',
      }}
      loading={targets.isLoading && targets.data === undefined}
      loadingText="Loading targets"
      items={targets.data ?? []}
      columnDefinitions={[
        { id: 'id', header: 'Window target ID', cell: (target) => target.WindowTargetId, isRowHeader: true },
        { id: 'name', header: 'Name', cell: (target) => target.Name ?? '-' },
        { id: 'targets', header: 'Targets', cell: (target) => formatTargets(target.Targets) },
        { id: 'owner', header: 'Owner information', cell: (target) => target.OwnerInformation ?? '-' },
        { id: 'description', header: 'Description', cell: (target) => target.Description ?? '-' },
      ]}
      header={
        <Header
          counter={targets.data === undefined ? undefined : `(${targets.data.length})`}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button iconName="refresh" ariaLabel="Refresh targets" onClick={targets.reload} />
              <Button
                disabled={selected.length !== 1}
                onClick={() => navigate({ page: 'edit-target', windowId, windowTargetId: selected[0]!.WindowTargetId })}
              >
                Edit target
              </Button>
              <Button disabled={selected.length === 0} loading={isBusy} onClick={() => void deregister()}>
                Deregister target
              </Button>
              <Button variant="primary" onClick={() => navigate({ page: 'register-target', windowId })}>
                Register target
              </Button>
            </SpaceBetween>
          }
        >
          Targets
        </Header>
      }
      empty={
        <Box textAlign="center" color="inherit">
          {targets.error === undefined ? 'No targets registered.' : errorMessage(targets.error)}
        </Box>
      }
    />
  );
}
