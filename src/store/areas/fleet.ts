/** The fleet: activations, managed nodes and resource groups. */
import type { Activation } from '../../domain/activation.js';
import type { ManagedNode, NodeFacts } from '../../domain/managed-node.js';
import type { ResourceGroup } from '../../domain/resource-group.js';
import type { Page, PageRequest } from './paging.js';

export interface ActivationQuery extends PageRequest {
  readonly activationIds?: readonly string[];
  readonly defaultInstanceNames?: readonly string[];
  readonly iamRoles?: readonly string[];
}

/** A managed node with its tags, as targeting and DescribeInstanceInformation see it. */
export interface NodeWithTags {
  readonly node: ManagedNode;
  readonly tags: ReadonlyMap<string, string>;
}

/** Activations, the nodes registered through them, and resource groups. */
/** Activations, the nodes registered through them, and resource groups. */
export interface FleetStore {
  // Activations and managed nodes
  insertActivation(activation: Activation): Promise<void>;
  getActivation(activationId: string): Promise<Activation | undefined>;
  /** Newest first; deleted activations are not listed. */
  listActivations(query: ActivationQuery): Promise<Page<Activation>>;
  /** Marks the activation deleted. @returns false when it did not exist or was deleted already. */
  deleteActivation(activationId: string): Promise<boolean>;
  /**
   * Registers a node through an activation: counts the registration and stores the node with
   * its tags, atomically. The caller has checked the activation in the same transaction.
   */
  registerManagedNode(node: ManagedNode, tags: ReadonlyMap<string, string>): Promise<void>;
  getManagedNode(instanceId: string): Promise<ManagedNode | undefined>;
  /** Every registered, not deregistered node with its tags, by instance id. */
  listActiveNodes(): Promise<NodeWithTags[]>;
  /** Records what a node reports about itself on connecting. */
  updateNodeFacts(instanceId: string, facts: NodeFacts, pingAt: number): Promise<void>;
  /** Records heartbeats, many at once. */
  recordNodePings(pings: readonly { readonly instanceId: string; readonly at: number }[]): Promise<void>;
  /** Marks a node deregistered and removes its tags. @returns false when unknown or already so. */
  deregisterManagedNode(instanceId: string, at: number): Promise<boolean>;

  // Resource groups
  putResourceGroup(group: ResourceGroup): Promise<void>;
  getResourceGroup(name: string): Promise<ResourceGroup | undefined>;
  listResourceGroups(): Promise<ResourceGroup[]>;
  deleteResourceGroup(name: string): Promise<boolean>;
}
