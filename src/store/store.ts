/**
 * The store: every persistent fact of Mado behind one interface in domain terms. Backends
 * (`sqlite/`, later `postgres/`) implement it and pass the same conformance suite.
 *
 * Conventions:
 * - Times are UTC epoch milliseconds supplied by the caller; no backend reads its own clock.
 * - Lists are keyset-paginated: a `Page` carries the items and, when more exist, the cursor of
 *   the last item; callers pass it back as `after`. Sort keys are immutable, so pages are stable
 *   under concurrent inserts.
 * - Methods that change several rows are atomic. `transaction(fn)` runs `fn` with a store bound
 *   to one transaction; anything thrown rolls it all back.
 */
import type { StoredAccessKey } from '../domain/access-key.js';
import type { Activation } from '../domain/activation.js';
import type { AgentRelease } from '../domain/agent-release.js';
import type {
  Command,
  CommandDetails,
  CommandInvocation,
  CommandStatus,
  InvocationDetails,
  PluginOutput,
  PluginResult,
} from '../domain/command.js';
import type { ManagedNode, NodeFacts } from '../domain/managed-node.js';
import type { ApplicationInventory, PackageVersion } from '../domain/package.js';
import type { DocumentVersionSummary, StoredDocument, StoredDocumentVersion } from '../domain/stored-document.js';
import type { ResourceGroup } from '../domain/resource-group.js';
import type { MaintenanceWindow, TaskParameters, WindowTarget, WindowTask } from '../domain/maintenance-window.js';
import type { Tag, TaggableResourceType } from '../domain/tags.js';
import type {
  RunPlan,
  RunTarget,
  TaskExecution,
  TaskInvocation,
  WindowExecution,
  WindowExecutionStatus,
} from '../domain/window-execution.js';

import type { AuditOutcome } from '../shared/audit-recorder.js';

/** Position after which a list continues: the sort key of the last item returned. */
export type Cursor = readonly (string | number)[];

export interface Page<T> {
  readonly items: T[];
  /** Present only when more items exist. */
  readonly next?: Cursor;
}

export interface PageRequest {
  readonly limit: number;
  readonly after?: Cursor;
}

export interface WindowQuery extends PageRequest {
  /** Name prefixes, OR-ed. */
  readonly namePrefixes?: readonly string[];
  readonly enabled?: boolean;
}

export interface WindowTargetQuery extends PageRequest {
  readonly windowId: string;
  readonly resourceTypes?: readonly string[];
  readonly windowTargetIds?: readonly string[];
  readonly ownerInformation?: readonly string[];
}

export interface WindowTaskQuery extends PageRequest {
  readonly windowId: string;
  readonly windowTaskIds?: readonly string[];
  readonly taskArns?: readonly string[];
  readonly priorities?: readonly number[];
  readonly taskTypes?: readonly string[];
}

export interface WindowExecutionQuery extends PageRequest {
  readonly windowId: string;
  /** Inclusive bounds on the start time. */
  readonly startedAtOrBefore?: number;
  readonly startedAtOrAfter?: number;
}

export interface TaskExecutionQuery extends PageRequest {
  readonly windowExecutionId: string;
  readonly statuses?: readonly WindowExecutionStatus[];
}

export interface TaskInvocationQuery extends PageRequest {
  readonly windowExecutionId: string;
  readonly taskExecutionId: string;
  readonly statuses?: readonly WindowExecutionStatus[];
}

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

export interface CommandQuery extends PageRequest {
  readonly commandId?: string;
  /** Commands that include this node. */
  readonly instanceId?: string;
  readonly requestedAtOrAfter?: number;
  readonly requestedAtOrBefore?: number;
  /** Matched against status or status details. */
  readonly statuses?: readonly string[];
  /** Executing (non-terminal) or Complete (terminal). */
  readonly stage?: 'Executing' | 'Complete';
  readonly documentName?: string;
}

