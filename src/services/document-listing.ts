/**
 * ListDocuments over two sources (spec §8.6): the Amazon-owned documents, in memory, and the
 * stored ones, in the store. Both are filtered alike and merged into one listing ordered by
 * name (code-unit order, as the store orders them); the cursor is the last name returned, so
 * a page is stable when documents are added between pages.
 */
import type { Tag } from '../domain/tags.js';
import type { DocumentListing, DocumentQuery, Page, PageRequest, Store } from '../store/store.js';
import { builtinDocumentRecords } from './builtin-document-records.js';

/**
 * SSM's `Owner` filter values (spec §8.6). Locally, Self and Private mean the documents
 * created here; Amazon and Public the built-in ones; ThirdParty none; All both.
 */
export const DOCUMENT_OWNER_FILTERS = ['Self', 'Amazon', 'Private', 'Public', 'ThirdParty', 'All'] as const;
export type DocumentOwnerFilter = (typeof DOCUMENT_OWNER_FILTERS)[number];

/** What ListDocuments selects (without paging). */
export interface DocumentListQuery extends Omit<DocumentQuery, keyof PageRequest> {
  /** Default: All. */
  readonly owner?: DocumentOwnerFilter;
}

/** A listed document with its tags. */
export interface ListedDocument extends DocumentListing {
  readonly tags: readonly Tag[];
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every inner list has a value that `matches` accepts. */
function everyFilter(filters: readonly (readonly string[])[] | undefined, matches: (value: string) => boolean) {
  return (filters ?? []).every((values) => values.some(matches));
}

/** The built-in documents the query selects, in name order, after `after`. */
function builtinListings(query: DocumentListQuery, after: string | undefined): ListedDocument[] {
  if (query.tag !== undefined) {
    // Built-in documents carry no tags.
    return [];
  }
  return builtinDocumentRecords()
    .filter(({ document, version }) => {
      return (
        (after === undefined || document.name > after) &&
        everyFilter(query.namePrefixes, (prefix) => document.name.startsWith(prefix)) &&
        everyFilter(query.documentTypes, (type) => document.documentType === type) &&
        everyFilter(query.platformTypes, (platform) =>
          (version.platformTypes as readonly string[]).includes(platform),
        ) &&
        everyFilter(query.targetTypes, (targetType) => version.targetType === targetType)
      );
    })
    .map(({ document, version }) => {
      const { content: _content, ...defaultVersion } = version;
      return { document, defaultVersion, tags: [] };
    })
    .sort((a, b) => compareNames(a.document.name, b.document.name));
}

/** One page of ListDocuments. */
export async function listDocuments(
  store: Store,
  query: DocumentListQuery,
  page: PageRequest,
): Promise<Page<ListedDocument>> {
  const owner = query.owner ?? 'All';
  const includeBuiltins = owner === 'All' || owner === 'Amazon' || owner === 'Public';
  const includeStored = owner === 'All' || owner === 'Self' || owner === 'Private';
  const after = page.after === undefined ? undefined : String(page.after[0]);
  const { owner: _owner, ...storeQuery } = query;
  const stored = includeStored
    ? await store.listDocuments({
        ...storeQuery,
        limit: page.limit,
        ...(after === undefined ? {} : { after: [after] }),
      })
    : { items: [] };
  const storedListings: ListedDocument[] = [];
  for (const listing of stored.items) {
    storedListings.push({ ...listing, tags: await store.getTags('Document', listing.document.name) });
  }
  const merged = [...(includeBuiltins ? builtinListings(query, after) : []), ...storedListings].sort((a, b) =>
    compareNames(a.document.name, b.document.name),
  );
  const items = merged.slice(0, page.limit);
  const hasMore = merged.length > page.limit || stored.next !== undefined;
  return hasMore && items.length > 0 ? { items, next: [items[items.length - 1]!.document.name] } : { items };
}
