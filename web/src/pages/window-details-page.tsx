/** One maintenance window: tabs Details, Targets, Tasks, History and Tags. */
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import BreadcrumbGroup from '@cloudscape-design/components/breadcrumb-group';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Tabs from '@cloudscape-design/components/tabs';
import { useState } from 'react';
import { useApi, useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { WindowDetails } from '../api/types.js';
import { DeleteWindowModal } from '../components/delete-window-modal.js';
import { useNotify } from '../components/notifications.js';
import { formatEpochSeconds } from '../components/status.js';
import { followHash, hrefOf, navigate } from '../router.js';
import { describeSchedule } from '../schedule/schedule-builder.js';
import { WindowHistoryTab } from './window-history-tab.js';
import { WindowTagsTab } from './window-tags-tab.js';
import { WindowTargetsTab } from './window-targets-tab.js';
import { WindowTasksTab } from './window-tasks-tab.js';

function DetailsTab({ window }: { window: WindowDetails }) {
  return (
    <Container header={<Header variant="h2">Window details</Header>}>
      <KeyValuePairs
        columns={3}
        items={[
          { label: 'Name', value: window.Name },
          { label: 'ID', value: window.WindowId },
          { label: 'Description', value: window.Description ?? '-' },
          {
            label: 'Schedule',
            value: (
              <>
                {describeSchedule(window.Schedule) ?? ''} <Box variant="code">{window.Schedule}</Box>
              </>
            ),
          },
          { label: 'Time zone', value: window.ScheduleTimezone ?? 'UTC' },
          {
            label: 'Schedule offset',
            value: window.ScheduleOffset === undefined ? '-' : `${window.ScheduleOffset} days`,
          },
          { label: 'Next execution', value: window.NextExecutionTime ?? '-' },
          { label: 'Duration', value: `${window.Duration} hours` },
          { label: 'Stop initiating tasks (cutoff)', value: `${window.Cutoff} hours` },
          { label: 'Start date', value: window.StartDate ?? '-' },
          { label: 'End date', value: window.EndDate ?? '-' },
          { label: 'Allow unregistered targets', value: window.AllowUnassociatedTargets ? 'Yes' : 'No' },
          {
            label: 'State',
            value: window.Enabled ? (
              <StatusIndicator type="success">Enabled</StatusIndicator>
            ) : (
              <StatusIndicator type="stopped">Disabled</StatusIndicator>
            ),
          },
          { label: 'Created', value: formatEpochSeconds(window.CreatedDate) },
          { label: 'Modified', value: formatEpochSeconds(window.ModifiedDate) },
        ]}
      />
    </Container>
  );
}

export function WindowDetailsPage({ windowId, tab }: { windowId: string; tab: string }) {
  const client = useApi();
  const notify = useNotify();
  const window = useApiQuery(
    (api) => api.call<WindowDetails>('GetMaintenanceWindow', { WindowId: windowId }),
    [windowId],
  );
  const [isDeleting, setDeleting] = useState(false);
  const [isBusy, setBusy] = useState(false);
  const data = window.data;

  const setEnabled = async (enabled: boolean) => {
    setBusy(true);
    try {
      await client.call('UpdateMaintenanceWindow', { WindowId: windowId, Enabled: enabled });
      notify.success(`${enabled ? 'Enabled' : 'Disabled'} ${data?.Name ?? windowId}.`);
      window.reload();
    } catch (error) {
      notify.error(errorMessage(error));
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
            { text: data?.Name ?? windowId, href: hrefOf({ page: 'window', windowId, tab: 'details' }) },
          ]}
        />
      }
      header={
        <Header
          variant="h1"
          description={windowId}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button onClick={() => navigate({ page: 'edit-window', windowId })} disabled={data === undefined}>
                Edit
              </Button>
              <Button onClick={() => void setEnabled(!data!.Enabled)} disabled={data === undefined} loading={isBusy}>
                {data?.Enabled === false ? 'Enable' : 'Disable'}
              </Button>
              <Button onClick={() => setDeleting(true)} disabled={data === undefined}>
                Delete
              </Button>
            </SpaceBetween>
          }
        >
          {data?.Name ?? windowId}
        </Header>
      }
    >
      {window.error !== undefined ? (
        <Alert type="error" header="Could not load the maintenance window">
          {errorMessage(window.error)}
        </Alert>
      ) : data === undefined ? (
        <Box>Loading…</Box>
      ) : (
        <Tabs
          activeTabId={tab}
          onChange={({ detail }) => navigate({ page: 'window', windowId, tab: detail.activeTabId })}
          ariaLabel="Window"
          tabs={[
            { id: 'details', label: 'Details', content: <DetailsTab window={data} /> },
            { id: 'targets', label: 'Targets', content: <WindowTargetsTab windowId={windowId} /> },
            { id: 'tasks', label: 'Tasks', content: <WindowTasksTab windowId={windowId} /> },
            { id: 'history', label: 'History', content: <WindowHistoryTab windowId={windowId} /> },
            { id: 'tags', label: 'Tags', content: <WindowTagsTab windowId={windowId} /> },
          ]}
        />
      )}
      {data !== undefined && (
        <DeleteWindowModal
          window={data}
          visible={isDeleting}
          onDismiss={() => setDeleting(false)}
          onDeleted={() => navigate({ page: 'windows' })}
        />
      )}
    </ContentLayout>
  );
}