export interface InvocationQuery extends PageRequest {
  readonly commandId?: string;
  readonly instanceId?: string;
  readonly requestedAtOrAfter?: number;
  readonly requestedAtOrBefore?: number;
  readonly statusDetails?: readonly InvocationDetails[];
  readonly documentName?: string;
}

/**
 * A ListDocuments query over stored documents, matched against each document's default
 * version. Each inner list is one filter whose values are OR-ed; filters are AND-ed; an empty
 * inner list matches nothing. Pages are ordered by name; the cursor is `[name]`.
 */
export interface DocumentQuery extends PageRequest {
  /** Name prefixes (exact, case-sensitive). */
  readonly namePrefixes?: readonly (readonly string[])[];
  readonly documentTypes?: readonly (readonly string[])[];
  /** Platform types the default version supports. */
  readonly platformTypes?: readonly (readonly string[])[];
  readonly targetTypes?: readonly (readonly string[])[];
  /** Documents with this tag key and one of these values (any value when `values` is empty). */
  readonly tag?: { readonly key: string; readonly values: readonly string[] };
}

/** A document with its default version, as ListDocuments shows it. */
export interface DocumentListing {
  readonly document: StoredDocument;
  readonly defaultVersion: DocumentVersionSummary;
}

/**
 * One change to an invocation, applied in a batch with others. Without `statusDetails` only the
 * `outputs` are written (a running step's output so far): the invocation's row is unchanged.
 */
export interface InvocationChange {
  readonly commandId: string;
  readonly instanceId: string;
  readonly statusDetails?: InvocationDetails;
  readonly dispatchedAt?: number;
  readonly deliveredAt?: number;
  readonly endedAt?: number;
  readonly plugins?: readonly PluginResult[];
  readonly outputs?: readonly PluginOutput[];
}

export interface CommandProgressChange {
  readonly commandId: string;
  readonly status: CommandStatus;
  readonly statusDetails: CommandDetails;
  readonly completedCount: number;
  readonly errorCount: number;
  readonly deliveryTimedOutCount: number;
  readonly cancelRequested: boolean;
}

export interface WindowExecutionChange {
  readonly windowExecutionId: string;
  readonly status?: WindowExecutionStatus;
  readonly statusDetails?: string;
  readonly startedAt?: number;
  readonly endedAt?: number;
  readonly cancelRequested?: boolean;
  readonly plan?: RunPlan;
}

export interface TaskExecutionChange {
  readonly taskExecutionId: string;
  readonly status?: WindowExecutionStatus;
  readonly statusDetails?: string;
  readonly endedAt?: number;
  readonly endedInsideWindow?: boolean;
  readonly taskParameters?: TaskParameters;
  readonly runTargets?: readonly RunTarget[];
}

export interface TaskInvocationChange {
  readonly invocationId: string;
  readonly status: WindowExecutionStatus;
  readonly statusDetails?: string;
  readonly endedAt?: number;
}

/** A remembered idempotent request: what it was and what it answered. */
export interface IdempotencyRecord {
  readonly scope: string;
  readonly token: string;
  readonly requestHash: string;
  readonly response: string;
  readonly createdAt: number;
}

export interface Store {
  /** Runs `fn` in one transaction (serialised with every other write on single-writer backends). */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;

  // Maintenance windows
  insertWindow(window: MaintenanceWindow): Promise<void>;
  /** Replaces the stored row. @returns false when the window does not exist. */
  updateWindow(window: MaintenanceWindow): Promise<boolean>;
  getWindow(windowId: string): Promise<MaintenanceWindow | undefined>;
  /** Deletes the window with its targets, tasks and tags; history stays. @returns whether it existed. */
  deleteWindow(windowId: string): Promise<boolean>;
  listWindows(query: WindowQuery): Promise<Page<MaintenanceWindow>>;
  /** Every window, for schedule and target searches; ordered by window id. */
  listAllWindows(): Promise<MaintenanceWindow[]>;
  countWindows(): Promise<number>;

