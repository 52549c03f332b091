/**
 * The Store over Kysely. The queries are dialect-neutral; each backend folder supplies the
 * Kysely dialect, its migrations and its capabilities, and constructs this class.
 */
import { sql, type CompiledQuery, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
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
  Cursor,
  DocumentListing,
  DocumentQuery,
  InvocationChange,
  InvocationQuery,
  NodeWithTags,
  IdempotencyRecord,
  Page,
  PageRequest,
  Store,
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
import {
  accessKeyToRow,
  activationToRow,
  commandToRow,
  invocationToRow,
  managedNodeToRow,
  resourceGroupToRow,
  rowToAccessKey,
  rowToActivation,
  rowToCommand,
  rowToInvocation,
  rowToManagedNode,
  rowToResourceGroup,
  rowToTarget,
  rowToTask,
  rowToTaskExecution,
  rowToTaskInvocation,
  rowToWindow,
  rowToWindowExecution,
  targetToRow,
  taskExecutionToRow,
  taskInvocationToRow,
  taskToRow,
  windowExecutionToRow,
  windowToRow,
} from './rows.js';
import * as audit from './audit-queries.js';
import * as documents from './document-queries.js';
import * as packages from './package-queries.js';
import * as agentReleases from './agent-release-queries.js';
import type { Database } from './schema.js';

type Direction = 'asc' | 'desc';

/**
 * Keyset condition "row comes after `cursor`" for a two-column sort key (time, id).
 * Written out rather than as a row-value comparison so that every dialect plans it the same.
 */
function afterCursor<T extends keyof Database>(
  eb: ExpressionBuilder<Database, T>,
  timeColumn: string,
  idColumn: string,
  cursor: Cursor,
  direction: Direction,
) {
  const op = direction === 'asc' ? '>' : '<';
  const [time, id] = cursor;
  // The column names are typed per table by the callers; Kysely's reference typing cannot
  // follow a generic table here.
  const ref = eb.ref as unknown as (column: string) => never;
  return eb.or([
    eb(ref(timeColumn), op, time as never),
    eb.and([eb(ref(timeColumn), '=', time as never), eb(ref(idColumn), op, id as never)]),
  ]);
}

/**
 * LIMIT for a page (one extra row tells whether more exist), as a literal rather than a bound
 * parameter: with a known limit the planner can prefer walking the sort index and stopping early
 * over collecting every match and sorting it. Page sizes are validated integers.
 */
function pageLimit(limit: number) {
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
    throw new Error(`page limit must be a whole number from 1 to 10000; got ${limit}`);
  }
  return sql.lit(limit + 1);
}

/**
 * Runs queries of one shape many times, compiling the shape once. The first query of a shape is
 * compiled by Kysely; when its parameters are exactly the values given (so their order is
 * known), later queries of that shape reuse its SQL with their own values. Otherwise each query
 * is compiled anew.
 */
class CompiledOnce {
  private readonly shapes = new Map<string, CompiledQuery | null>();

  async run(
    db: Kysely<Database> | Transaction<Database>,
    shape: string,
    values: readonly unknown[],
    compile: () => CompiledQuery,
  ): Promise<void> {
    const known = this.shapes.get(shape);
    if (known !== undefined && known !== null) {
      await db.executeQuery({ ...known, parameters: values });
      return;
    }
    const compiled = compile();
    if (known === undefined) {
      const sameOrder =
        compiled.parameters.length === values.length &&
        compiled.parameters.every((parameter, index) => parameter === values[index]);
      this.shapes.set(shape, sameOrder ? compiled : null);
    }
    await db.executeQuery(compiled);
  }
}

/** Below this many matches a name prefix is answered from the name index. */
const NARROW_PREFIX_MATCHES = 200;

/** Command statuses that are not final. */
const UNFINISHED_COMMAND_STATUSES = ['Pending', 'InProgress', 'Cancelling'];

/** Rows per multi-row INSERT (SQLite allows 32,766 bound parameters; PostgreSQL 65,535). */
const INSERT_CHUNK_ROWS = 500;

/** An `in` list that matches nothing when empty (`IN ()` is not valid SQL everywhere). */
function emptySafe<T>(values: readonly T[]): readonly T[] {
  return values.length === 0 ? ([null] as unknown as readonly T[]) : values;
}

