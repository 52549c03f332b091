/**
 * What every area's queries share: the connection type, keyset pages, and a compiled-once
 * runner for statements of one shape run many times. Dialect-neutral.
 */
import { sql, type CompiledQuery, type ExpressionBuilder, type Kysely, type Transaction } from 'kysely';
import type { Cursor, Page } from '../store.js';
import type { Database } from './schema.js';

/** A connection or a transaction: the queries run the same on both. */
export type Db = Kysely<Database> | Transaction<Database>;

export type Direction = 'asc' | 'desc';

/** Rows per multi-row INSERT (SQLite allows 32,766 bound parameters; PostgreSQL 65,535). */
export const INSERT_CHUNK_ROWS = 500;

/**
 * Keyset condition "row comes after `cursor`" for a two-column sort key (time, id).
 * Written out rather than as a row-value comparison so that every dialect plans it the same.
 */
export function afterCursor<T extends keyof Database>(
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
export function pageLimit(limit: number) {
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
export class CompiledOnce {
  private readonly shapes = new Map<string, CompiledQuery | null>();

  async run(db: Db, shape: string, values: readonly unknown[], compile: () => CompiledQuery): Promise<void> {
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

/** An `in` list that matches nothing when empty (`IN ()` is not valid SQL everywhere). */
export function emptySafe<T>(values: readonly T[]): readonly T[] {
  return values.length === 0 ? ([null] as unknown as readonly T[]) : values;
}

/** The least string above every string starting with `prefix`, when simply computed. */
export function prefixUpperBound(prefix: string): string | undefined {
  const last = prefix.charCodeAt(prefix.length - 1);
  // Surrogates and U+FFFF cannot be incremented in place; the exact match alone serves there.
  return prefix === '' || last >= 0xd800 ? undefined : prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  map: (row: Row) => Item,
  key: (row: Row) => Cursor,
): Page<Item> {
  if (rows.length <= limit) {
    return { items: rows.map(map) };
  }
  const kept = rows.slice(0, limit);
  return { items: kept.map(map), next: key(kept[kept.length - 1]!) };
}
