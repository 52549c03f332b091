/**
 * Managed nodes as the API shows them (spec §9.3, §9.7): DescribeInstanceInformation with its
 * filters, ping status from heartbeat age, and deregistration, which cuts the node off at once.
 */
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { pingStatus, type ManagedNode, type PingStatus } from '../domain/managed-node.js';
import type { NodeWithTags, Page, PageRequest } from '../store/store.js';
import type { DispatchNotifier } from './dispatch-notifier.js';
import type { ServiceContext } from './service-context.js';

export interface NodeView {
  readonly node: ManagedNode;
  readonly tags: ReadonlyMap<string, string>;
  readonly pingStatus: PingStatus;
  readonly isLatestVersion: boolean;
}

/** DescribeInstanceInformation filters, each a list of accepted values (AND across keys). */
export interface NodeFilters {
  readonly instanceIds?: readonly string[];
  readonly agentVersions?: readonly string[];
  readonly pingStatuses?: readonly string[];
  readonly platformTypes?: readonly string[];
  readonly activationIds?: readonly string[];
  readonly iamRoles?: readonly string[];
  readonly resourceTypes?: readonly string[];
  readonly sourceIds?: readonly string[];
  readonly sourceTypes?: readonly string[];
  /** State Manager association statuses; Mado has no associations, so no node matches. */
  readonly associationStatuses?: readonly string[];
  /** `tag-key` filters: in each group, the node has any of the keys; every group must hold. */
  readonly tagKeys?: readonly (readonly string[])[];
  /** `tag:<key>` filters: the node's value for the key is one of the values. */
  readonly tags?: readonly { readonly key: string; readonly values: readonly string[] }[];
}

export interface NodeServiceOptions {
  /** A node is Online while its last heartbeat is younger than this (spec §9.2: 2× the interval). */
  readonly onlineThresholdMs: number;
  /** The newest agent version the server knows (the latest agent release), for IsLatestVersion. */
  readonly latestAgentVersion: () => Promise<string | undefined> | string | undefined;
}

function matches(values: readonly string[] | undefined, value: string | undefined): boolean {
  return values === undefined || (value !== undefined && values.includes(value));
}

export class ManagedNodeService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly options: NodeServiceOptions,
    private readonly notifier: DispatchNotifier,
  ) {}

  /**
   * Registered nodes matching every filter, by instance id.
   * @throws NotFoundError(Instance) when an InstanceIds filter names an unknown node.
   */
  async describe(filters: NodeFilters, page: PageRequest): Promise<Page<NodeView>> {
    const all = await this.ctx.store.listActiveNodes();
    if (filters.instanceIds !== undefined) {
      const known = new Set(all.map((entry) => entry.node.instanceId));
      const unknown = filters.instanceIds.find((id) => !known.has(id));
      if (unknown !== undefined) {
        throw new NotFoundError('Instance', unknown, `Instance ${unknown} is not a registered managed node.`);
      }
    }
    const latest = await this.options.latestAgentVersion();
    const views = all.map((entry) => this.view(entry, latest)).filter((view) => this.matches(view, filters));
    const after = page.after === undefined ? undefined : String(page.after[0]);
    const start = after === undefined ? 0 : views.findIndex((view) => view.node.instanceId > after);
    const slice = start < 0 ? [] : views.slice(start, start + page.limit);
    const more = start >= 0 && start + page.limit < views.length;
    return more ? { items: slice, next: [slice[slice.length - 1]!.node.instanceId] } : { items: slice };
  }

  /** @throws NotFoundError(Instance) when unknown or deregistered. */
  async require(instanceId: string): Promise<ManagedNode> {
    const node = await this.ctx.store.getManagedNode(instanceId);
    if (node === undefined || node.deregisteredAt !== undefined) {
      throw new NotFoundError('Instance', instanceId, `Instance ${instanceId} is not a registered managed node.`);
    }
    return node;
  }

  /**
   * Deregisters a node: it leaves every listing and target, its key stops working at once and
   * its open invocations are settled.
   * @throws NotFoundError(Instance) when unknown or already deregistered.
   */
  async deregister(instanceId: string): Promise<void> {
    const done = await this.ctx.store.deregisterManagedNode(instanceId, this.ctx.clock.now().getTime());
    if (!done) {
      throw new NotFoundError('Instance', instanceId, `Instance ${instanceId} is not a registered managed node.`);
    }
    this.notifier.nodeDeregistered(instanceId);
  }

  /** `latest`: the newest agent version known (see `NodeServiceOptions.latestAgentVersion`). */
  view(entry: NodeWithTags, latest: string | undefined): NodeView {
    return {
      node: entry.node,
      tags: entry.tags,
      pingStatus: pingStatus(entry.node, this.ctx.clock.now().getTime(), this.options.onlineThresholdMs),
      isLatestVersion: latest !== undefined && entry.node.facts?.agentVersion === latest,
    };
  }

  private matches(view: NodeView, filters: NodeFilters): boolean {
    const { node, tags } = view;
    return (
      matches(filters.instanceIds, node.instanceId) &&
      matches(filters.agentVersions, node.facts?.agentVersion) &&
      matches(filters.pingStatuses, view.pingStatus) &&
      matches(filters.platformTypes, node.facts?.platformType) &&
      matches(filters.activationIds, node.activationId) &&
      matches(filters.iamRoles, node.iamRole) &&
      matches(filters.resourceTypes, 'ManagedInstance') &&
      matches(filters.sourceIds, node.instanceId) &&
      matches(filters.sourceTypes, 'AWS::SSM::ManagedInstance') &&
      matches(filters.associationStatuses, undefined) &&
      (filters.tagKeys ?? []).every((keys) => keys.some((key) => tags.has(key))) &&
      (filters.tags ?? []).every((filter) => {
        const value = tags.get(filter.key);
        return value !== undefined && filter.values.includes(value);
      })
    );
  }
}

/** Values a DescribeInstanceInformation filter key accepts, where the set is closed (spec §9.3). */
export const NODE_FILTER_VALUES: Readonly<Record<string, readonly string[]>> = {
  PingStatus: ['Online', 'ConnectionLost', 'Inactive'],
  PlatformTypes: ['Windows', 'Linux', 'MacOS'],
  ResourceType: ['EC2Instance', 'ManagedInstance'],
  AssociationStatus: ['Success', 'Pending', 'Failed'],
  SourceTypes: [
    'AWS::EC2::Instance',
    'AWS::SSM::ManagedInstance',
    'AWS::IoT::Thing',
    'Microsoft.Compute/virtualMachines',
  ],
};

/** @throws ValidationError (reason NodeFilterValue) for a value outside the set. */
export function checkNodeFilterValues(key: string, values: readonly string[]): void {
  const allowed = NODE_FILTER_VALUES[key];
  const bad = allowed === undefined ? undefined : values.find((value) => !allowed.includes(value));
  if (bad !== undefined) {
    throw new ValidationError(`Filter ${key} value ${bad} is not one of ${allowed!.join(', ')}.`, {
      reason: 'NodeFilterValue',
    });
  }
}