  // Window targets
  insertWindowTarget(target: WindowTarget): Promise<void>;
  updateWindowTarget(target: WindowTarget): Promise<boolean>;
  getWindowTarget(windowId: string, windowTargetId: string): Promise<WindowTarget | undefined>;
  deleteWindowTarget(windowId: string, windowTargetId: string): Promise<boolean>;
  listWindowTargets(query: WindowTargetQuery): Promise<Page<WindowTarget>>;
  /** Every target of every window (for DescribeMaintenanceWindowsForTarget). */
  listAllWindowTargets(): Promise<WindowTarget[]>;
  countWindowTargets(windowId: string): Promise<number>;

  // Window tasks
  insertWindowTask(task: WindowTask): Promise<void>;
  updateWindowTask(task: WindowTask): Promise<boolean>;
  getWindowTask(windowId: string, windowTaskId: string): Promise<WindowTask | undefined>;
  deleteWindowTask(windowId: string, windowTaskId: string): Promise<boolean>;
  listWindowTasks(query: WindowTaskQuery): Promise<Page<WindowTask>>;
  /** Every task of one window, in registration order. */
  listAllWindowTasks(windowId: string): Promise<WindowTask[]>;
  /** Every task of every window that targets nodes directly (InstanceIds). */
  listTasksWithInstanceTargets(): Promise<WindowTask[]>;
  countWindowTasks(windowId: string): Promise<number>;

  // History
  /**
   * Inserts the execution unless the window already has one for the same due time (the store's
   * unique key is what makes a double start impossible). @returns whether it was inserted.
   */
  insertWindowExecution(execution: WindowExecution): Promise<boolean>;
  updateWindowExecution(change: WindowExecutionChange): Promise<void>;
  /** Executions not yet in a terminal status, oldest due time first. */
  listUnfinishedWindowExecutions(): Promise<WindowExecution[]>;
  /** The latest due time each window has an execution for. */
  lastDueTimes(): Promise<Map<string, number>>;
  getWindowExecution(windowExecutionId: string): Promise<WindowExecution | undefined>;
  /** Newest first. */
  listWindowExecutions(query: WindowExecutionQuery): Promise<Page<WindowExecution>>;
  insertTaskExecution(execution: TaskExecution): Promise<void>;
  updateTaskExecution(change: TaskExecutionChange): Promise<void>;
  /** Every task execution of one window execution, in start order. */
  listAllTaskExecutions(windowExecutionId: string): Promise<TaskExecution[]>;
  getTaskExecution(windowExecutionId: string, taskExecutionId: string): Promise<TaskExecution | undefined>;
  /** In start order. */
  listTaskExecutions(query: TaskExecutionQuery): Promise<Page<TaskExecution>>;
  /** Task execution ids of one window execution, in start order. */
  listTaskExecutionIds(windowExecutionId: string): Promise<string[]>;
  insertTaskInvocation(invocation: TaskInvocation): Promise<void>;
  updateTaskInvocation(change: TaskInvocationChange): Promise<void>;
  /** Every invocation of one task execution, in start order. */
  listAllTaskInvocations(taskExecutionId: string): Promise<TaskInvocation[]>;
  getTaskInvocation(
    windowExecutionId: string,
    taskExecutionId: string,
    invocationId: string,
  ): Promise<TaskInvocation | undefined>;
  listTaskInvocations(query: TaskInvocationQuery): Promise<Page<TaskInvocation>>;

  // Tags
  getTags(resourceType: TaggableResourceType, resourceId: string): Promise<Tag[]>;
  /** Replaces the whole tag set of a resource. */
  replaceTags(resourceType: TaggableResourceType, resourceId: string, tags: readonly Tag[]): Promise<void>;

