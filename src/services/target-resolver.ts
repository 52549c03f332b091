/**
 * Resolves targets to managed nodes at the moment of use (spec §4.2): node ids, tags, tag keys
 * and resource groups (saved selectors) over the registered, not deregistered nodes.
 */
import { NotFoundError } from '../domain/errors.js';
import { nodeMatchesTargets, targetKind, type Target } from '../domain/targets.js';
import type { NodeWithTags, Store } from '../store/store.js';

/**
 * The nodes matching every entry of `targets`, in instance-id order. A `resource-groups:Name`
 * entry stands for the group's own selector.
 * @throws NotFoundError(ResourceGroup) when a named group does not exist.
 */
export async function resolveTargets(
  store: Store,
  targets: readonly Target[],
  nodes?: NodeWithTags[],
): Promise<NodeWithTags[]> {
  const candidates = nodes ?? (await store.listActiveNodes());
  const expanded: Target[] = [];
  for (const target of targets) {
    switch (targetKind(target.Key)) {
      case 'ResourceGroupName': {
        const name = target.Values[0] ?? '';
        const group = await store.getResourceGroup(name);
        if (group === undefined) {
          throw new NotFoundError('ResourceGroup', name, `Resource group ${name} does not exist.`);
        }
        expanded.push(...group.targets);
        break;
      }
      case 'ResourceGroupTypeFilters':
        // Every Mado node is an AWS::SSM::ManagedInstance; the filter selects them all.
        break;
      default:
        expanded.push(target);
    }
  }
  return candidates.filter((entry) =>
    nodeMatchesTargets({ instanceId: entry.node.instanceId, tags: entry.tags }, expanded),
  );
}
