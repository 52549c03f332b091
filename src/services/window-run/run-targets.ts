/**
 * The nodes a window task runs on, resolved when the task starts (spec §4.2, §6.4): its window
 * targets' selectors, its own node ids (run as listed: one not registered fails its
 * invocation) and its own tag selectors, over the nodes registered at that moment.
 */
import type { WindowTask } from '../../domain/maintenance-window.js';
import { targetKind } from '../../domain/targets.js';
import type { RunTarget } from '../../domain/window-execution.js';
import type { NodeWithTags, Store } from '../../store/store.js';
import { resolveTargets } from '../target-resolver.js';

/**
 * @param nodes the registered nodes, read at the task's start.
 * @throws NotFoundError(ResourceGroup) when a selector names a group that does not exist.
 */
export async function resolveRunTargets(
  store: Store,
  nodes: NodeWithTags[],
  windowId: string,
  task: WindowTask,
): Promise<RunTarget[]> {
  const targets: RunTarget[] = [];
  for (const target of task.targets) {
    const kind = targetKind(target.Key);
    if (kind === 'WindowTargetIds') {
      for (const windowTargetId of target.Values) {
        const windowTarget = await store.getWindowTarget(windowId, windowTargetId);
        if (windowTarget === undefined) {
          // Deregistered since the task was registered: nothing to run there.
          continue;
        }
        for (const entry of await resolveTargets(store, windowTarget.targets, nodes)) {
          targets.push({
            instanceId: entry.node.instanceId,
            windowTargetId,
            resourceType: windowTarget.resourceType,
            ownerInformation: windowTarget.ownerInformation,
          });
        }
      }
    } else if (kind === 'InstanceIds') {
      for (const instanceId of target.Values) {
        targets.push({ instanceId, resourceType: 'INSTANCE' });
      }
    } else {
      for (const entry of await resolveTargets(store, [target], nodes)) {
        targets.push({ instanceId: entry.node.instanceId, resourceType: 'INSTANCE' });
      }
    }
  }
  return targets;
}

/** Which of a task's invocations a target is (one per window target and node). */
export function targetKey(target: { readonly windowTargetId?: string; readonly instanceId?: string }): string {
  return `${target.windowTargetId ?? ''}/${target.instanceId ?? ''}`;
}
