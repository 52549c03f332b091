/**
 * The audit log queries of the Kysely store (`audit_log`). Dialect-neutral. Listings are keyset
 * paginated on (at, audit_id), newest first; every filter is served by an index ending in `at`
 * (migration 0007).
 */
import type { ExpressionBuilder } from 'kysely';
import type { AuditOutcome } from '../../shared/audit-recorder.js';
import type { AuditEntry, AuditQuery, Page } from '../store.js';
import type { Db } from './query-kit.js';
import type { AuditLogTable, Database } from './schema.js';

function rowToAuditEntry(row: AuditLogTable): AuditEntry {
  const entry: Record<string, unknown> = {
    auditId: row.audit_id,
    at: Number(row.at),
    accessKeyId: row.access_key_id ?? undefined,
    operation: row.operation,
    resourceId: row.resource_id ?? undefined,
    outcome: row.outcome as AuditOutcome,
    detail: row.detail ?? undefined,
    sourceIp: row.source_ip ?? undefined,
    target: row.target ?? undefined,
    requestId: row.request_id ?? undefined,
  };
  for (const key of Object.keys(entry)) {
    if (entry[key] === undefined) {
      delete entry[key];
    }
  }
  return entry as unknown as AuditEntry;
}

export async function appendAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      audit_id: entry.auditId,
      at: entry.at,
      access_key_id: entry.accessKeyId ?? null,
      operation: entry.operation,
      resource_id: entry.resourceId ?? null,
      outcome: entry.outcome,
      detail: entry.detail ?? null,
      source_ip: entry.sourceIp ?? null,
      target: entry.target ?? null,
      request_id: entry.requestId ?? null,
    })
    .execute();
}

function after(eb: ExpressionBuilder<Database, 'audit_log'>, at: number, auditId: string) {
  return eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('audit_id', '<', auditId)])]);
}

export async function listAudit(db: Db, query: AuditQuery): Promise<Page<AuditEntry>> {
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 10_000) {
    throw new Error(`page limit must be a whole number from 1 to 10000; got ${query.limit}`);
  }
  let select = db.selectFrom('audit_log').selectAll();
  if (query.accessKeyId !== undefined) {
    select = select.where('access_key_id', '=', query.accessKeyId);
  }
  if (query.operation !== undefined) {
    select = select.where('operation', '=', query.operation);
  }
  if (query.outcome !== undefined) {
    select = select.where('outcome', '=', query.outcome);
  }
  if (query.atOrAfter !== undefined) {
    select = select.where('at', '>=', query.atOrAfter);
  }
  if (query.atOrBefore !== undefined) {
    select = select.where('at', '<=', query.atOrBefore);
  }
  if (query.after !== undefined) {
    const [at, auditId] = query.after;
    select = select.where((eb) => after(eb, Number(at), String(auditId)));
  }
  const rows = await select
    .orderBy('at', 'desc')
    .orderBy('audit_id', 'desc')
    .limit(query.limit + 1)
    .execute();
  const kept = rows.slice(0, query.limit).map(rowToAuditEntry);
  const last = kept[kept.length - 1];
  return rows.length > query.limit && last !== undefined
    ? { items: kept, next: [last.at, last.auditId] }
    : { items: kept };
}

export async function pruneAudit(db: Db, before: number): Promise<number> {
  const result = await db.deleteFrom('audit_log').where('at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
