/**
 * The window history queries (`window_executions`, `task_executions`, `task_invocations`).
 * Dialect-neutral. A window execution is unique per (window, due time): the insert that would
 * double a start does nothing instead, which is what makes a due time fire once.
 */
import type { TaskExecution, TaskInvocation, WindowExecution } from '../../domain/window-execution.js';
import type {
  Page,
  TaskExecutionChange,
  TaskExecutionQuery,
  TaskInvocationChange,
  TaskInvocationQuery,
  WindowExecutionChange,
  WindowExecutionQuery,
} from '../store.js';
import { afterCursor, emptySafe, pageLimit, toPage, type Db } from './query-kit.js';
import {
  rowToTaskExecution,
  rowToTaskInvocation,
  rowToWindowExecution,
  taskExecutionToRow,
  taskInvocationToRow,
  windowExecutionToRow,
} from './rows.js';

export async function insertWindowExecution(db: Db, execution: WindowExecution): Promise<boolean> {
  const result = await db
    .insertInto('window_executions')
    .values(windowExecutionToRow(execution))
    .onConflict((oc) => oc.columns(['window_id', 'scheduled_at']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function updateWindowExecution(db: Db, change: WindowExecutionChange): Promise<void> {
  const set = {
    ...(change.status === undefined ? {} : { status: change.status }),
    ...(change.statusDetails === undefined ? {} : { status_details: change.statusDetails }),
    ...(change.startedAt === undefined ? {} : { started_at: change.startedAt }),
    ...(change.endedAt === undefined ? {} : { ended_at: change.endedAt }),
    ...(change.cancelRequested === undefined ? {} : { cancel_requested: change.cancelRequested ? 1 : 0 }),
    ...(change.plan === undefined ? {} : { plan: JSON.stringify(change.plan) }),
  };
  if (Object.keys(set).length > 0) {
    await db
      .updateTable('window_executions')
      .set(set)
      .where('window_execution_id', '=', change.windowExecutionId)
      .execute();
  }
}

export async function listUnfinishedWindowExecutions(db: Db): Promise<WindowExecution[]> {
  const rows = await db
    .selectFrom('window_executions')
    .selectAll()
    .where('status', 'in', ['PENDING', 'IN_PROGRESS', 'CANCELLING'])
    .orderBy('scheduled_at')
    .orderBy('window_execution_id')
    .execute();
  return rows.map(rowToWindowExecution);
}

export async function lastDueTimes(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('window_executions')
    .select((eb) => ['window_id', eb.fn.max('scheduled_at').as('last')])
    .groupBy('window_id')
    .execute();
  return new Map(rows.map((row) => [row.window_id, Number(row.last)]));
}

export async function getWindowExecution(db: Db, windowExecutionId: string): Promise<WindowExecution | undefined> {
  const row = await db
    .selectFrom('window_executions')
    .selectAll()
    .where('window_execution_id', '=', windowExecutionId)
    .executeTakeFirst();
  return row === undefined ? undefined : rowToWindowExecution(row);
}

export async function listWindowExecutions(db: Db, query: WindowExecutionQuery): Promise<Page<WindowExecution>> {
  let select = db.selectFrom('window_executions').selectAll().where('window_id', '=', query.windowId);
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

export async function insertTaskExecution(db: Db, execution: TaskExecution): Promise<void> {
  await db.insertInto('task_executions').values(taskExecutionToRow(execution)).execute();
}

export async function updateTaskExecution(db: Db, change: TaskExecutionChange): Promise<void> {
  const set = {
    ...(change.status === undefined ? {} : { status: change.status }),
    ...(change.statusDetails === undefined ? {} : { status_details: change.statusDetails }),
    ...(change.endedAt === undefined ? {} : { ended_at: change.endedAt }),
    ...(change.endedInsideWindow === undefined ? {} : { ended_inside_window: change.endedInsideWindow ? 1 : 0 }),
    ...(change.taskParameters === undefined ? {} : { task_parameters: JSON.stringify(change.taskParameters) }),
    ...(change.runTargets === undefined ? {} : { run_targets: JSON.stringify(change.runTargets) }),
  };
  if (Object.keys(set).length > 0) {
    await db.updateTable('task_executions').set(set).where('task_execution_id', '=', change.taskExecutionId).execute();
  }
}

export async function listAllTaskExecutions(db: Db, windowExecutionId: string): Promise<TaskExecution[]> {
  const rows = await db
    .selectFrom('task_executions')
    .selectAll()
    .where('window_execution_id', '=', windowExecutionId)
    .orderBy('started_at')
    .orderBy('task_execution_id')
    .execute();
  return rows.map(rowToTaskExecution);
}

export async function getTaskExecution(
  db: Db,
  windowExecutionId: string,
  taskExecutionId: string,
): Promise<TaskExecution | undefined> {
  const row = await db
    .selectFrom('task_executions')
    .selectAll()
    .where('window_execution_id', '=', windowExecutionId)
    .where('task_execution_id', '=', taskExecutionId)
    .executeTakeFirst();
  return row === undefined ? undefined : rowToTaskExecution(row);
}

export async function listTaskExecutions(db: Db, query: TaskExecutionQuery): Promise<Page<TaskExecution>> {
  let select = db.selectFrom('task_executions').selectAll().where('window_execution_id', '=', query.windowExecutionId);
  if (query.statuses !== undefined) {
    select = select.where('status', 'in', emptySafe(query.statuses));
  }
  if (query.after !== undefined) {
    const after = query.after;
    select = select.where((eb) => afterCursor(eb, 'started_at', 'task_execution_id', after, 'asc'));
  }
  const rows = await select.orderBy('started_at').orderBy('task_execution_id').limit(pageLimit(query.limit)).execute();
  return toPage(rows, query.limit, rowToTaskExecution, (row) => [Number(row.started_at), row.task_execution_id]);
}

export async function listTaskExecutionIds(db: Db, windowExecutionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('task_executions')
    .select('task_execution_id')
    .where('window_execution_id', '=', windowExecutionId)
    .orderBy('started_at')
    .orderBy('task_execution_id')
    .execute();
  return rows.map((row) => row.task_execution_id);
}

export async function insertTaskInvocation(db: Db, invocation: TaskInvocation): Promise<void> {
  await db.insertInto('task_invocations').values(taskInvocationToRow(invocation)).execute();
}

export async function updateTaskInvocation(db: Db, change: TaskInvocationChange): Promise<void> {
  await db
    .updateTable('task_invocations')
    .set({
      status: change.status,
      ...(change.statusDetails === undefined ? {} : { status_details: change.statusDetails }),
      ...(change.endedAt === undefined ? {} : { ended_at: change.endedAt }),
    })
    .where('invocation_id', '=', change.invocationId)
    .execute();
}

export async function listAllTaskInvocations(db: Db, taskExecutionId: string): Promise<TaskInvocation[]> {
  const rows = await db
    .selectFrom('task_invocations')
    .selectAll()
    .where('task_execution_id', '=', taskExecutionId)
    .orderBy('started_at')
    .orderBy('invocation_id')
    .execute();
  return rows.map(rowToTaskInvocation);
}

export async function getTaskInvocation(
  db: Db,
  windowExecutionId: string,
  taskExecutionId: string,
  invocationId: string,
): Promise<TaskInvocation | undefined> {
  const row = await db
    .selectFrom('task_invocations')
    .selectAll()
    .where('window_execution_id', '=', windowExecutionId)
    .where('task_execution_id', '=', taskExecutionId)
    .where('invocation_id', '=', invocationId)
    .executeTakeFirst();
  return row === undefined ? undefined : rowToTaskInvocation(row);
}

export async function listTaskInvocations(db: Db, query: TaskInvocationQuery): Promise<Page<TaskInvocation>> {
  let select = db
    .selectFrom('task_invocations')
    .selectAll()
    .where('window_execution_id', '=', query.windowExecutionId)
    .where('task_execution_id', '=', query.taskExecutionId);
  if (query.statuses !== undefined) {
    select = select.where('status', 'in', emptySafe(query.statuses));
  }
  if (query.after !== undefined) {
    const after = query.after;
    select = select.where((eb) => afterCursor(eb, 'started_at', 'invocation_id', after, 'asc'));
  }
  const rows = await select.orderBy('started_at').orderBy('invocation_id').limit(pageLimit(query.limit)).execute();
  return toPage(rows, query.limit, rowToTaskInvocation, (row) => [Number(row.started_at), row.invocation_id]);
}

/** Forgets window executions that ended before `before`, with their tasks and invocations. @returns how many. */
export async function pruneWindowExecutions(db: Db, before: number): Promise<number> {
  const oldExecutions = db.selectFrom('window_executions').select('window_execution_id').where('ended_at', '<', before);
  await db.deleteFrom('task_invocations').where('window_execution_id', 'in', oldExecutions).execute();
  await db.deleteFrom('task_executions').where('window_execution_id', 'in', oldExecutions).execute();
  const executions = await db.deleteFrom('window_executions').where('ended_at', '<', before).executeTakeFirst();
  return Number(executions.numDeletedRows);
}
