/**
 * The maintenance-window queries of the Kysely store (`windows`, and deleting a window's
 * targets, tasks and tags with it). Dialect-neutral. `deleteWindow` changes several tables:
 * `KyselyStore` runs it in a transaction.
 */
import { sql } from 'kysely';
import type { MaintenanceWindow } from '../../domain/maintenance-window.js';
import type { Page, WindowQuery } from '../store.js';
import { afterCursor, pageLimit, prefixUpperBound, toPage, type Db } from './query-kit.js';
import { rowToWindow, windowToRow } from './rows.js';

/** Below this many matches a name prefix is answered from the name index. */
const NARROW_PREFIX_MATCHES = 200;

export async function insertWindow(db: Db, window: MaintenanceWindow): Promise<void> {
  await db.insertInto('windows').values(windowToRow(window)).execute();
}

export async function updateWindow(db: Db, window: MaintenanceWindow): Promise<boolean> {
  const { window_id, ...rest } = windowToRow(window);
  const result = await db.updateTable('windows').set(rest).where('window_id', '=', window_id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function getWindow(db: Db, windowId: string): Promise<MaintenanceWindow | undefined> {
  const row = await db.selectFrom('windows').selectAll().where('window_id', '=', windowId).executeTakeFirst();
  return row === undefined ? undefined : rowToWindow(row);
}

export async function deleteWindow(db: Db, windowId: string): Promise<boolean> {
  const result = await db.deleteFrom('windows').where('window_id', '=', windowId).executeTakeFirst();
  await db.deleteFrom('window_targets').where('window_id', '=', windowId).execute();
  await db.deleteFrom('window_tasks').where('window_id', '=', windowId).execute();
  await db
    .deleteFrom('tags')
    .where('resource_type', '=', 'MaintenanceWindow')
    .where('resource_id', '=', windowId)
    .execute();
  return Number(result.numDeletedRows) > 0;
}

export async function listWindows(db: Db, query: WindowQuery): Promise<Page<MaintenanceWindow>> {
  let select = db.selectFrom('windows').selectAll();
  if (query.namePrefixes !== undefined) {
    if (query.namePrefixes.length === 0) {
      return { items: [] };
    }
    const prefixes = query.namePrefixes;
    // Two ways to answer, and the planner cannot tell which is faster because the page is
    // small: for a narrow prefix, a range on the name index finds the few matches at once;
    // for a broad one, walking the creation index and stopping after one page is faster
    // than sorting every match. Count the matches (up to a bound, on the index) to choose.
    const narrow = (await countNamesWithPrefixes(db, prefixes, NARROW_PREFIX_MATCHES)) < NARROW_PREFIX_MATCHES;
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
async function countNamesWithPrefixes(db: Db, prefixes: readonly string[], bound: number): Promise<number> {
  let total = 0;
  for (const prefix of prefixes) {
    const upper = prefixUpperBound(prefix);
    if (upper === undefined) {
      return bound;
    }
    const row = await db
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

export async function listAllWindows(db: Db): Promise<MaintenanceWindow[]> {
  const rows = await db.selectFrom('windows').selectAll().orderBy('window_id').execute();
  return rows.map(rowToWindow);
}

export async function countWindows(db: Db): Promise<number> {
  const row = await db
    .selectFrom('windows')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
