/**
 * What the server keeps about itself and its callers: tags, remembered idempotent requests,
 * access keys, settings and the audit log.
 */
import type { StoredAccessKey } from '../../domain/access-key.js';
import type { Tag, TaggableResourceType } from '../../domain/tags.js';
import type { AuditOutcome } from '../../shared/audit-recorder.js';
import type { Page, PageRequest } from './paging.js';

/** A remembered idempotent request: what it was and what it answered. */
export interface IdempotencyRecord {
  readonly scope: string;
  readonly token: string;
  readonly requestHash: string;
  readonly response: string;
  readonly createdAt: number;
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

/** Tags, idempotency, access keys, settings and the audit log. */
/** Tags, idempotency, access keys, settings and the audit log. */
export interface KeyStore {
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

  /** Records one audited decision. Throws when `auditId` is already used. */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** Audit entries matching every given filter, newest first (then by id, descending). */
  listAudit(query: AuditQuery): Promise<Page<AuditEntry>>;
  /** Forgets audit entries recorded before `before`; returns how many. */
  pruneAudit(before: number): Promise<number>;
}
