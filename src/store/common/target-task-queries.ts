/**
 * The queries of a window's targets and tasks (`window_targets`, `window_tasks`). Dialect-neutral.
 */
import type { WindowTarget, WindowTask } from '../../domain/maintenance-window.js';
import type { Page, WindowTargetQuery, WindowTaskQuery } from '../store.js';
import { afterCursor, emptySafe, pageLimit, toPage, type Db } from './query-kit.js';
import { rowToTarget, rowToTask, targetToRow, taskToRow } from './rows.js';

export async function insertWindowTarget(db: Db, target: WindowTarget): Promise<void> {
  await db.insertInto('window_targets').values(targetToRow(target)).execute();
}

export async function updateWindowTarget(db: Db, target: WindowTarget): Promise<boolean> {
  const { window_target_id, ...rest } = targetToRow(target);
  const result = await db
    .updateTable('window_targets')
    .set(rest)
    .where('window_target_id', '=', window_target_id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function getWindowTarget(
  db: Db,
  windowId: string,
  windowTargetId: string,
): Promise<WindowTarget | undefined> {
  const row = await db
    .selectFrom('window_targets')
    .selectAll()
    .where('window_id', '=', windowId)
    .where('window_target_id', '=', windowTargetId)
    .executeTakeFirst();
  return row === undefined ? undefined : rowToTarget(row);
}

export async function deleteWindowTarget(db: Db, windowId: string, windowTargetId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('window_targets')
    .where('window_id', '=', windowId)
    .where('window_target_id', '=', windowTargetId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listWindowTargets(db: Db, query: WindowTargetQuery): Promise<Page<WindowTarget>> {
  let select = db.selectFrom('window_targets').selectAll().where('window_id', '=', query.windowId);
  if (query.resourceTypes !== undefined) {
    select = select.where('resource_type', 'in', emptySafe(query.resourceTypes));
  }
  if (query.windowTargetIds !== undefined) {
    select = select.where('window_target_id', 'in', emptySafe(query.windowTargetIds));
  }
  if (query.ownerInformation !== undefined) {
    select = select.where('owner_information', 'in', emptySafe(query.ownerInformation));
  }
  if (query.after !== undefined) {
    const after = query.after;
    select = select.where((eb) => afterCursor(eb, 'created_at', 'window_target_id', after, 'asc'));
  }
  const rows = await select.orderBy('created_at').orderBy('window_target_id').limit(pageLimit(query.limit)).execute();
  return toPage(rows, query.limit, rowToTarget, (row) => [Number(row.created_at), row.window_target_id]);
}

export async function listAllWindowTargets(db: Db): Promise<WindowTarget[]> {
  const rows = await db.selectFrom('window_targets').selectAll().orderBy('window_id').orderBy('created_at').execute();
  return rows.map(rowToTarget);
}

export async function countWindowTargets(db: Db, windowId: string): Promise<number> {
  const row = await db
    .selectFrom('window_targets')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('window_id', '=', windowId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertWindowTask(db: Db, task: WindowTask): Promise<void> {
  await db.insertInto('window_tasks').values(taskToRow(task)).execute();
}

export async function updateWindowTask(db: Db, task: WindowTask): Promise<boolean> {
  const { window_task_id, ...rest } = taskToRow(task);
  const result = await db
    .updateTable('window_tasks')
    .set(rest)
    .where('window_task_id', '=', window_task_id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function getWindowTask(db: Db, windowId: string, windowTaskId: string): Promise<WindowTask | undefined> {
  const row = await db
    .selectFrom('window_tasks')
    .selectAll()
    .where('window_id', '=', windowId)
    .where('window_task_id', '=', windowTaskId)
    .executeTakeFirst();
  return row === undefined ? undefined : rowToTask(row);
}

export async function deleteWindowTask(db: Db, windowId: string, windowTaskId: string): Promise<boolean> {
  const result = await db
    .deleteFrom('window_tasks')
    .where('window_id', '=', windowId)
    .where('window_task_id', '=', windowTaskId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listWindowTasks(db: Db, query: WindowTaskQuery): Promise<Page<WindowTask>> {
  let select = db.selectFrom('window_tasks').selectAll().where('window_id', '=', query.windowId);
  if (query.windowTaskIds !== undefined) {
    select = select.where('window_task_id', 'in', emptySafe(query.windowTaskIds));
  }
  if (query.taskArns !== undefined) {
    select = select.where('task_arn', 'in', emptySafe(query.taskArns));
  }
  if (query.priorities !== undefined) {
    select = select.where('priority', 'in', emptySafe(query.priorities));
  }
  if (query.taskTypes !== undefined) {
    select = select.where('task_type', 'in', emptySafe(query.taskTypes));
  }
  if (query.after !== undefined) {
    const after = query.after;
    select = select.where((eb) => afterCursor(eb, 'created_at', 'window_task_id', after, 'asc'));
  }
  const rows = await select.orderBy('created_at').orderBy('window_task_id').limit(pageLimit(query.limit)).execute();
  return toPage(rows, query.limit, rowToTask, (row) => [Number(row.created_at), row.window_task_id]);
}

export async function listAllWindowTasks(db: Db, windowId: string): Promise<WindowTask[]> {
  const rows = await db
    .selectFrom('window_tasks')
    .selectAll()
    .where('window_id', '=', windowId)
    .orderBy('created_at')
    .orderBy('window_task_id')
    .execute();
  return rows.map(rowToTask);
}

export async function listTasksWithInstanceTargets(db: Db): Promise<WindowTask[]> {
  const rows = await db.selectFrom('window_tasks').selectAll().where('has_instance_targets', '=', 1).execute();
  return rows.map(rowToTask);
}

export async function countWindowTasks(db: Db, windowId: string): Promise<number> {
  const row = await db
    .selectFrom('window_tasks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('window_id', '=', windowId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
