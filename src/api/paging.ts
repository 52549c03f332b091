/** Reading a request's NextToken and writing the response's, for the paginated operations. */
import type { Cursor, Page } from '../store/store.js';
import type { RequestContext } from './operation.js';

export interface Paging {
  readonly limit: number;
  readonly after?: Cursor;
}

/**
 * The page size and cursor for a request. `query` is everything that identifies the listing
 * (ids and filters, not MaxResults), so a token cannot be replayed against another listing.
 */
export function pagingOf(
  ctx: RequestContext,
  operation: string,
  query: unknown,
  request: { MaxResults?: number; NextToken?: string },
  defaultLimit: number,
  invalidTokenError = 'ValidationException',
): Paging {
  const after =
    request.NextToken === undefined || request.NextToken === ''
      ? undefined
      : ctx.pageTokens.read(operation, query, request.NextToken, invalidTokenError);
  return { limit: request.MaxResults ?? defaultLimit, after };
}

/** The NextToken for a page, absent at the end of the listing. */
export function nextTokenOf(
  ctx: RequestContext,
  operation: string,
  query: unknown,
  page: Page<unknown>,
): string | undefined {
  return page.next === undefined ? undefined : ctx.pageTokens.issue(operation, query, page.next);
}

/** Pages an in-memory list (for listings computed rather than stored) by position. */
export function pageOfList<T>(items: readonly T[], paging: Paging): Page<T> {
  const start = paging.after === undefined ? 0 : Number(paging.after[0]);
  const end = start + paging.limit;
  const slice = items.slice(start, end);
  return end < items.length ? { items: slice, next: [end] } : { items: slice };
}