/** The least string above every string starting with `prefix`, when simply computed. */
function prefixUpperBound(prefix: string): string | undefined {
  const last = prefix.charCodeAt(prefix.length - 1);
  // Surrogates and U+FFFF cannot be incremented in place; the exact match alone serves there.
  return prefix === '' || last >= 0xd800 ? undefined : prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

function toPage<Row, Item>(rows: Row[], limit: number, map: (row: Row) => Item, key: (row: Row) => Cursor): Page<Item> {
  if (rows.length <= limit) {
    return { items: rows.map(map) };
  }
  const kept = rows.slice(0, limit);
  return { items: kept.map(map), next: key(kept[kept.length - 1]!) };
}

/** What a backend adds to the shared queries. */
export interface BackendHooks {
  /** Refreshes planner statistics (SQLite `PRAGMA optimize`, PostgreSQL `ANALYZE`). */
  readonly optimize: (db: Kysely<Database>) => Promise<void>;
  readonly close: () => Promise<void>;
}

const NO_HOOKS: BackendHooks = { optimize: async () => {}, close: async () => {} };

export class KyselyStore implements Store {
  constructor(
    private readonly db: Kysely<Database> | Transaction<Database>,
    private readonly hooks: BackendHooks = NO_HOOKS,
  ) {}

  async transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    if (this.db.isTransaction) {
      return fn(this);
    }
    return (this.db as Kysely<Database>).transaction().execute((trx) => fn(new KyselyStore(trx, this.hooks)));
  }

  // Maintenance windows

  async insertWindow(window: MaintenanceWindow): Promise<void> {
    await this.db.insertInto('windows').values(windowToRow(window)).execute();
  }

  async updateWindow(window: MaintenanceWindow): Promise<boolean> {
    const { window_id, ...rest } = windowToRow(window);
    const result = await this.db.updateTable('windows').set(rest).where('window_id', '=', window_id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async getWindow(windowId: string): Promise<MaintenanceWindow | undefined> {
    const row = await this.db.selectFrom('windows').selectAll().where('window_id', '=', windowId).executeTakeFirst();
    return row === undefined ? undefined : rowToWindow(row);
  }

  async deleteWindow(windowId: string): Promise<boolean> {
    return this.transaction(async (store) => {
      const db = (store as KyselyStore).db;
      const result = await db.deleteFrom('windows').where('window_id', '=', windowId).executeTakeFirst();
      await db.deleteFrom('window_targets').where('window_id', '=', windowId).execute();
      await db.deleteFrom('window_tasks').where('window_id', '=', windowId).execute();
      await db
        .deleteFrom('tags')
        .where('resource_type', '=', 'MaintenanceWindow')
        .where('resource_id', '=', windowId)
        .execute();
      return Number(result.numDeletedRows) > 0;
    });
  }

  async listWindows(query: WindowQuery): Promise<Page<MaintenanceWindow>> {
    let select = this.db.selectFrom('windows').selectAll();
    if (query.namePrefixes !== undefined) {
      if (query.namePrefixes.length === 0) {
        return { items: [] };
      }
      const prefixes = query.namePrefixes;
      // Two ways to answer, and the planner cannot tell which is faster because the page is
      // small: for a narrow prefix, a range on the name index finds the few matches at once;
      // for a broad one, walking the creation index and stopping after one page is faster
      // than sorting every match. Count the matches (up to a bound, on the index) to choose.
      const narrow = (await this.countNamesWithPrefixes(prefixes, NARROW_PREFIX_MATCHES)) < NARROW_PREFIX_MATCHES;
      select = select.where((eb) =>
        eb.or(
          prefixes.map((prefix) => {
            // substr() keeps the match exact whatever the collation (`_` is a LIKE wildcard).
            const exact = eb(eb.fn('substr', ['name', eb.val(1), eb.val(prefix.length)]), '=', prefix);
            const upper = prefixUpperBound(prefix);
            return !narrow || upper === undefined
              ? exact
              : eb.and([eb('name', '>=', prefix), eb('name', '<', upper), exact]);
          }),
        ),
      );
    }
    if (query.enabled !== undefined) {
      select = select.where('enabled', '=', query.enabled ? 1 : 0);
    }
    if (query.after !== undefined) {
      const after = query.after;
      select = select.where((eb) => afterCursor(eb, 'created_at', 'window_id', after, 'asc'));
    }
    const rows = await select.orderBy('created_at').orderBy('window_id').limit(pageLimit(query.limit)).execute();
    return toPage(rows, query.limit, rowToWindow, (row) => [Number(row.created_at), row.window_id]);
  }

  /** How many windows have a name starting with one of `prefixes`, counting at most `bound`. */
  private async countNamesWithPrefixes(prefixes: readonly string[], bound: number): Promise<number> {
    let total = 0;
    for (const prefix of prefixes) {
      const upper = prefixUpperBound(prefix);
      if (upper === undefined) {
        return bound;
      }
      const row = await this.db
        .selectFrom((eb) =>
          eb
            .selectFrom('windows')
            .select('window_id')
            .where('name', '>=', prefix)
            .where('name', '<', upper)
            .limit(sql.lit(bound))
            .as('matches'),
        )
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      total += Number(row.n);
      if (total >= bound) {
        return bound;
      }
    }
    return total;
  }

  async listAllWindows(): Promise<MaintenanceWindow[]> {
    const rows = await this.db.selectFrom('windows').selectAll().orderBy('window_id').execute();
    return rows.map(rowToWindow);
  }

  async countWindows(): Promise<number> {
    const row = await this.db
      .selectFrom('windows')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // Window targets

  async insertWindowTarget(target: WindowTarget): Promise<void> {
    await this.db.insertInto('window_targets').values(targetToRow(target)).execute();
  }

  async updateWindowTarget(target: WindowTarget): Promise<boolean> {
    const { window_target_id, ...rest } = targetToRow(target);
    const result = await this.db
      .updateTable('window_targets')
      .set(rest)
      .where('window_target_id', '=', window_target_id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async getWindowTarget(windowId: string, windowTargetId: string): Promise<WindowTarget | undefined> {
    const row = await this.db
      .selectFrom('window_targets')
      .selectAll()
      .where('window_id', '=', windowId)
      .where('window_target_id', '=', windowTargetId)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToTarget(row);
  }

  async deleteWindowTarget(windowId: string, windowTargetId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('window_targets')
      .where('window_id', '=', windowId)
      .where('window_target_id', '=', windowTargetId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async listWindowTargets(query: WindowTargetQuery): Promise<Page<WindowTarget>> {
    let select = this.db.selectFrom('window_targets').selectAll().where('window_id', '=', query.windowId);
    if (query.resourceTypes !== undefined) {
      select = select.where('resource_type', 'in', query.resourceTypes);
    }
    if (query.windowTargetIds !== undefined) {
      select = select.where('window_target_id', 'in', query.windowTargetIds);
    }
    if (query.ownerInformation !== undefined) {
      select = select.where('owner_information', 'in', query.ownerInformation);
    }
    if (query.after !== undefined) {
      const after = query.after;
      select = select.where((eb) => afterCursor(eb, 'created_at', 'window_target_id', after, 'asc'));
    }
    const rows = await select.orderBy('created_at').orderBy('window_target_id').limit(pageLimit(query.limit)).execute();
    return toPage(rows, query.limit, rowToTarget, (row) => [Number(row.created_at), row.window_target_id]);
  }

  async listAllWindowTargets(): Promise<WindowTarget[]> {
    const rows = await this.db
      .selectFrom('window_targets')
      .selectAll()
      .orderBy('window_id')
      .orderBy('created_at')
      .execute();
    return rows.map(rowToTarget);
  }

  async countWindowTargets(windowId: string): Promise<number> {
    const row = await this.db
      .selectFrom('window_targets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('window_id', '=', windowId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // Window tasks

  async insertWindowTask(task: WindowTask): Promise<void> {
    await this.db.insertInto('window_tasks').values(taskToRow(task)).execute();
  }

  async updateWindowTask(task: WindowTask): Promise<boolean> {
    const { window_task_id, ...rest } = taskToRow(task);
    const result = await this.db
      .updateTable('window_tasks')
      .set(rest)
      .where('window_task_id', '=', window_task_id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async getWindowTask(windowId: string, windowTaskId: string): Promise<WindowTask | undefined> {
    const row = await this.db
      .selectFrom('window_tasks')
      .selectAll()
      .where('window_id', '=', windowId)
      .where('window_task_id', '=', windowTaskId)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToTask(row);
  }

  async deleteWindowTask(windowId: string, windowTaskId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('window_tasks')
      .where('window_id', '=', windowId)
      .where('window_task_id', '=', windowTaskId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async listWindowTasks(query: WindowTaskQuery): Promise<Page<WindowTask>> {
    let select = this.db.selectFrom('window_tasks').selectAll().where('window_id', '=', query.windowId);
    if (query.windowTaskIds !== undefined) {
      select = select.where('window_task_id', 'in', query.windowTaskIds);
    }
    if (query.taskArns !== undefined) {
      select = select.where('task_arn', 'in', query.taskArns);
    }
    if (query.priorities !== undefined) {
      select = select.where('priority', 'in', query.priorities);
    }
    if (query.taskTypes !== undefined) {
      select = select.where('task_type', 'in', query.taskTypes);
    }
    if (query.after !== undefined) {
      const after = query.after;
      select = select.where((eb) => afterCursor(eb, 'created_at', 'window_task_id', after, 'asc'));
    }
    const rows = await select.orderBy('created_at').orderBy('window_task_id').limit(pageLimit(query.limit)).execute();
    return toPage(rows, query.limit, rowToTask, (row) => [Number(row.created_at), row.window_task_id]);
  }

  async listAllWindowTasks(windowId: string): Promise<WindowTask[]> {
    const rows = await this.db
      .selectFrom('window_tasks')
      .selectAll()
      .where('window_id', '=', windowId)
      .orderBy('created_at')
      .orderBy('window_task_id')
      .execute();
    return rows.map(rowToTask);
  }

  async listTasksWithInstanceTargets(): Promise<WindowTask[]> {
    const rows = await this.db.selectFrom('window_tasks').selectAll().where('has_instance_targets', '=', 1).execute();
    return rows.map(rowToTask);
  }

  async countWindowTasks(windowId: string): Promise<number> {
    const row = await this.db
      .selectFrom('window_tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('window_id', '=', windowId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // History

  async insertWindowExecution(execution: WindowExecution): Promise<boolean> {
    const result = await this.db
      .insertInto('window_executions')
      .values(windowExecutionToRow(execution))
      .onConflict((oc) => oc.columns(['window_id', 'scheduled_at']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async updateWindowExecution(change: WindowExecutionChange): Promise<void> {
    const set = {
      ...(change.status === undefined ? {} : { status: change.status }),
      ...(change.statusDetails === undefined ? {} : { status_details: change.statusDetails }),
      ...(change.startedAt === undefined ? {} : { started_at: change.startedAt }),
      ...(change.endedAt === undefined ? {} : { ended_at: change.endedAt }),
      ...(change.cancelRequested === undefined ? {} : { cancel_requested: change.cancelRequested ? 1 : 0 }),
      ...(change.plan === undefined ? {} : { plan: JSON.stringify(change.plan) }),
    };
    if (Object.keys(set).length > 0) {
      await this.db
        .updateTable('window_executions')
        .set(set)
        .where('window_execution_id', '=', change.windowExecutionId)
        .execute();
    }
  }

  async listUnfinishedWindowExecutions(): Promise<WindowExecution[]> {
    const rows = await this.db
      .selectFrom('window_executions')
      .selectAll()
      .where('status', 'in', ['PENDING', 'IN_PROGRESS', 'CANCELLING'])
      .orderBy('scheduled_at')
      .orderBy('window_execution_id')
      .execute();
    return rows.map(rowToWindowExecution);
  }

  async lastDueTimes(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('window_executions')
      .select((eb) => ['window_id', eb.fn.max('scheduled_at').as('last')])
      .groupBy('window_id')
      .execute();
    return new Map(rows.map((row) => [row.window_id, Number(row.last)]));
  }

  async getWindowExecution(windowExecutionId: string): Promise<WindowExecution | undefined> {
    const row = await this.db
      .selectFrom('window_executions')
      .selectAll()
      .where('window_execution_id', '=', windowExecutionId)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToWindowExecution(row);
  }

  async listWindowExecutions(query: WindowExecutionQuery): Promise<Page<WindowExecution>> {
    let select = this.db.selectFrom('window_executions').selectAll().where('window_id', '=', query.windowId);
    if (query.startedAtOrBefore !== undefined) {
      select = select.where('started_at', '<=', query.startedAtOrBefore);
    }
    if (query.startedAtOrAfter !== undefined) {
      select = select.where('started_at', '>=', query.startedAtOrAfter);
    }
    if (query.after !== undefined) {
      const after = query.after;
      select = select.where((eb) => afterCursor(eb, 'started_at', 'window_execution_id', after, 'desc'));
    }
    const rows = await select
      .orderBy('started_at', 'desc')
      .orderBy('window_execution_id', 'desc')
      .limit(pageLimit(query.limit))
      .execute();
    return toPage(rows, query.limit, rowToWindowExecution, (row) => [Number(row.started_at), row.window_execution_id]);
  }

  async insertTaskExecution(execution: TaskExecution): Promise<void> {
    await this.db.insertInto('task_executions').values(taskExecutionToRow(execution)).execute();
  }

  async updateTaskExecution(change: TaskExecutionChange): Promise<void> {
    const set = {
      ...(change.status === undefined ? {} : { status: change.status }),
      ...(change.statusDetails === undefined ? {} : { status_details: change.statusDetails }),
      ...(change.endedAt === undefined ? {} : { ended_at: change.endedAt }),
      ...(change.endedInsideWindow === undefined ? {} : { ended_inside_window: change.endedInsideWindow ? 1 : 0 }),
      ...(change.taskParameters === undefined ? {} : { task_parameters: JSON.stringify(change.taskParameters) }),
      ...(change.runTargets === undefined ? {} : { run_targets: JSON.stringify(change.runTargets) }),
    };
    if (Object.keys(set).length > 0) {
      await this.db
        .updateTable('task_executions')
        .set(set)
        .where('task_execution_id', '=', change.taskExecutionId)
        .execute();
    }
  }

  async listAllTaskExecutions(windowExecutionId: string): Promise<TaskExecution[]> {
    const rows = await this.db
      .selectFrom('task_executions')
      .selectAll()
      .where('window_execution_id', '=', windowExecutionId)
      .orderBy('started_at')
      .orderBy('task_execution_id')
      .execute();
    return rows.map(rowToTaskExecution);
  }

  async getTaskExecution(windowExecutionId: string, taskExecutionId: string): Promise<TaskExecution | undefined> {
    const row = await this.db
      .selectFrom('task_executions')
      .selectAll()
      .where('window_execution_id', '=', windowExecutionId)
      .where('task_execution_id', '=', taskExecutionId)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToTaskExecution(row);
  }

  async listTaskExecutions(query: TaskExecutionQuery): Promise<Page<TaskExecution>> {
    let select = this.db
      .selectFrom('task_executions')
      .selectAll()
      .where('window_execution_id', '=', query.windowExecutionId);
    if (query.statuses !== undefined) {
      select = select.where('status', 'in', query.statuses);
    }
    if (query.after !== undefined) {
      const after = query.after;
      select = select.where((eb) => afterCursor(eb, 'started_at', 'task_execution_id', after, 'asc'));
    }
    const rows = await select
      .orderBy('started_at')
      .orderBy('task_execution_id')
      .limit(pageLimit(query.limit))
      .execute();
    return toPage(rows, query.limit, rowToTaskExecution, (row) => [Number(row.started_at), row.task_execution_id]);
  }

  async listTaskExecutionIds(windowExecutionId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('task_executions')
      .select('task_execution_id')
      .where('window_execution_id', '=', windowExecutionId)
      .orderBy('started_at')
      .orderBy('task_execution_id')
      .execute();
    return rows.map((row) => row.task_execution_id);
  }

  async insertTaskInvocation(invocation: TaskInvocation): Promise<void> {
    await this.db.insertInto('task_invocations').values(taskInvocationToRow(invocation)).execute();
  }

  async updateTaskInvocation(change: TaskInvocationChange): Promise<void> {
    await this.db
      .updateTable('task_invocations')
      .set({
        status: change.status,
        ...(change.statusDetails === undefined ? {} : { status_details: change.statusDetails }),
        ...(change.endedAt === undefined ? {} : { ended_at: change.endedAt }),
      })
      .where('invocation_id', '=', change.invocationId)
      .execute();
  }

  async listAllTaskInvocations(taskExecutionId: string): Promise<TaskInvocation[]> {
    const rows = await this.db
      .selectFrom('task_invocations')
      .selectAll()
      .where('task_execution_id', '=', taskExecutionId)
      .orderBy('started_at')
      .orderBy('invocation_id')
      .execute();
    return rows.map(rowToTaskInvocation);
  }

  async getTaskInvocation(
    windowExecutionId: string,
    taskExecutionId: string,
    invocationId: string,
  ): Promise<TaskInvocation | undefined> {
    const row = await this.db
      .selectFrom('task_invocations')
      .selectAll()
      .where('window_execution_id', '=', windowExecutionId)
      .where('task_execution_id', '=', taskExecutionId)
      .where('invocation_id', '=', invocationId)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToTaskInvocation(row);
  }

  async listTaskInvocations(query: TaskInvocationQuery): Promise<Page<TaskInvocation>> {
    let select = this.db
      .selectFrom('task_invocations')
      .selectAll()
      .where('window_execution_id', '=', query.windowExecutionId)
      .where('task_execution_id', '=', query.taskExecutionId);
    if (query.statuses !== undefined) {
      select = select.where('status', 'in', query.statuses);
    }
    if (query.after !== undefined) {
      const after = query.after;
      select = select.where((eb) => afterCursor(eb, 'started_at', 'invocation_id', after, 'asc'));
    }
    const rows = await select.orderBy('started_at').orderBy('invocation_id').limit(pageLimit(query.limit)).execute();
    return toPage(rows, query.limit, rowToTaskInvocation, (row) => [Number(row.started_at), row.invocation_id]);
  }

  // Tags

  async getTags(resourceType: TaggableResourceType, resourceId: string): Promise<Tag[]> {
    const rows = await this.db
      .selectFrom('tags')
      .select(['tag_key', 'tag_value'])
      .where('resource_type', '=', resourceType)
      .where('resource_id', '=', resourceId)
      .orderBy('tag_key')
      .execute();
    return rows.map((row) => ({ Key: row.tag_key, Value: row.tag_value }));
  }

  async replaceTags(resourceType: TaggableResourceType, resourceId: string, tags: readonly Tag[]): Promise<void> {
    await this.transaction(async (store) => {
      const db = (store as KyselyStore).db;
      await db
        .deleteFrom('tags')
        .where('resource_type', '=', resourceType)
        .where('resource_id', '=', resourceId)
        .execute();
      if (tags.length > 0) {
        await db
          .insertInto('tags')
          .values(
            tags.map((tag) => ({
              resource_type: resourceType,
              resource_id: resourceId,
              tag_key: tag.Key,
              tag_value: tag.Value,
            })),
          )
          .execute();
      }
    });
  }

  // Idempotency

  async getIdempotencyRecord(scope: string, token: string): Promise<IdempotencyRecord | undefined> {
    const row = await this.db
      .selectFrom('idempotency_records')
      .selectAll()
      .where('scope', '=', scope)
      .where('token', '=', token)
      .executeTakeFirst();
    return row === undefined
      ? undefined
      : {
          scope: row.scope,
          token: row.token,
          requestHash: row.request_hash,
          response: row.response,
          createdAt: Number(row.created_at),
        };
  }

  async putIdempotencyRecord(record: IdempotencyRecord): Promise<void> {
    await this.db
      .insertInto('idempotency_records')
      .values({
        scope: record.scope,
        token: record.token,
        request_hash: record.requestHash,
        response: record.response,
        created_at: record.createdAt,
      })
      .execute();
  }

  async pruneIdempotencyRecords(before: number): Promise<number> {
    const result = await this.db.deleteFrom('idempotency_records').where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  // Access keys

  async insertAccessKey(key: StoredAccessKey): Promise<void> {
    await this.db.insertInto('access_keys').values(accessKeyToRow(key)).execute();
  }

  async upsertAccessKey(key: StoredAccessKey): Promise<void> {
    const row = accessKeyToRow(key);
    const { access_key_id: _id, ...rest } = row;
    await this.db
      .insertInto('access_keys')
      .values(row)
      .onConflict((oc) => oc.column('access_key_id').doUpdateSet(rest))
      .execute();
  }

  async deleteAccessKey(accessKeyId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('access_keys').where('access_key_id', '=', accessKeyId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async listAccessKeys(): Promise<StoredAccessKey[]> {
    const rows = await this.db
      .selectFrom('access_keys')
      .selectAll()
      .orderBy('created_at')
      .orderBy('access_key_id')
      .execute();
    return rows.map(rowToAccessKey);
  }

  // Settings

  async getSetting(name: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirst();
    return row?.value;
  }

  async putSettingIfAbsent(name: string, value: string): Promise<string> {
    await this.db
      .insertInto('settings')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    return (await this.getSetting(name))!;
  }

  async putSetting(name: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
      .execute();
  }

  // Audit log (queries in audit-queries.ts)

  async appendAudit(entry: AuditEntry): Promise<void> {
    await audit.appendAudit(this.db, entry);
  }

  async listAudit(query: AuditQuery): Promise<Page<AuditEntry>> {
    return audit.listAudit(this.db, query);
  }

  async pruneAudit(before: number): Promise<number> {
    return audit.pruneAudit(this.db, before);
  }

  // Activations and managed nodes

  async insertActivation(activation: Activation): Promise<void> {
    await this.db.insertInto('activations').values(activationToRow(activation)).execute();
  }

  async getActivation(activationId: string): Promise<Activation | undefined> {
    const row = await this.db
      .selectFrom('activations')
      .selectAll()
      .where('activation_id', '=', activationId)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToActivation(row);
  }

  async listActivations(query: ActivationQuery): Promise<Page<Activation>> {
    let select = this.db.selectFrom('activations').selectAll().where('deleted', '=', 0);
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

  async deleteActivation(activationId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('activations')
      .set({ deleted: 1 })
      .where('activation_id', '=', activationId)
      .where('deleted', '=', 0)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async registerManagedNode(node: ManagedNode, tags: ReadonlyMap<string, string>): Promise<void> {
    await this.transaction(async (store) => {
      const db = (store as KyselyStore).db;
      await db
        .updateTable('activations')
        .set((eb) => ({ registrations_count: eb('registrations_count', '+', 1) }))
        .where('activation_id', '=', node.activationId)
        .execute();
      await db.insertInto('managed_nodes').values(managedNodeToRow(node)).execute();
      if (tags.size > 0) {
        await store.replaceTags(
          'ManagedInstance',
          node.instanceId,
          [...tags].map(([Key, Value]) => ({ Key, Value })),
        );
      }
    });
  }

  async getManagedNode(instanceId: string): Promise<ManagedNode | undefined> {
    const row = await this.db
      .selectFrom('managed_nodes')
      .selectAll()
      .where('instance_id', '=', instanceId)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToManagedNode(row);
  }

  async listActiveNodes(): Promise<NodeWithTags[]> {
    const rows = await this.db
      .selectFrom('managed_nodes')
      .selectAll()
      .where('deregistered_at', 'is', null)
      .orderBy('instance_id')
      .execute();
    const tagRows = await this.db
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

  async updateNodeFacts(instanceId: string, facts: NodeFacts, pingAt: number): Promise<void> {
    await this.db
      .updateTable('managed_nodes')
      .set({ facts: JSON.stringify(facts), last_ping_at: pingAt })
      .where('instance_id', '=', instanceId)
      .execute();
  }

  async recordNodePings(pings: readonly { readonly instanceId: string; readonly at: number }[]): Promise<void> {
    if (pings.length === 0) {
      return;
    }
    await this.transaction(async (store) => {
      const db = (store as KyselyStore).db;
      for (const ping of pings) {
        await db
          .updateTable('managed_nodes')
          .set({ last_ping_at: ping.at })
          .where('instance_id', '=', ping.instanceId)
          .execute();
      }
    });
  }

  async deregisterManagedNode(instanceId: string, at: number): Promise<boolean> {
    return this.transaction(async (store) => {
      const db = (store as KyselyStore).db;
      const result = await db
        .updateTable('managed_nodes')
        .set({ deregistered_at: at })
        .where('instance_id', '=', instanceId)
        .where('deregistered_at', 'is', null)
        .executeTakeFirst();
      await store.replaceTags('ManagedInstance', instanceId, []);
      return Number(result.numUpdatedRows) > 0;
    });
  }

  // Resource groups

  async putResourceGroup(group: ResourceGroup): Promise<void> {
    const row = resourceGroupToRow(group);
    const { name: _name, ...rest } = row;
    await this.db
      .insertInto('resource_groups')
      .values(row)
      .onConflict((oc) => oc.column('name').doUpdateSet(rest))
      .execute();
  }

  async getResourceGroup(name: string): Promise<ResourceGroup | undefined> {
    const row = await this.db.selectFrom('resource_groups').selectAll().where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : rowToResourceGroup(row);
  }

  async listResourceGroups(): Promise<ResourceGroup[]> {
    const rows = await this.db.selectFrom('resource_groups').selectAll().orderBy('name').execute();
    return rows.map(rowToResourceGroup);
  }

  async deleteResourceGroup(name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('resource_groups').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  // Documents (queries in document-queries.ts)

  async insertDocument(document: StoredDocument, version: StoredDocumentVersion, tags: readonly Tag[]): Promise<void> {
    await this.transaction((store) => documents.insertDocument((store as KyselyStore).db, document, version, tags));
  }

  async getDocument(name: string): Promise<StoredDocument | undefined> {
    return documents.getDocument(this.db, name);
  }

  async countDocuments(): Promise<number> {
    return documents.countDocuments(this.db);
  }

  async listDocuments(query: DocumentQuery): Promise<Page<DocumentListing>> {
    return documents.listDocuments(this.db, query);
  }

  async insertDocumentVersion(version: StoredDocumentVersion): Promise<void> {
    await this.transaction((store) => documents.insertDocumentVersion((store as KyselyStore).db, version));
  }

  async getDocumentVersion(name: string, documentVersion: number): Promise<StoredDocumentVersion | undefined> {
    return documents.getDocumentVersion(this.db, name, documentVersion);
  }

  async findDocumentVersionByName(name: string, versionName: string): Promise<StoredDocumentVersion | undefined> {
    return documents.findDocumentVersionByName(this.db, name, versionName);
  }

  async findDocumentVersionByHash(name: string, hash: string): Promise<number | undefined> {
    return documents.findDocumentVersionByHash(this.db, name, hash);
  }

  async countDocumentVersions(name: string): Promise<number> {
    return documents.countDocumentVersions(this.db, name);
  }

  async listDocumentVersions(name: string, page: PageRequest): Promise<Page<DocumentVersionSummary>> {
    return documents.listDocumentVersions(this.db, name, page);
  }

  async setDefaultDocumentVersion(name: string, documentVersion: number): Promise<boolean> {
    return documents.setDefaultDocumentVersion(this.db, name, documentVersion);
  }

  async deleteDocument(name: string): Promise<boolean> {
    return this.transaction((store) => documents.deleteDocument((store as KyselyStore).db, name));
  }

  async deleteDocumentVersion(name: string, documentVersion: number): Promise<boolean> {
    return this.transaction((store) =>
      documents.deleteDocumentVersion((store as KyselyStore).db, name, documentVersion),
    );
  }

  // Agent releases (queries in agent-release-queries.ts)

  async insertAgentRelease(release: AgentRelease, content: Uint8Array): Promise<boolean> {
    return agentReleases.insertAgentRelease(this.db, release, content);
  }

  async getAgentRelease(version: string): Promise<AgentRelease | undefined> {
    return agentReleases.getAgentRelease(this.db, version);
  }

  async listAgentReleases(): Promise<AgentRelease[]> {
    return agentReleases.listAgentReleases(this.db);
  }

  async readAgentReleaseContent(version: string): Promise<Uint8Array | undefined> {
    return agentReleases.readAgentReleaseContent(this.db, version);
  }

  // Packages and inventory (queries in package-queries.ts)

  async insertPackageVersion(version: PackageVersion, chunks: readonly Uint8Array[]): Promise<void> {
    await this.transaction((store) => packages.insertPackageVersion((store as KyselyStore).db, version, chunks));
  }

  async getPackageVersion(name: string, version: string): Promise<PackageVersion | undefined> {
    return packages.getPackageVersion(this.db, name, version);
  }

  async listPackageVersions(name?: string): Promise<PackageVersion[]> {
    return packages.listPackageVersions(this.db, name);
  }

  async readPackageChunk(name: string, version: string, index: number): Promise<Uint8Array | undefined> {
    return packages.readPackageChunk(this.db, name, version, index);
  }

  async deletePackageVersion(name: string, version: string): Promise<boolean> {
    return this.transaction((store) => packages.deletePackageVersion((store as KyselyStore).db, name, version));
  }

  async putApplicationInventory(instanceId: string, inventory: ApplicationInventory): Promise<void> {
    await packages.putApplicationInventory(this.db, instanceId, inventory);
  }

  async getApplicationInventory(instanceId: string): Promise<ApplicationInventory | undefined> {
    return packages.getApplicationInventory(this.db, instanceId);
  }

  // Run Command

  async insertCommand(command: Command, invocations: readonly CommandInvocation[]): Promise<void> {
    await this.transaction(async (store) => {
      const db = (store as KyselyStore).db;
      await db.insertInto('commands').values(commandToRow(command)).execute();
      // Chunks keep each statement under the backends' bound-parameter limits.
      for (let start = 0; start < invocations.length; start += INSERT_CHUNK_ROWS) {
        await db
          .insertInto('command_invocations')
          .values(
            invocations
              .slice(start, start + INSERT_CHUNK_ROWS)
              .map((invocation) => invocationToRow(invocation, command.documentName)),
          )
          .execute();
      }
    });
  }

  async getCommand(commandId: string): Promise<Command | undefined> {
    const row = await this.db.selectFrom('commands').selectAll().where('command_id', '=', commandId).executeTakeFirst();
    return row === undefined ? undefined : rowToCommand(row);
  }

  async listCommands(query: CommandQuery): Promise<Page<Command>> {
    let select = this.db.selectFrom('commands').selectAll();
    if (query.commandId !== undefined) {
      select = select.where('command_id', '=', query.commandId);
    }
    if (query.instanceId !== undefined) {
      const instanceId = query.instanceId;
      select = select.where((eb) =>
        eb.exists(
          eb
            .selectFrom('command_invocations')
            .select('command_invocations.command_id')
            .whereRef('command_invocations.command_id', '=', 'commands.command_id')
            .where('command_invocations.instance_id', '=', instanceId),
        ),
      );
    }
    if (query.requestedAtOrAfter !== undefined) {
      select = select.where('requested_at', '>=', query.requestedAtOrAfter);
    }
    if (query.requestedAtOrBefore !== undefined) {
      select = select.where('requested_at', '<=', query.requestedAtOrBefore);
    }
    if (query.statuses !== undefined) {
      const statuses = emptySafe(query.statuses);
      select = select.where((eb) => eb.or([eb('status', 'in', statuses), eb('status_details', 'in', statuses)]));
    }
    if (query.stage !== undefined) {
      select = select.where('status', query.stage === 'Executing' ? 'in' : 'not in', UNFINISHED_COMMAND_STATUSES);
    }
    if (query.documentName !== undefined) {
      select = select.where('document_name', '=', query.documentName);
    }
    if (query.after !== undefined) {
      const after = query.after;
      select = select.where((eb) => afterCursor(eb, 'requested_at', 'command_id', after, 'desc'));
    }
    const rows = await select
      .orderBy('requested_at', 'desc')
      .orderBy('command_id', 'desc')
      .limit(pageLimit(query.limit))
      .execute();
    return toPage(rows, query.limit, rowToCommand, (row) => [Number(row.requested_at), row.command_id]);
  }

  async listUnfinishedCommands(): Promise<Command[]> {
    const rows = await this.db
      .selectFrom('commands')
      .selectAll()
      .where('status', 'in', UNFINISHED_COMMAND_STATUSES)
      .orderBy('requested_at')
      .execute();
    return rows.map(rowToCommand);
  }

  async updateCommandProgress(changes: readonly CommandProgressChange[]): Promise<void> {
    if (changes.length === 0) {
      return;
    }
    await this.transaction(async (store) => {
      const db = (store as KyselyStore).db;
      for (const change of changes) {
        await db
          .updateTable('commands')
          .set({
            status: change.status,
            status_details: change.statusDetails,
            completed_count: change.completedCount,
            error_count: change.errorCount,
            delivery_timed_out_count: change.deliveryTimedOutCount,
            cancel_requested: change.cancelRequested ? 1 : 0,
          })
          .where('command_id', '=', change.commandId)
          .execute();
      }
    });
  }

  async requestCommandCancel(commandId: string): Promise<void> {
    await this.db.updateTable('commands').set({ cancel_requested: 1 }).where('command_id', '=', commandId).execute();
  }

  async getInvocation(commandId: string, instanceId: string): Promise<CommandInvocation | undefined> {
    const row = await this.db
      .selectFrom('command_invocations')
      .selectAll()
      .where('command_id', '=', commandId)
      .where('instance_id', '=', instanceId)
      .executeTakeFirst();
    return row === undefined ? undefined : rowToInvocation(row);
  }

  async listInvocations(query: InvocationQuery): Promise<Page<CommandInvocation>> {
    let select = this.db.selectFrom('command_invocations').selectAll();
    if (query.commandId !== undefined) {
      select = select.where('command_id', '=', query.commandId);
    }
    if (query.instanceId !== undefined) {
      select = select.where('instance_id', '=', query.instanceId);
    }
    if (query.requestedAtOrAfter !== undefined) {
      select = select.where('requested_at', '>=', query.requestedAtOrAfter);
    }
    if (query.requestedAtOrBefore !== undefined) {
      select = select.where('requested_at', '<=', query.requestedAtOrBefore);
    }
    if (query.statusDetails !== undefined) {
      select = select.where('status_details', 'in', emptySafe(query.statusDetails));
    }
    if (query.documentName !== undefined) {
      select = select.where('document_name', '=', query.documentName);
    }
    if (query.after !== undefined) {
      const [requestedAt, commandId, instanceId] = query.after;
      select = select.where((eb) =>
        eb.or([
          eb('requested_at', '<', requestedAt as number),
          eb.and([
            eb('requested_at', '=', requestedAt as number),
            eb.or([
              eb('command_id', '<', commandId as string),
              eb.and([eb('command_id', '=', commandId as string), eb('instance_id', '>', instanceId as string)]),
            ]),
          ]),
        ]),
      );
    }
    const rows = await select
      .orderBy('requested_at', 'desc')
      .orderBy('command_id', 'desc')
      .orderBy('instance_id')
      .limit(pageLimit(query.limit))
      .execute();
    return toPage(rows, query.limit, rowToInvocation, (row) => [
      Number(row.requested_at),
      row.command_id,
      row.instance_id,
    ]);
  }

  async listInvocationsOfCommand(commandId: string): Promise<CommandInvocation[]> {
    const rows = await this.db
      .selectFrom('command_invocations')
      .selectAll()
      .where('command_id', '=', commandId)
      .orderBy('instance_id')
      .execute();
    return rows.map(rowToInvocation);
  }

  async applyInvocationChanges(changes: readonly InvocationChange[]): Promise<void> {
    if (changes.length === 0) {
      return;
    }
    await this.transaction(async (store) => {
      const db = (store as KyselyStore).db;
      // Thousands of changes of a few shapes arrive at once (a fan-out): each shape is compiled
      // once and run with each change's values.
      const updates = new CompiledOnce();
      const outputs = new CompiledOnce();
      for (const change of changes) {
        const set = {
          ...(change.statusDetails === undefined ? {} : { status_details: change.statusDetails }),
          ...(change.dispatchedAt === undefined ? {} : { dispatched_at: change.dispatchedAt }),
          ...(change.deliveredAt === undefined ? {} : { delivered_at: change.deliveredAt }),
          ...(change.endedAt === undefined ? {} : { ended_at: change.endedAt }),
          ...(change.plugins === undefined ? {} : { plugins: JSON.stringify(change.plugins) }),
        };
        const columns = Object.keys(set);
        if (columns.length > 0) {
          await updates.run(db, columns.join(','), [...Object.values(set), change.commandId, change.instanceId], () =>
            db
              .updateTable('command_invocations')
              .set(set)
              .where('command_id', '=', change.commandId)
              .where('instance_id', '=', change.instanceId)
              .compile(),
          );
        }
        for (const output of change.outputs ?? []) {
          const row = {
            command_id: change.commandId,
            instance_id: change.instanceId,
            plugin_name: output.pluginName,
            stdout: output.stdout,
            stderr: output.stderr,
          };
          await outputs.run(db, 'output', [...Object.values(row), row.stdout, row.stderr], () =>
            db
              .insertInto('invocation_outputs')
              .values(row)
              .onConflict((oc) =>
                oc.columns(['command_id', 'instance_id', 'plugin_name']).doUpdateSet({
                  stdout: row.stdout,
                  stderr: row.stderr,
                }),
              )
              .compile(),
          );
        }
      }
    });
  }

  async getInvocationOutput(
    commandId: string,
    instanceId: string,
    pluginName: string,
  ): Promise<PluginOutput | undefined> {
    const row = await this.db
      .selectFrom('invocation_outputs')
      .selectAll()
      .where('command_id', '=', commandId)
      .where('instance_id', '=', instanceId)
      .where('plugin_name', '=', pluginName)
      .executeTakeFirst();
    return row === undefined ? undefined : { pluginName: row.plugin_name, stdout: row.stdout, stderr: row.stderr };
  }

  async pruneHistory(before: number): Promise<{ readonly windowExecutions: number; readonly commands: number }> {
    return this.transaction(async (store) => {
      const db = (store as KyselyStore).db;
      const oldExecutions = db
        .selectFrom('window_executions')
        .select('window_execution_id')
        .where('ended_at', '<', before);
      await db.deleteFrom('task_invocations').where('window_execution_id', 'in', oldExecutions).execute();
      await db.deleteFrom('task_executions').where('window_execution_id', 'in', oldExecutions).execute();
      const executions = await db.deleteFrom('window_executions').where('ended_at', '<', before).executeTakeFirst();
      const oldCommands = db
        .selectFrom('commands')
        .select('command_id')
        .where('requested_at', '<', before)
        .where('status', 'in', ['Success', 'Cancelled', 'Failed', 'TimedOut']);
      await db.deleteFrom('invocation_outputs').where('command_id', 'in', oldCommands).execute();
      await db.deleteFrom('command_invocations').where('command_id', 'in', oldCommands).execute();
      const commands = await db
        .deleteFrom('commands')
        .where('requested_at', '<', before)
        .where('status', 'in', ['Success', 'Cancelled', 'Failed', 'TimedOut'])
        .executeTakeFirst();
      return { windowExecutions: Number(executions.numDeletedRows), commands: Number(commands.numDeletedRows) };
    });
  }

  async maintain(idempotencyBefore: number): Promise<void> {
    await this.pruneIdempotencyRecords(idempotencyBefore);
    if (!this.db.isTransaction) {
      await this.hooks.optimize(this.db as Kysely<Database>);
    }
  }

  async close(): Promise<void> {
    await this.hooks.close();
  }
}
