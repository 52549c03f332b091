/**
 * The Run Command queries (`commands`, `command_invocations`, `invocation_outputs`).
 * Dialect-neutral. `insertCommand`, `updateCommandProgress`, `applyInvocationChanges` and
 * `pruneCommands` change several rows: `KyselyStore` runs them in a transaction.
 */
import type { Command, CommandInvocation, PluginOutput } from '../../domain/command.js';
import type { CommandProgressChange, CommandQuery, InvocationChange, InvocationQuery, Page } from '../store.js';
import { afterCursor, CompiledOnce, emptySafe, INSERT_CHUNK_ROWS, pageLimit, toPage, type Db } from './query-kit.js';
import { commandToRow, invocationToRow, rowToCommand, rowToInvocation } from './rows.js';

/** Command statuses that are not final. */
const UNFINISHED_COMMAND_STATUSES = ['Pending', 'InProgress', 'Cancelling'];

/** Command statuses that are final. */
const FINISHED_COMMAND_STATUSES = ['Success', 'Cancelled', 'Failed', 'TimedOut'];

export async function insertCommand(
  db: Db,
  command: Command,
  invocations: readonly CommandInvocation[],
): Promise<void> {
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
}

export async function getCommand(db: Db, commandId: string): Promise<Command | undefined> {
  const row = await db.selectFrom('commands').selectAll().where('command_id', '=', commandId).executeTakeFirst();
  return row === undefined ? undefined : rowToCommand(row);
}

export async function listCommands(db: Db, query: CommandQuery): Promise<Page<Command>> {
  let select = db.selectFrom('commands').selectAll();
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

export async function listUnfinishedCommands(db: Db): Promise<Command[]> {
  const rows = await db
    .selectFrom('commands')
    .selectAll()
    .where('status', 'in', UNFINISHED_COMMAND_STATUSES)
    .orderBy('requested_at')
    .execute();
  return rows.map(rowToCommand);
}

export async function updateCommandProgress(db: Db, changes: readonly CommandProgressChange[]): Promise<void> {
  if (changes.length === 0) {
    return;
  }
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
}

export async function requestCommandCancel(db: Db, commandId: string): Promise<void> {
  await db.updateTable('commands').set({ cancel_requested: 1 }).where('command_id', '=', commandId).execute();
}

export async function getInvocation(
  db: Db,
  commandId: string,
  instanceId: string,
): Promise<CommandInvocation | undefined> {
  const row = await db
    .selectFrom('command_invocations')
    .selectAll()
    .where('command_id', '=', commandId)
    .where('instance_id', '=', instanceId)
    .executeTakeFirst();
  return row === undefined ? undefined : rowToInvocation(row);
}

export async function listInvocations(db: Db, query: InvocationQuery): Promise<Page<CommandInvocation>> {
  let select = db.selectFrom('command_invocations').selectAll();
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

export async function listInvocationsOfCommand(db: Db, commandId: string): Promise<CommandInvocation[]> {
  const rows = await db
    .selectFrom('command_invocations')
    .selectAll()
    .where('command_id', '=', commandId)
    .orderBy('instance_id')
    .execute();
  return rows.map(rowToInvocation);
}

export async function applyInvocationChanges(db: Db, changes: readonly InvocationChange[]): Promise<void> {
  if (changes.length === 0) {
    return;
  }
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
}

export async function getInvocationOutput(
  db: Db,
  commandId: string,
  instanceId: string,
  pluginName: string,
): Promise<PluginOutput | undefined> {
  const row = await db
    .selectFrom('invocation_outputs')
    .selectAll()
    .where('command_id', '=', commandId)
    .where('instance_id', '=', instanceId)
    .where('plugin_name', '=', pluginName)
    .executeTakeFirst();
  return row === undefined ? undefined : { pluginName: row.plugin_name, stdout: row.stdout, stderr: row.stderr };
}

/** Forgets finished commands requested before `before`, with their invocations and output. @returns how many. */
export async function pruneCommands(db: Db, before: number): Promise<number> {
  const oldCommands = db
    .selectFrom('commands')
    .select('command_id')
    .where('requested_at', '<', before)
    .where('status', 'in', FINISHED_COMMAND_STATUSES);
  await db.deleteFrom('invocation_outputs').where('command_id', 'in', oldCommands).execute();
  await db.deleteFrom('command_invocations').where('command_id', 'in', oldCommands).execute();
  const commands = await db
    .deleteFrom('commands')
    .where('requested_at', '<', before)
    .where('status', 'in', FINISHED_COMMAND_STATUSES)
    .executeTakeFirst();
  return Number(commands.numDeletedRows);
}
