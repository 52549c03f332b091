/**
 * Reads back everything the maintenance window API exposes, so a test can prove that a
 * rejected request changed nothing in the store.
 */
import {
  DescribeMaintenanceWindowsCommand,
  DescribeMaintenanceWindowTargetsCommand,
  DescribeMaintenanceWindowTasksCommand,
  GetMaintenanceWindowCommand,
  GetMaintenanceWindowTaskCommand,
  ListTagsForResourceCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';

export async function snapshotStore(client: SSMClient): Promise<unknown> {
  const windows: unknown[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new DescribeMaintenanceWindowsCommand({ MaxResults: 100, NextToken: nextToken }));
    for (const identity of page.WindowIdentities ?? []) {
      const windowId = identity.WindowId!;
      const { $metadata: _a, ...window } = await client.send(new GetMaintenanceWindowCommand({ WindowId: windowId }));
      const targets = await client.send(
        new DescribeMaintenanceWindowTargetsCommand({ WindowId: windowId, MaxResults: 100 }),
      );
      const tasks = await client.send(
        new DescribeMaintenanceWindowTasksCommand({ WindowId: windowId, MaxResults: 100 }),
      );
      const taskDetails = [];
      for (const task of tasks.Tasks ?? []) {
        const { $metadata: _b, ...detail } = await client.send(
          new GetMaintenanceWindowTaskCommand({ WindowId: windowId, WindowTaskId: task.WindowTaskId }),
        );
        taskDetails.push(detail);
      }
      const tags = await client.send(
        new ListTagsForResourceCommand({ ResourceType: 'MaintenanceWindow', ResourceId: windowId }),
      );
      windows.push({ window, targets: targets.Targets, tasks: taskDetails, tags: tags.TagList });
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return windows;
}
