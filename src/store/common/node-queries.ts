/**
 * The fleet queries: activations, managed nodes (with their tags) and resource groups.
 * Dialect-neutral. `registerManagedNode`, `recordNodePings` and `deregisterManagedNode` change
 * several rows: `KyselyStore` runs them in a transaction.
 */
import type { Activation } from '../../domain/activation.js';
import type { ManagedNode, NodeFacts } from '../../domain/managed-node.js';
import type { ResourceGroup } from '../../domain/resource-group.js';
import type { ActivationQuery, NodeWithTags, Page } from '../store.js';
import { afterCursor, emptySafe, pageLimit, toPage, type Db } from './query-kit.js';
import {
  activationToRow,
  managedNodeToRow,
  resourceGroupToRow,
  rowToActivation,
  rowToManagedNode,
  rowToResourceGroup,
} from './rows.js';
import { replaceTags } from './tag-queries.js';

export async function insertActivation(db: Db, activation: Activation): Promise<void> {
  await db.insertInto('activations').values(activationToRow(activation)).execute();
}

export async function getActivation(db: Db, activationId: string): Promise<Activation | undefined> {
  const row = await db
    .selectFrom('activations')
    .selectAll()
    .where('activation_id', '=', activationId)
    .executeTakeFirst();
  return row === undefined ? undefined : rowToActivation(row);
}

export async function listActivations(db: Db, query: ActivationQuery): Promise<Page<Activation>> {
  let select = db.selectFrom('activations').selectAll().where('deleted', '=', 0);
  if (query.activationIds !== undefined) {
    select = select.where('activation_id', 'in', emptySafe(query.activationIds));
  }
  if (query.defaultInstanceNames !== undefined) {
    select = select.where('default_instance_name', 'in', emptySafe(query.defaultInstanceNames));
  }
  if (query.iamRoles !== undefined) {
    select = select.where('iam_role', 'in', emptySafe(query.iamRoles));
  }
  if (query.after !== undefined) {
    const after = query.after;
    select = select.where((eb) => afterCursor(eb, 'created_at', 'activation_id', after, 'desc'));
  }
  const rows = await select
    .orderBy('created_at', 'desc')
    .orderBy('activation_id', 'desc')
    .limit(pageLimit(query.limit))
    .execute();
  return toPage(rows, query.limit, rowToActivation, (row) => [Number(row.created_at), row.activation_id]);
}

export async function deleteActivation(db: Db, activationId: string): Promise<boolean> {
  const result = await db
    .updateTable('activations')
    .set({ deleted: 1 })
    .where('activation_id', '=', activationId)
    .where('deleted', '=', 0)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function registerManagedNode(db: Db, node: ManagedNode, tags: ReadonlyMap<string, string>): Promise<void> {
  await db
    .updateTable('activations')
    .set((eb) => ({ registrations_count: eb('registrations_count', '+', 1) }))
    .where('activation_id', '=', node.activationId)
    .execute();
  await db.insertInto('managed_nodes').values(managedNodeToRow(node)).execute();
  if (tags.size > 0) {
    await replaceTags(
      db,
      'ManagedInstance',
      node.instanceId,
      [...tags].map(([Key, Value]) => ({ Key, Value })),
    );
  }
}

export async function getManagedNode(db: Db, instanceId: string): Promise<ManagedNode | undefined> {
  const row = await db.selectFrom('managed_nodes').selectAll().where('instance_id', '=', instanceId).executeTakeFirst();
  return row === undefined ? undefined : rowToManagedNode(row);
}

export async function listActiveNodes(db: Db): Promise<NodeWithTags[]> {
  const rows = await db
    .selectFrom('managed_nodes')
    .selectAll()
    .where('deregistered_at', 'is', null)
    .orderBy('instance_id')
    .execute();
  const tagRows = await db
    .selectFrom('tags')
    .select(['resource_id', 'tag_key', 'tag_value'])
    .where('resource_type', '=', 'ManagedInstance')
    .execute();
  const tagsByNode = new Map<string, Map<string, string>>();
  for (const tag of tagRows) {
    let tags = tagsByNode.get(tag.resource_id);
    if (tags === undefined) {
      tags = new Map();
      tagsByNode.set(tag.resource_id, tags);
    }
    tags.set(tag.tag_key, tag.tag_value);
  }
  return rows.map((row) => ({
    node: rowToManagedNode(row),
    tags: tagsByNode.get(row.instance_id) ?? new Map<string, string>(),
  }));
}

export async function updateNodeFacts(db: Db, instanceId: string, facts: NodeFacts, pingAt: number): Promise<void> {
  await db
    .updateTable('managed_nodes')
    .set({ facts: JSON.stringify(facts), last_ping_at: pingAt })
    .where('instance_id', '=', instanceId)
    .execute();
}

export async function recordNodePings(
  db: Db,
  pings: readonly { readonly instanceId: string; readonly at: number }[],
): Promise<void> {
  if (pings.length === 0) {
    return;
  }
  for (const ping of pings) {
    await db
      .updateTable('managed_nodes')
      .set({ last_ping_at: ping.at })
      .where('instance_id', '=', ping.instanceId)
      .execute();
  }
}

export async function deregisterManagedNode(db: Db, instanceId: string, at: number): Promise<boolean> {
  const result = await db
    .updateTable('managed_nodes')
    .set({ deregistered_at: at })
    .where('instance_id', '=', instanceId)
    .where('deregistered_at', 'is', null)
    .executeTakeFirst();
  await replaceTags(db, 'ManagedInstance', instanceId, []);
  return Number(result.numUpdatedRows) > 0;
}

export async function putResourceGroup(db: Db, group: ResourceGroup): Promise<void> {
  const row = resourceGroupToRow(group);
  const { name: _name, ...rest } = row;
  await db
    .insertInto('resource_groups')
    .values(row)
    .onConflict((oc) => oc.column('name').doUpdateSet(rest))
    .execute();
}

export async function getResourceGroup(db: Db, name: string): Promise<ResourceGroup | undefined> {
  const row = await db.selectFrom('resource_groups').selectAll().where('name', '=', name).executeTakeFirst();
  return row === undefined ? undefined : rowToResourceGroup(row);
}

export async function listResourceGroups(db: Db): Promise<ResourceGroup[]> {
  const rows = await db.selectFrom('resource_groups').selectAll().orderBy('name').execute();
  return rows.map(rowToResourceGroup);
}

export async function deleteResourceGroup(db: Db, name: string): Promise<boolean> {
  const result = await db.deleteFrom('resource_groups').where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
