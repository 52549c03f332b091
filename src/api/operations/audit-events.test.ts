import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../services/audit-log.js';
import { DEFAULT_QUOTAS } from '../../services/service-context.js';
import { FakeClock } from '../../shared/fake-clock.js';
import { silentLogger } from '../../shared/logger.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';
import { toWireError, WireError } from '../errors.js';
import type { RequestContext, Services } from '../operation.js';
import { PageTokens } from '../page-tokens.js';
import { parseRequest } from '../wire/validate.js';
import { listAuditEvents } from './audit-events.js';

const START = Date.UTC(2026, 11, 7, 8, 0, 0);

interface Listed {
  readonly AuditEvents: { Operation: string; AccessKeyId?: string; Outcome: string; Time: number }[];
  readonly NextToken?: string;
}

describe('Mado.ListAuditEvents', () => {
  let clock: FakeClock;
  let store: Store;
  let ctx: RequestContext;

  async function list(body: Record<string, unknown>): Promise<Listed> {
    const input = parseRequest(listAuditEvents.input, body);
    return (await listAuditEvents.handle(input as never, ctx)) as unknown as Listed;
  }

  async function failure(body: Record<string, unknown>): Promise<WireError> {
    const error: unknown = await list(body).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(WireError);
    return error as WireError;
  }

  beforeEach(async () => {
    clock = new FakeClock(START);
    store = openSqliteStore({ filename: ':memory:' }, START).store;
    const audit = new AuditLog({
      store,
      clock,
      logger: silentLogger,
      quotas: DEFAULT_QUOTAS,
      accountId: '123456789012',
    });
    ctx = {
      services: { audit } as unknown as Services,
      pageTokens: new PageTokens(Buffer.alloc(32, 7), clock),
      region: 'us-east-1',
      accountId: '123456789012',
      caller: undefined,
    };
    // One event a second: 3 keys × 2 operations, the last one refused.
    const events = [
      ['AKIAONE', 'CreateMaintenanceWindow', 'allowed'],
      ['AKIATWO', 'SendCommand', 'allowed'],
      ['AKIAONE', 'SendCommand', 'failed'],
      ['AKIATHREE', 'CreateDocument', 'denied'],
      ['AKIATWO', 'CreateMaintenanceWindow', 'allowed'],
      ['AKIABAD', 'SendCommand', 'refused'],
    ] as const;
    for (const [accessKeyId, operation, outcome] of events) {
      await audit.record({ accessKeyId, operation, outcome, sourceIp: '10.0.0.1' });
      await clock.advance(1000);
    }
  });

  afterEach(async () => {
    await store.close();
  });

  it('lists every event newest first without filters', async () => {
    const { AuditEvents, NextToken } = await list({});
    expect(AuditEvents.map((event) => event.Time)).toEqual([5, 4, 3, 2, 1, 0].map((s) => START / 1000 + s));
    expect(NextToken).toBeUndefined();
  });

  it('filters by access key, operation and outcome together', async () => {
    expect((await list({ AccessKeyId: 'AKIAONE' })).AuditEvents.map((event) => event.Operation)).toEqual([
      'SendCommand',
      'CreateMaintenanceWindow',
    ]);
    expect((await list({ Operation: 'SendCommand', Outcome: 'allowed' })).AuditEvents).toEqual([
      expect.objectContaining({ AccessKeyId: 'AKIATWO', Operation: 'SendCommand' }),
    ]);
  });

  it('filters by time, both ends inclusive', async () => {
    const { AuditEvents } = await list({ StartTime: START / 1000 + 1, EndTime: START / 1000 + 3 });
    expect(AuditEvents.map((event) => event.Time)).toEqual([3, 2, 1].map((s) => START / 1000 + s));
  });

  it('pages with MaxResults and a NextToken bound to the same filters', async () => {
    const first = await list({ MaxResults: 4 });
    expect(first.AuditEvents).toHaveLength(4);
    expect(first.NextToken).toBeDefined();
    const second = await list({ MaxResults: 4, NextToken: first.NextToken });
    expect(second.AuditEvents).toHaveLength(2);
    expect(second.NextToken).toBeUndefined();
    const replayed = await failure({ Operation: 'SendCommand', NextToken: first.NextToken });
    expect(replayed.type).toBe('ValidationException');
  });

  it('refuses StartTime after EndTime naming both', async () => {
    const error = await failure({ StartTime: START / 1000 + 5, EndTime: START / 1000 });
    expect(error.type).toBe('ValidationException');
    expect(error.message).toBe('StartTime must not be after EndTime.');
  });

  it.each([
    [{ Outcome: 'exploded' }, 'ValidationException', 'outcome'],
    [{ MaxResults: 0 }, 'ValidationException', 'maxResults'],
    [{ MaxResults: 101 }, 'ValidationException', 'maxResults'],
    [{ AccessKeyId: '' }, 'ValidationException', 'accessKeyId'],
    [{ Operation: 'x'.repeat(257) }, 'ValidationException', 'operation'],
    [{ StartTime: 'yesterday' }, 'SerializationException', 'startTime'],
  ])('refuses %j with %s naming the member', async (body, type, member) => {
    let error: unknown;
    try {
      parseRequest(listAuditEvents.input, body);
    } catch (thrown) {
      error = thrown;
    }
    const wire = toWireError(error);
    expect(wire.type).toBe(type);
    expect(wire.message).toContain(`'${member}'`);
  });
});
