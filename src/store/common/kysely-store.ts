/**
 * The Store over Kysely. The queries are dialect-neutral and live per area beside this file
 * (windows, targets and tasks, history, commands, fleet, tags, keys, documents, packages and
 * releases, audit); this class binds them to one connection or transaction and runs the ones
 * that change several rows atomically. Each backend folder supplies the Kysely dialect, its
 * migrations and its declared capabilities, and constructs this class.
 */
import type { Kysely, Transaction } from 'kysely';
import type { StoredAccessKey } from '../../domain/access-key.js';
import type { Activation } from '../../domain/activation.js';
import type { AgentRelease } from '../../domain/agent-release.js';
import type { Command, CommandInvocation, PluginOutput } from '../../domain/command.js';
import type { ManagedNode, NodeFacts } from '../../domain/managed-node.js';
import type { ApplicationInventory, PackageVersion } from '../../domain/package.js';
import type { DocumentVersionSummary, StoredDocument, StoredDocumentVersion } from '../../domain/stored-document.js';
import type { ResourceGroup } from '../../domain/resource-group.js';
import type { MaintenanceWindow, WindowTarget, WindowTask } from '../../domain/maintenance-window.js';
import type { Tag, TaggableResourceType } from '../../domain/tags.js';
import type { TaskExecution, TaskInvocation, WindowExecution } from '../../domain/window-execution.js';
import type {
  ActivationQuery,
  AuditEntry,
  AuditQuery,
  CommandProgressChange,
  CommandQuery,
  DocumentListing,
  DocumentQuery,
  IdempotencyRecord,
  InvocationChange,
  InvocationQuery,
  NodeWithTags,
  Page,
  PageRequest,
  Store,
  StoreCapabilities,
  TaskExecutionChange,
  TaskExecutionQuery,
  TaskInvocationChange,
  TaskInvocationQuery,
  WindowExecutionChange,
  WindowExecutionQuery,
  WindowQuery,
  WindowTargetQuery,
  WindowTaskQuery,
} from '../store.js';
import * as agentReleaseQueries from './agent-release-queries.js';
import * as auditQueries from './audit-queries.js';
import * as commandQueries from './command-queries.js';
import * as documentQueries from './document-queries.js';
import * as historyQueries from './history-queries.js';
import * as keyQueries from './key-queries.js';
import * as nodeQueries from './node-queries.js';
import * as packageQueries from './package-queries.js';
import type { Db } from './query-kit.js';
import * as tagQueries from './tag-queries.js';
import * as targetTaskQueries from './target-task-queries.js';
import * as windowQueries from './window-queries.js';
import type { Database } from './schema.js';

/** What a backend adds to the shared queries. */
export interface Backend {
  readonly capabilities: StoreCapabilities;
  /**
   * Run first in every `Store.transaction`, to serialise transactions where the database does
   * not (PostgreSQL: an advisory lock every server takes). SQLite has one writer: none needed.
   */
  readonly serialise?: (trx: Transaction<Database>) => Promise<void>;
  /** Refreshes planner statistics (SQLite `PRAGMA optimize`, PostgreSQL `ANALYZE`). */
  readonly optimize: (db: Kysely<Database>) => Promise<void>;
  readonly close: () => Promise<void>;
}

export class KyselyStore implements Store {
  constructor(
    private readonly db: Db,
    private readonly backend: Backend,
  ) {}

  get capabilities(): StoreCapabilities {
    return this.backend.capabilities;
  }

