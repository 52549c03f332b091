/**
 * NextToken: opaque to clients, meaningful to us (spec §1.8). A token carries the operation,
 * a hash of the query it continues (filters and ids, without MaxResults), the keyset cursor
 * and when it was issued, and is sealed with an HMAC so a client can neither forge nor reuse
 * it for another query. Tokens older than 24 hours are refused.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../shared/clock.js';
import type { Cursor } from '../store/store.js';
import { WireError } from './errors.js';

const TOKEN_LIFETIME_MS = 24 * 60 * 60 * 1000;

interface TokenBody {
  /** Operation name. */
  readonly o: string;
  /** Query hash. */
  readonly q: string;
  /** Cursor. */
  readonly c: Cursor;
  /** Issued at, epoch ms. */
  readonly t: number;
}

/** A stable hash of the query a token belongs to. */
export function queryHash(query: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(query ?? null))
    .digest('base64url')
    .slice(0, 22);
}

export class PageTokens {
  constructor(
    private readonly key: Buffer,
    private readonly clock: Clock,
  ) {}

  issue(operation: string, query: unknown, cursor: Cursor): string {
    const body: TokenBody = { o: operation, q: queryHash(query), c: cursor, t: this.clock.now().getTime() };
    const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
    return `${payload}.${this.seal(payload)}`;
  }

  /**
   * The cursor a token continues from.
   * @param errorType the operation's modeled error for a bad token (`InvalidNextToken` where
   *   the model has it, otherwise `ValidationException`).
   * @throws WireError when the token is forged, damaged, expired or from another query.
   */
  read(operation: string, query: unknown, token: string, errorType: string): Cursor {
    const invalid = (why: string) => new WireError(errorType, `The specified NextToken is not valid: ${why}`);
    const [payload, seal, extra] = token.split('.');
    if (payload === undefined || seal === undefined || extra !== undefined) {
      throw invalid('it was not issued by this server.');
    }
    const expected = Buffer.from(this.seal(payload));
    const given = Buffer.from(seal);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw invalid('it was not issued by this server.');
    }
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenBody;
    if (body.o !== operation || body.q !== queryHash(query)) {
      throw invalid('it belongs to a different request; repeat the request with the same filters.');
    }
    if (this.clock.now().getTime() - body.t > TOKEN_LIFETIME_MS) {
      throw invalid('it has expired; start the listing again.');
    }
    return body.c;
  }

  private seal(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url').slice(0, 32);
  }
}
