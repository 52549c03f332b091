/** The Tags tab: the window's tags; add and remove. */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { useApi, useApiQuery } from '../api/api-context.js';
import { errorMessage } from '../api/ssm-client.js';
import type { Tag } from '../api/types.js';
import { useNotify } from '../components/notifications.js';

export function WindowTagsTab({ windowId }: { windowId: string }) {
  const client = useApi();
  const notify = useNotify();
  const tags = useApiQuery(
    (api) =>
      api.call<{ TagList?: Tag[] }>('ListTagsForResource', { ResourceType: 'MaintenanceWindow', ResourceId: windowId }),
    [windowId],
  );
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [isBusy, setBusy] = useState(false);

  const run = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await action();
      notify.success(done);
      tags.reload();
    } catch (error) {
      notify.error(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };
  const add = () =>
    run(async () => {
      await client.call('AddTagsToResource', {
        ResourceType: 'MaintenanceWindow',
        ResourceId: windowId,
        Tags: [{ Key: key.trim(), Value: value }],
      });
      setKey('');
      setValue('');
    }, `Tagged ${key.trim()}.`);
  const remove = (tag: Tag) =>
    run(
      () =>
        client.call('RemoveTagsFromResource', {
          ResourceType: 'MaintenanceWindow',
          ResourceId: windowId,
          TagKeys: [tag.Key],
        }),
      `Removed tag ${tag.Key}.`,
    );

  return (
    <SpaceBetween size="l">
      <Table
        items={tags.data?.TagList ?? []}
        trackBy="Key"
        loading={tags.isLoading && tags.data === undefined}
        loadingText="Loading tags"
        columnDefinitions={[
          { id: 'key', header: 'Key', cell: (tag) => tag.Key, isRowHeader: true },
          { id: 'value', header: 'Value', cell: (tag) => tag.Value || '-' },
          {
            id: 'remove',
            header: 'Actions',
            cell: (tag) => (
              <Button variant="inline-link" ariaLabel={`Remove tag ${tag.Key}`} onClick={() => void remove(tag)}>
                Remove
              </Button>
            ),
          },
        ]}
        header={
          <Header counter={tags.data === undefined ? undefined : `(${tags.data.TagList?.length ?? 0})`}>Tags</Header>
        }
        empty={
          <Box textAlign="center" color="inherit">
            {tags.error === undefined ? 'No tags.' : errorMessage(tags.error)}
          </Box>
        }
      />
      <form
        aria-label="Add tag"
        onSubmit={(event) => {
          event.preventDefault();
          if (key.trim() !== '') {
            void add();
          }
        }}
      >
        <SpaceBetween direction="horizontal" size="s" alignItems="end">
          <FormField label="Tag key" controlId="tag-key">
            <Input controlId="tag-key" value={key} onChange={({ detail }) => setKey(detail.value)} />
          </FormField>
          <FormField
            label={
              <>
                Tag value <i>- optional</i>
              </>
            }
            controlId="tag-value"
          >
            <Input controlId="tag-value" value={value} onChange={({ detail }) => setValue(detail.value)} />
          </FormField>
          <Button formAction="submit" disabled={key.trim() === ''} loading={isBusy}>
            Add tag
          </Button>
        </SpaceBetween>
      </form>
    </SpaceBetween>
  );
}