  // Idempotency
  getIdempotencyRecord(scope: string, token: string): Promise<IdempotencyRecord | undefined>;
  putIdempotencyRecord(record: IdempotencyRecord): Promise<void>;
  /** Forgets records created before `before`. @returns how many were removed. */
  pruneIdempotencyRecords(before: number): Promise<number>;

  // Access keys. The store keeps the secret as it is given, sealed by the caller
  // (services/secret-box.ts): it never sees a secret in clear.
  insertAccessKey(key: StoredAccessKey): Promise<void>;
  /** Inserts or replaces (used for the bootstrap admin key from the environment). */
  upsertAccessKey(key: StoredAccessKey): Promise<void>;
  deleteAccessKey(accessKeyId: string): Promise<boolean>;
  listAccessKeys(): Promise<StoredAccessKey[]>;

  // Server settings (small named values such as the pagination-token key)
  getSetting(name: string): Promise<string | undefined>;
  /** Stores `value` unless a value exists; returns the value now stored. */
  putSettingIfAbsent(name: string, value: string): Promise<string>;
  /** Stores `value`, replacing any value. */
  putSetting(name: string, value: string): Promise<void>;

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

  // Documents (created through the API; Amazon-owned documents are not stored)
  /**
   * Stores a new document with its first version and its tags, atomically. Not idempotent: a
   * name already stored fails with the backend's constraint error and stores nothing (callers
   * check first, in the same transaction, to answer DocumentAlreadyExists).
   */
  insertDocument(document: StoredDocument, version: StoredDocumentVersion, tags: readonly Tag[]): Promise<void>;
  getDocument(name: string): Promise<StoredDocument | undefined>;
  countDocuments(): Promise<number>;
  listDocuments(query: DocumentQuery): Promise<Page<DocumentListing>>;
  /**
   * Adds a version and makes it the latest; the version counter moves up to its number and the
   * default version stays. The caller has checked, in the same transaction, that the document
   * exists and that the number, version name and content are new.
   */
  insertDocumentVersion(version: StoredDocumentVersion): Promise<void>;
  getDocumentVersion(name: string, documentVersion: number): Promise<StoredDocumentVersion | undefined>;
  /** The version of this document with this VersionName (exact match). */
  findDocumentVersionByName(name: string, versionName: string): Promise<StoredDocumentVersion | undefined>;
  /** The number of a version of this document whose content has this hash, if any. */
  findDocumentVersionByHash(name: string, hash: string): Promise<number | undefined>;
  countDocumentVersions(name: string): Promise<number>;
  /** Versions in ascending number order, without content; the cursor is `[documentVersion]`. */
  listDocumentVersions(name: string, page: PageRequest): Promise<Page<DocumentVersionSummary>>;
  /** @returns false when the document does not exist. The caller has checked the version exists. */
  setDefaultDocumentVersion(name: string, documentVersion: number): Promise<boolean>;
  /** Deletes the document with every version and its tags. @returns whether it existed. */
  deleteDocument(name: string): Promise<boolean>;
  /**
   * Deletes one version; the latest version becomes the highest that remains (the counter does
   * not go back). The caller keeps the default version and at least one other version.
   * @returns whether the version existed.
   */
  deleteDocumentVersion(name: string, documentVersion: number): Promise<boolean>;

  // Agent releases (immutable: a version, once stored, keeps its bytes)
  /**
   * Stores a release with its bundle unless the version is stored already (then nothing changes).
   * @returns whether it was inserted.
   */
  insertAgentRelease(release: AgentRelease, content: Uint8Array): Promise<boolean>;
  getAgentRelease(version: string): Promise<AgentRelease | undefined>;
  /** Every release, without the bundles, ordered by version text (callers order semantically). */
  listAgentReleases(): Promise<AgentRelease[]>;
  /** The bundle of a release. */
  readAgentReleaseContent(version: string): Promise<Uint8Array | undefined>;