  async transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) {
      return fn(this);
    }
    return (this.db as Kysely<Database>).transaction().execute(async (trx) => {
      await this.backend.serialise?.(trx);
      return fn(new KyselyStore(trx, this.backend));
    });
  }

  /** Runs `fn` in this store's transaction, or in a new one. */
  private async atomically<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) {
      return fn(this.db);
    }
    return (this.db as Kysely<Database>).transaction().execute(fn);
  }

  // Maintenance windows (window-queries.ts)

  async insertWindow(window: MaintenanceWindow): Promise<void> {
    return windowQueries.insertWindow(this.db, window);
  }
  async updateWindow(window: MaintenanceWindow): Promise<boolean> {
    return windowQueries.updateWindow(this.db, window);
  }
  async getWindow(windowId: string): Promise<MaintenanceWindow | undefined> {
    return windowQueries.getWindow(this.db, windowId);
  }
  async deleteWindow(windowId: string): Promise<boolean> {
    return this.atomically((db) => windowQueries.deleteWindow(db, windowId));
  }
  async listWindows(query: WindowQuery): Promise<Page<MaintenanceWindow>> {
    return windowQueries.listWindows(this.db, query);
  }
  async listAllWindows(): Promise<MaintenanceWindow[]> {
    return windowQueries.listAllWindows(this.db);
  }
  async countWindows(): Promise<number> {
    return windowQueries.countWindows(this.db);
  }

  // Window targets and tasks (target-task-queries.ts)

  async insertWindowTarget(target: WindowTarget): Promise<void> {
    return targetTaskQueries.insertWindowTarget(this.db, target);
  }
  async updateWindowTarget(target: WindowTarget): Promise<boolean> {
    return targetTaskQueries.updateWindowTarget(this.db, target);
  }
  async getWindowTarget(windowId: string, windowTargetId: string): Promise<WindowTarget | undefined> {
    return targetTaskQueries.getWindowTarget(this.db, windowId, windowTargetId);
  }
  async deleteWindowTarget(windowId: string, windowTargetId: string): Promise<boolean> {
    return targetTaskQueries.deleteWindowTarget(this.db, windowId, windowTargetId);
  }
  async listWindowTargets(query: WindowTargetQuery): Promise<Page<WindowTarget>> {
    return targetTaskQueries.listWindowTargets(this.db, query);
  }
  async listAllWindowTargets(): Promise<WindowTarget[]> {
    return targetTaskQueries.listAllWindowTargets(this.db);
  }
  async countWindowTargets(windowId: string): Promise<number> {
    return targetTaskQueries.countWindowTargets(this.db, windowId);
  }
  async insertWindowTask(task: WindowTask): Promise<void> {
    return targetTaskQueries.insertWindowTask(this.db, task);
  }
  async updateWindowTask(task: WindowTask): Promise<boolean> {
    return targetTaskQueries.updateWindowTask(this.db, task);
  }
  async getWindowTask(windowId: string, windowTaskId: string): Promise<WindowTask | undefined> {
    return targetTaskQueries.getWindowTask(this.db, windowId, windowTaskId);
  }
  async deleteWindowTask(windowId: string, windowTaskId: string): Promise<boolean> {
    return targetTaskQueries.deleteWindowTask(this.db, windowId, windowTaskId);
  }
  async listWindowTasks(query: WindowTaskQuery): Promise<Page<WindowTask>> {
    return targetTaskQueries.listWindowTasks(this.db, query);
  }
  async listAllWindowTasks(windowId: string): Promise<WindowTask[]> {
    return targetTaskQueries.listAllWindowTasks(this.db, windowId);
  }
  async listTasksWithInstanceTargets(): Promise<WindowTask[]> {
    return targetTaskQueries.listTasksWithInstanceTargets(this.db);
  }
  async countWindowTasks(windowId: string): Promise<number> {
    return targetTaskQueries.countWindowTasks(this.db, windowId);
  }

  // History (history-queries.ts)

  async insertWindowExecution(execution: WindowExecution): Promise<boolean> {
    return historyQueries.insertWindowExecution(this.db, execution);
  }
  async updateWindowExecution(change: WindowExecutionChange): Promise<void> {
    return historyQueries.updateWindowExecution(this.db, change);
  }
  async listUnfinishedWindowExecutions(): Promise<WindowExecution[]> {
    return historyQueries.listUnfinishedWindowExecutions(this.db);
  }
  async lastDueTimes(): Promise<Map<string, number>> {
    return historyQueries.lastDueTimes(this.db);
  }
  async getWindowExecution(windowExecutionId: string): Promise<WindowExecution | undefined> {
    return historyQueries.getWindowExecution(this.db, windowExecutionId);
  }
  async listWindowExecutions(query: WindowExecutionQuery): Promise<Page<WindowExecution>> {
    return historyQueries.listWindowExecutions(this.db, query);
  }
  async insertTaskExecution(execution: TaskExecution): Promise<void> {
    return historyQueries.insertTaskExecution(this.db, execution);
  }
  async updateTaskExecution(change: TaskExecutionChange): Promise<void> {
    return historyQueries.updateTaskExecution(this.db, change);
  }
  async listAllTaskExecutions(windowExecutionId: string): Promise<TaskExecution[]> {
    return historyQueries.listAllTaskExecutions(this.db, windowExecutionId);
  }
  async getTaskExecution(windowExecutionId: string, taskExecutionId: string): Promise<TaskExecution | undefined> {
    return historyQueries.getTaskExecution(this.db, windowExecutionId, taskExecutionId);
  }
  async listTaskExecutions(query: TaskExecutionQuery): Promise<Page<TaskExecution>> {
    return historyQueries.listTaskExecutions(this.db, query);
  }
  async listTaskExecutionIds(windowExecutionId: string): Promise<string[]> {
    return historyQueries.listTaskExecutionIds(this.db, windowExecutionId);
  }
  async insertTaskInvocation(invocation: TaskInvocation): Promise<void> {
    return historyQueries.insertTaskInvocation(this.db, invocation);
  }
  async updateTaskInvocation(change: TaskInvocationChange): Promise<void> {
    return historyQueries.updateTaskInvocation(this.db, change);
  }
  async listAllTaskInvocations(taskExecutionId: string): Promise<TaskInvocation[]> {
    return historyQueries.listAllTaskInvocations(this.db, taskExecutionId);
  }
  async getTaskInvocation(
    windowExecutionId: string,
    taskExecutionId: string,
    invocationId: string,
  ): Promise<TaskInvocation | undefined> {
    return historyQueries.getTaskInvocation(this.db, windowExecutionId, taskExecutionId, invocationId);
  }
  async listTaskInvocations(query: TaskInvocationQuery): Promise<Page<TaskInvocation>> {
    return historyQueries.listTaskInvocations(this.db, query);
  }

  // Tags (tag-queries.ts)

  async getTags(resourceType: TaggableResourceType, resourceId: string): Promise<Tag[]> {
    return tagQueries.getTags(this.db, resourceType, resourceId);
  }
  async replaceTags(resourceType: TaggableResourceType, resourceId: string, tags: readonly Tag[]): Promise<void> {
    return this.atomically((db) => tagQueries.replaceTags(db, resourceType, resourceId, tags));
  }

  // Idempotency, access keys and settings (key-queries.ts)

  async getIdempotencyRecord(scope: string, token: string): Promise<IdempotencyRecord | undefined> {
    return keyQueries.getIdempotencyRecord(this.db, scope, token);
  }
  async putIdempotencyRecord(record: IdempotencyRecord): Promise<void> {
    return keyQueries.putIdempotencyRecord(this.db, record);
  }
  async pruneIdempotencyRecords(before: number): Promise<number> {
    return keyQueries.pruneIdempotencyRecords(this.db, before);
  }
  async insertAccessKey(key: StoredAccessKey): Promise<void> {
    return keyQueries.insertAccessKey(this.db, key);
  }
  async upsertAccessKey(key: StoredAccessKey): Promise<void> {
    return keyQueries.upsertAccessKey(this.db, key);
  }
  async deleteAccessKey(accessKeyId: string): Promise<boolean> {
    return keyQueries.deleteAccessKey(this.db, accessKeyId);
  }
  async listAccessKeys(): Promise<StoredAccessKey[]> {
    return keyQueries.listAccessKeys(this.db);
  }
  async getSetting(name: string): Promise<string | undefined> {
    return keyQueries.getSetting(this.db, name);
  }
  async putSettingIfAbsent(name: string, value: string): Promise<string> {
    return keyQueries.putSettingIfAbsent(this.db, name, value);
  }
  async putSetting(name: string, value: string): Promise<void> {
    return keyQueries.putSetting(this.db, name, value);
  }

  // Audit log (queries in audit-queries.ts)

  async appendAudit(entry: AuditEntry): Promise<void> {
    await auditQueries.appendAudit(this.db, entry);
  }
  async listAudit(query: AuditQuery): Promise<Page<AuditEntry>> {
    return auditQueries.listAudit(this.db, query);
  }
  async pruneAudit(before: number): Promise<number> {
    return auditQueries.pruneAudit(this.db, before);
  }

  // Activations, managed nodes and resource groups (node-queries.ts)

  async insertActivation(activation: Activation): Promise<void> {
    return nodeQueries.insertActivation(this.db, activation);
  }
  async getActivation(activationId: string): Promise<Activation | undefined> {
    return nodeQueries.getActivation(this.db, activationId);
  }
  async listActivations(query: ActivationQuery): Promise<Page<Activation>> {
    return nodeQueries.listActivations(this.db, query);
  }
  async deleteActivation(activationId: string): Promise<boolean> {
    return nodeQueries.deleteActivation(this.db, activationId);
  }
  async registerManagedNode(node: ManagedNode, tags: ReadonlyMap<string, string>): Promise<void> {
    return this.atomically((db) => nodeQueries.registerManagedNode(db, node, tags));
  }
  async getManagedNode(instanceId: string): Promise<ManagedNode | undefined> {
    return nodeQueries.getManagedNode(this.db, instanceId);
  }
  async listActiveNodes(): Promise<NodeWithTags[]> {
    return nodeQueries.listActiveNodes(this.db);
  }
  async updateNodeFacts(instanceId: string, facts: NodeFacts, pingAt: number): Promise<void> {
    return nodeQueries.updateNodeFacts(this.db, instanceId, facts, pingAt);
  }
  async recordNodePings(pings: readonly { readonly instanceId: string; readonly at: number }[]): Promise<void> {
    if (pings.length === 0) {
      return;
    }
    return this.atomically((db) => nodeQueries.recordNodePings(db, pings));
  }
  async deregisterManagedNode(instanceId: string, at: number): Promise<boolean> {
    return this.atomically((db) => nodeQueries.deregisterManagedNode(db, instanceId, at));
  }
  async putResourceGroup(group: ResourceGroup): Promise<void> {
    return nodeQueries.putResourceGroup(this.db, group);
  }
  async getResourceGroup(name: string): Promise<ResourceGroup | undefined> {
    return nodeQueries.getResourceGroup(this.db, name);
  }
  async listResourceGroups(): Promise<ResourceGroup[]> {
    return nodeQueries.listResourceGroups(this.db);
  }
  async deleteResourceGroup(name: string): Promise<boolean> {
    return nodeQueries.deleteResourceGroup(this.db, name);
  }

  // Run Command (command-queries.ts)

  async insertCommand(command: Command, invocations: readonly CommandInvocation[]): Promise<void> {
    return this.atomically((db) => commandQueries.insertCommand(db, command, invocations));
  }
  async getCommand(commandId: string): Promise<Command | undefined> {
    return commandQueries.getCommand(this.db, commandId);
  }
  async listCommands(query: CommandQuery): Promise<Page<Command>> {
    return commandQueries.listCommands(this.db, query);
  }
  async listUnfinishedCommands(): Promise<Command[]> {
    return commandQueries.listUnfinishedCommands(this.db);
  }
  async updateCommandProgress(changes: readonly CommandProgressChange[]): Promise<void> {
    if (changes.length === 0) {
      return;
    }
    return this.atomically((db) => commandQueries.updateCommandProgress(db, changes));
  }
  async requestCommandCancel(commandId: string): Promise<void> {
    return commandQueries.requestCommandCancel(this.db, commandId);
  }
  async getInvocation(commandId: string, instanceId: string): Promise<CommandInvocation | undefined> {
    return commandQueries.getInvocation(this.db, commandId, instanceId);
  }
  async listInvocations(query: InvocationQuery): Promise<Page<CommandInvocation>> {
    return commandQueries.listInvocations(this.db, query);
  }
  async listInvocationsOfCommand(commandId: string): Promise<CommandInvocation[]> {
    return commandQueries.listInvocationsOfCommand(this.db, commandId);
  }
  async applyInvocationChanges(changes: readonly InvocationChange[]): Promise<void> {
    if (changes.length === 0) {
      return;
    }
    return this.atomically((db) => commandQueries.applyInvocationChanges(db, changes));
  }
  async getInvocationOutput(
    commandId: string,
    instanceId: string,
    pluginName: string,
  ): Promise<PluginOutput | undefined> {
    return commandQueries.getInvocationOutput(this.db, commandId, instanceId, pluginName);
  }
  // Documents (queries in document-queries.ts)

  async insertDocument(document: StoredDocument, version: StoredDocumentVersion, tags: readonly Tag[]): Promise<void> {
    await this.atomically((db) => documentQueries.insertDocument(db, document, version, tags));
  }
  async getDocument(name: string): Promise<StoredDocument | undefined> {
    return documentQueries.getDocument(this.db, name);
  }
  async countDocuments(): Promise<number> {
    return documentQueries.countDocuments(this.db);
  }
  async listDocuments(query: DocumentQuery): Promise<Page<DocumentListing>> {
    return documentQueries.listDocuments(this.db, query);
  }
  async insertDocumentVersion(version: StoredDocumentVersion): Promise<void> {
    await this.atomically((db) => documentQueries.insertDocumentVersion(db, version));
  }
  async getDocumentVersion(name: string, documentVersion: number): Promise<StoredDocumentVersion | undefined> {
    return documentQueries.getDocumentVersion(this.db, name, documentVersion);
  }
  async findDocumentVersionByName(name: string, versionName: string): Promise<StoredDocumentVersion | undefined> {
    return documentQueries.findDocumentVersionByName(this.db, name, versionName);
  }
  async findDocumentVersionByHash(name: string, hash: string): Promise<number | undefined> {
    return documentQueries.findDocumentVersionByHash(this.db, name, hash);
  }
  async countDocumentVersions(name: string): Promise<number> {
    return documentQueries.countDocumentVersions(this.db, name);
  }
  async listDocumentVersions(name: string, page: PageRequest): Promise<Page<DocumentVersionSummary>> {
    return documentQueries.listDocumentVersions(this.db, name, page);
  }
  async setDefaultDocumentVersion(name: string, documentVersion: number): Promise<boolean> {
    return documentQueries.setDefaultDocumentVersion(this.db, name, documentVersion);
  }
  async deleteDocument(name: string): Promise<boolean> {
    return this.atomically((db) => documentQueries.deleteDocument(db, name));
  }
  async deleteDocumentVersion(name: string, documentVersion: number): Promise<boolean> {
    return this.atomically((db) => documentQueries.deleteDocumentVersion(db, name, documentVersion));
  }

  // Agent releases (queries in agent-release-queries.ts)

  async insertAgentRelease(release: AgentRelease, content: Uint8Array): Promise<boolean> {
    return agentReleaseQueries.insertAgentRelease(this.db, release, content);
  }
  async getAgentRelease(version: string): Promise<AgentRelease | undefined> {
    return agentReleaseQueries.getAgentRelease(this.db, version);
  }
  async listAgentReleases(): Promise<AgentRelease[]> {
    return agentReleaseQueries.listAgentReleases(this.db);
  }
  async readAgentReleaseContent(version: string): Promise<Uint8Array | undefined> {
    return agentReleaseQueries.readAgentReleaseContent(this.db, version);
  }

  // Packages and inventory (queries in package-queries.ts)

  async insertPackageVersion(version: PackageVersion, chunks: readonly Uint8Array[]): Promise<void> {
    await this.atomically((db) => packageQueries.insertPackageVersion(db, version, chunks));
  }
  async getPackageVersion(name: string, version: string): Promise<PackageVersion | undefined> {
    return packageQueries.getPackageVersion(this.db, name, version);
  }
  async listPackageVersions(name?: string): Promise<PackageVersion[]> {
    return packageQueries.listPackageVersions(this.db, name);
  }
  async readPackageChunk(name: string, version: string, index: number): Promise<Uint8Array | undefined> {
    return packageQueries.readPackageChunk(this.db, name, version, index);
  }
  async deletePackageVersion(name: string, version: string): Promise<boolean> {
    return this.atomically((db) => packageQueries.deletePackageVersion(db, name, version));
  }
  async putApplicationInventory(instanceId: string, inventory: ApplicationInventory): Promise<void> {
    await packageQueries.putApplicationInventory(this.db, instanceId, inventory);
  }
  async getApplicationInventory(instanceId: string): Promise<ApplicationInventory | undefined> {
    return packageQueries.getApplicationInventory(this.db, instanceId);
  }

  async pruneHistory(before: number): Promise<{ readonly windowExecutions: number; readonly commands: number }> {
    return this.atomically(async (db) => ({
      windowExecutions: await historyQueries.pruneWindowExecutions(db, before),
      commands: await commandQueries.pruneCommands(db, before),
    }));
  }
  async maintain(idempotencyBefore: number): Promise<void> {
    await keyQueries.pruneIdempotencyRecords(this.db, idempotencyBefore);
    if (!this.db.isTransaction) {
      await this.backend.optimize(this.db as Kysely<Database>);
    }
  }
  async close(): Promise<void> {
    await this.backend.close();
  }
}
