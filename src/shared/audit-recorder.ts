/**
 * The port through which the API, the registration route and the agent gateway report audited
 * decisions (the audit log, services/audit-log.ts, implements it). `record` never throws and
 * never fails the request it describes: a trail that cannot be written is logged instead.
 */

/**
 * `allowed`: a mutating call succeeded. `failed`: a mutating call was authenticated and permitted
 * but refused by validation or a business rule. `denied`: the caller's role does not permit the
 * operation. `refused`: the caller could not be authenticated (bad signature, unknown key,
 * expired date, bad activation, unknown or revoked node). `suppressed`: one row standing for
 * refusals from one source address that the flood limit did not write.
 */
export type AuditOutcome = 'allowed' | 'failed' | 'denied' | 'refused' | 'suppressed';
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['allowed', 'failed', 'denied', 'refused', 'suppressed'];

/** One decision as reported; the audit log adds the id and the time. */
export interface AuditRecord {
  /** The access key that signed (or claimed to sign) the request. */
  readonly accessKeyId?: string;
  /** Operation name (`CreateMaintenanceWindow`, `RegisterAgent`, ...). */
  readonly operation: string;
  /** Activation id for registrations, node id for agent connections. */
  readonly resourceId?: string;
  readonly outcome: Exclude<AuditOutcome, 'suppressed'>;
  /** Error type or role, free text. */
  readonly detail?: string;
  /** The peer address of the connection, as the server saw it. */
  readonly sourceIp?: string;
  /** `X-Amz-Target` as sent, or the HTTP path for the agent routes. */
  readonly target?: string;
  readonly requestId?: string;
}

export interface AuditRecorder {
  record(record: AuditRecord): Promise<void>;
}

export const NO_AUDIT: AuditRecorder = { record: async () => {} };

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) as `10.0.0.1`; others unchanged. */
export function normaliseAddress(address: string | undefined): string | undefined {
  if (address === undefined || address === '') {
    return undefined;
  }
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}