  // Packages (versions are immutable; a package exists while one of its versions does)
  /**
   * Stores a version with its archive, given as `PACKAGE_CHUNK_BYTES` pieces, atomically. Not
   * idempotent: a version already stored fails with the backend's constraint error and stores
   * nothing (callers check first, in the same transaction, to answer AlreadyExists).
   */
  insertPackageVersion(version: PackageVersion, chunks: readonly Uint8Array[]): Promise<void>;
  getPackageVersion(name: string, version: string): Promise<PackageVersion | undefined>;
  /**
   * Every version of one package, or of every package, without archives; ordered by name, then
   * publication time (callers order versions semantically).
   */
  listPackageVersions(name?: string): Promise<PackageVersion[]>;
  /** Piece `index` (from 0) of a version's archive; undefined when there is no such piece. */
  readPackageChunk(name: string, version: string, index: number): Promise<Uint8Array | undefined>;
  /** Deletes a version with its archive. @returns whether it existed. */
  deletePackageVersion(name: string, version: string): Promise<boolean>;

  // Inventory (what each node last reported it has installed)
  /** Replaces the node's application inventory. Idempotent. */
  putApplicationInventory(instanceId: string, inventory: ApplicationInventory): Promise<void>;
  getApplicationInventory(instanceId: string): Promise<ApplicationInventory | undefined>;

  // Run Command
  /** Stores a new command with its invocations, atomically. */
  insertCommand(command: Command, invocations: readonly CommandInvocation[]): Promise<void>;
  getCommand(commandId: string): Promise<Command | undefined>;
  /** Newest first. */
  listCommands(query: CommandQuery): Promise<Page<Command>>;
  /** Commands not yet in a terminal status (for the dispatcher after a restart). */
  listUnfinishedCommands(): Promise<Command[]>;
  updateCommandProgress(changes: readonly CommandProgressChange[]): Promise<void>;
  /** Records that the whole command is to be cancelled (so a restarted dispatcher still does). */
  requestCommandCancel(commandId: string): Promise<void>;
  getInvocation(commandId: string, instanceId: string): Promise<CommandInvocation | undefined>;
  /** Newest first, then by instance id. */
  listInvocations(query: InvocationQuery): Promise<Page<CommandInvocation>>;
  listInvocationsOfCommand(commandId: string): Promise<CommandInvocation[]>;
  /** Applies status changes (and outputs) to many invocations in one transaction. */
  applyInvocationChanges(changes: readonly InvocationChange[]): Promise<void>;
  /** Full output of one step, up to the server's cap. */
  getInvocationOutput(commandId: string, instanceId: string, pluginName: string): Promise<PluginOutput | undefined>;

  /**
   * Housekeeping, safe at any time: forgets idempotency records created before
   * `idempotencyBefore` and refreshes the query planner's statistics.
   */
  maintain(idempotencyBefore: number): Promise<void>;

  /**
   * Forgets window executions (with their tasks and invocations) that ended before `before`, and
   * finished commands (with their invocations and output) requested before it.
   */
  pruneHistory(before: number): Promise<{ readonly windowExecutions: number; readonly commands: number }>;

  /** Records one audited decision. Throws when `auditId` is already used. */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Audit entries matching every given filter, newest first (then by id, descending). */
  listAudit(query: AuditQuery): Promise<Page<AuditEntry>>;
  /** Forgets audit entries recorded before `before`; returns how many. */
  pruneAudit(before: number): Promise<number>;

  close(): Promise<void>;
}

export interface AuditEntry {
  readonly auditId: string;
  readonly at: number;
  readonly accessKeyId?: string;
  readonly operation: string;
  readonly resourceId?: string;
  readonly outcome: AuditOutcome;
  readonly detail?: string;
  readonly sourceIp?: string;
  readonly target?: string;
  readonly requestId?: string;
}

export interface AuditQuery extends PageRequest {
  readonly accessKeyId?: string;
  readonly operation?: string;
  readonly outcome?: AuditOutcome;
  readonly atOrAfter?: number;
  readonly atOrBefore?: number;
}
