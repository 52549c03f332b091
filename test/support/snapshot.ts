/**
 * Reads back everything the maintenance window and document APIs expose, so a test can prove
 * that a rejected request changed nothing in the store.
 */
import {
  DescribeDocumentCommand,
  DescribeMaintenanceWindowsCommand,
  DescribeMaintenanceWindowTargetsCommand,
  DescribeMaintenanceWindowTasksCommand,
  GetMaintenanceWindowCommand,
  GetDocumentCommand,
  GetMaintenanceWindowTaskCommand,
  ListDocumentsCommand,
  ListDocumentVersionsCommand,
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

/**
 * Every document created through the API (Owner Self), each version described with its
 * content, and the tags: what a rejected document request must leave unchanged.
 */
export async function snapshotDocuments(client: SSMClient): Promise<unknown> {
  const documents: unknown[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListDocumentsCommand({ Filters: [{ Key: 'Owner', Values: ['Self'] }], MaxResults: 50, NextToken: nextToken }),
    );
    for (const identifier of page.DocumentIdentifiers ?? []) {
      const name = identifier.Name!;
      const versions = await client.send(new ListDocumentVersionsCommand({ Name: name, MaxResults: 50 }));
      const described = [];
      for (const version of versions.DocumentVersions ?? []) {
        const { Document } = await client.send(
          new DescribeDocumentCommand({ Name: name, DocumentVersion: version.DocumentVersion }),
        );
        const { Content } = await client.send(
          new GetDocumentCommand({ Name: name, DocumentVersion: version.DocumentVersion }),
        );
        described.push({ info: version, description: Document, content: Content });
      }
      const tags = await client.send(new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: name }));
      documents.push({ identifier, versions: described, tags: tags.TagList });
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return documents;
}
