/**
 * Mado.ListAuditEvents: the audit log (services/audit-log.ts), newest first, filtered by access
 * key, operation, outcome and time (epoch seconds, inclusive). Admin only; as every admin
 * operation, the call is itself recorded.
 */
import { z } from 'zod';
import { AUDIT_OUTCOMES } from '../../shared/audit-recorder.js';
import type { AuditEntry } from '../../store/store.js';
import { WireError } from '../errors.js';
import { defineOperation } from '../operation.js';
import { nextTokenOf, pagingOf } from '../paging.js';
import * as S from '../wire/shapes.js';

function auditEventWire(entry: AuditEntry) {
  return S.compact({
    EventId: entry.auditId,
    Time: S.timestamp(entry.at),
    AccessKeyId: entry.accessKeyId,
    Operation: entry.operation,
    Outcome: entry.outcome,
    Detail: entry.detail,
    ResourceId: entry.resourceId,
    SourceIp: entry.sourceIp,
    Target: entry.target,
    RequestId: entry.requestId,
  });
}

export const listAuditEvents = defineOperation({
  name: 'ListAuditEvents',
  access: 'admin',
  input: z.object({
    AccessKeyId: S.str({ min: 1, max: 128 }).optional(),
    Operation: S.str({ min: 1, max: 256 }).optional(),
    Outcome: S.enumOf(AUDIT_OUTCOMES as unknown as readonly [string, ...string[]]).optional(),
    StartTime: S.Timestamp.optional(),
    EndTime: S.Timestamp.optional(),
    MaxResults: S.int({ min: 1, max: 100 }).optional(),
    NextToken: S.NextToken.optional(),
  }),
  async handle(input, ctx) {
    if (input.StartTime !== undefined && input.EndTime !== undefined && input.StartTime > input.EndTime) {
      throw new WireError('ValidationException', 'StartTime must not be after EndTime.');
    }
    const query = {
      accessKeyId: input.AccessKeyId,
      operation: input.Operation,
      outcome: input.Outcome as AuditEntry['outcome'] | undefined,
      atOrAfter: input.StartTime === undefined ? undefined : Math.ceil(input.StartTime * 1000),
      atOrBefore: input.EndTime === undefined ? undefined : Math.floor(input.EndTime * 1000),
    };
    const page = await ctx.services.audit.list({ ...query, ...pagingOf(ctx, this.name, query, input, 50) });
    return S.compact({
      AuditEvents: page.items.map(auditEventWire),
      NextToken: nextTokenOf(ctx, this.name, query, page),
    });
  },
});
