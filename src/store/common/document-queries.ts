/**
 * The document queries of the Kysely store (`documents`, `document_versions`, and the
 * documents' rows in `tags`). Dialect-neutral; `KyselyStore` runs the ones that change several
 * rows inside a transaction.
 */
import type { ExpressionBuilder } from 'kysely';
import type { DocumentVersionSummary, StoredDocument, StoredDocumentVersion } from '../../domain/stored-document.js';
import type { Tag } from '../../domain/tags.js';
import type { DocumentListing, DocumentQuery, Page, PageRequest } from '../store.js';
import {
  documentToRow,
  documentVersionToRow,
  rowToDocument,
  rowToDocumentVersion,
  rowToVersionSummary,
  VERSION_SUMMARY_COLUMNS,
} from './document-rows.js';
import { pageLimit, type Db } from './query-kit.js';
import type { Database } from './schema.js';

type ListingScope = ExpressionBuilder<Database, 'documents' | 'document_versions'>;

/** LIKE wildcards and the quote that delimits JSON strings: no platform type contains them. */
const NOT_A_PLATFORM_TYPE = /[%_"\\]/;

export async function insertDocument(
  db: Db,
  document: StoredDocument,
  version: StoredDocumentVersion,
  tags: readonly Tag[],
): Promise<void> {
  await db.insertInto('documents').values(documentToRow(document)).execute();
  await db.insertInto('document_versions').values(documentVersionToRow(version)).execute();
  if (tags.length > 0) {
    await db
      .insertInto('tags')
      .values(
        tags.map((tag) => ({
          resource_type: 'Document',
          resource_id: document.name,
          tag_key: tag.Key,
          tag_value: tag.Value,
        })),
      )
      .execute();
  }
}

export async function getDocument(db: Db, name: string): Promise<StoredDocument | undefined> {
  const row = await db.selectFrom('documents').selectAll().where('name', '=', name).executeTakeFirst();
  return row === undefined ? undefined : rowToDocument(row);
}

export async function countDocuments(db: Db): Promise<number> {
  const row = await db
    .selectFrom('documents')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** One filter: its values OR-ed. An empty list matches nothing. */
function anyOf(eb: ListingScope, values: readonly string[], match: (value: string) => ReturnType<ListingScope>) {
  return values.length === 0 ? eb.lit(false) : eb.or(values.map(match));
}

export async function listDocuments(db: Db, query: DocumentQuery): Promise<Page<DocumentListing>> {
  let select = db
    .selectFrom('documents')
    .innerJoin('document_versions', (join) =>
      join
        .onRef('document_versions.name', '=', 'documents.name')
        .onRef('document_versions.document_version', '=', 'documents.default_version'),
    )
    .selectAll('documents');
  for (const prefixes of query.namePrefixes ?? []) {
    select = select.where((eb) =>
      anyOf(eb, prefixes, (prefix) =>
        // substr() keeps the match exact and case-sensitive (`_` is a LIKE wildcard).
        eb(eb.fn('substr', ['documents.name', eb.val(1), eb.val(prefix.length)]), '=', prefix),
      ),
    );
  }
  for (const types of query.documentTypes ?? []) {
    select = select.where((eb) => anyOf(eb, types, (type) => eb('documents.document_type', '=', type)));
  }
  for (const platforms of query.platformTypes ?? []) {
    const usable = platforms.filter((platform) => !NOT_A_PLATFORM_TYPE.test(platform));
    select = select.where((eb) =>
      anyOf(eb, usable, (platform) => eb('document_versions.platform_types', 'like', `%"${platform}"%`)),
    );
  }
  for (const targetTypes of query.targetTypes ?? []) {
    select = select.where((eb) =>
      anyOf(eb, targetTypes, (targetType) => eb('document_versions.target_type', '=', targetType)),
    );
  }
  const tag = query.tag;
  if (tag !== undefined) {
    select = select.where((eb) =>
      eb.exists(
        eb
          .selectFrom('tags')
          .select('tags.tag_key')
          .where('tags.resource_type', '=', 'Document')
          .whereRef('tags.resource_id', '=', 'documents.name')
          .where('tags.tag_key', '=', tag.key)
          .$if(tag.values.length > 0, (inner) => inner.where('tags.tag_value', 'in', tag.values)),
      ),
    );
  }
  if (query.after !== undefined) {
    select = select.where('documents.name', '>', String(query.after[0]));
  }
  const rows = await select.orderBy('documents.name').limit(pageLimit(query.limit)).execute();
  const page = rows.slice(0, query.limit).map(rowToDocument);
  // The default versions of the page, without their content, in a second query.
  const versions =
    page.length === 0
      ? []
      : await db
          .selectFrom('document_versions')
          .innerJoin('documents', (join) =>
            join
              .onRef('documents.name', '=', 'document_versions.name')
              .onRef('documents.default_version', '=', 'document_versions.document_version'),
          )
          .select(VERSION_SUMMARY_COLUMNS)
          .where(
            'document_versions.name',
            'in',
            page.map((document) => document.name),
          )
          .execute();
  const byName = new Map(versions.map((row) => [row.name, rowToVersionSummary(row)]));
  const items = page.flatMap((document) => {
    const defaultVersion = byName.get(document.name);
    // Absent only when the document was deleted between the two queries.
    return defaultVersion === undefined ? [] : [{ document, defaultVersion }];
  });
  return rows.length > query.limit && page.length > 0 ? { items, next: [page[page.length - 1]!.name] } : { items };
}

export async function insertDocumentVersion(db: Db, version: StoredDocumentVersion): Promise<void> {
  await db.insertInto('document_versions').values(documentVersionToRow(version)).execute();
  await db
    .updateTable('documents')
    .set((eb) => ({
      latest_version: version.documentVersion,
      // CASE rather than max()/GREATEST(), which differ between SQLite and PostgreSQL.
      version_counter: eb
        .case()
        .when('version_counter', '<', version.documentVersion)
        .then(version.documentVersion)
        .else(eb.ref('version_counter'))
        .end(),
    }))
    .where('name', '=', version.name)
    .execute();
}

export async function getDocumentVersion(
  db: Db,
  name: string,
  documentVersion: number,
): Promise<StoredDocumentVersion | undefined> {
  const row = await db
    .selectFrom('document_versions')
    .selectAll()
    .where('name', '=', name)
    .where('document_version', '=', documentVersion)
    .executeTakeFirst();
  return row === undefined ? undefined : rowToDocumentVersion(row);
}

export async function findDocumentVersionByName(
  db: Db,
  name: string,
  versionName: string,
): Promise<StoredDocumentVersion | undefined> {
  const row = await db
    .selectFrom('document_versions')
    .selectAll()
    .where('name', '=', name)
    .where('version_name', '=', versionName)
    .executeTakeFirst();
  return row === undefined ? undefined : rowToDocumentVersion(row);
}

export async function findDocumentVersionByHash(db: Db, name: string, hash: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('document_versions')
    .select('document_version')
    .where('name', '=', name)
    .where('hash', '=', hash)
    .orderBy('document_version')
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.document_version);
}

export async function countDocumentVersions(db: Db, name: string): Promise<number> {
  const row = await db
    .selectFrom('document_versions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function listDocumentVersions(
  db: Db,
  name: string,
  page: PageRequest,
): Promise<Page<DocumentVersionSummary>> {
  let select = db.selectFrom('document_versions').select(VERSION_SUMMARY_COLUMNS).where('name', '=', name);
  if (page.after !== undefined) {
    select = select.where('document_version', '>', Number(page.after[0]));
  }
  const rows = await select.orderBy('document_version').limit(pageLimit(page.limit)).execute();
  const items = rows.map(rowToVersionSummary);
  if (items.length <= page.limit) {
    return { items };
  }
  const kept = items.slice(0, page.limit);
  return { items: kept, next: [kept[kept.length - 1]!.documentVersion] };
}

export async function setDefaultDocumentVersion(db: Db, name: string, documentVersion: number): Promise<boolean> {
  const result = await db
    .updateTable('documents')
    .set({ default_version: documentVersion })
    .where('name', '=', name)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function deleteDocument(db: Db, name: string): Promise<boolean> {
  const result = await db.deleteFrom('documents').where('name', '=', name).executeTakeFirst();
  await db.deleteFrom('document_versions').where('name', '=', name).execute();
  await db.deleteFrom('tags').where('resource_type', '=', 'Document').where('resource_id', '=', name).execute();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteDocumentVersion(db: Db, name: string, documentVersion: number): Promise<boolean> {
  const result = await db
    .deleteFrom('document_versions')
    .where('name', '=', name)
    .where('document_version', '=', documentVersion)
    .executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) {
    return false;
  }
  const highest = await db
    .selectFrom('document_versions')
    .select((eb) => eb.fn.max('document_version').as('highest'))
    .where('name', '=', name)
    .executeTakeFirst();
  if (highest?.highest !== null && highest?.highest !== undefined) {
    await db
      .updateTable('documents')
      .set({ latest_version: Number(highest.highest) })
      .where('name', '=', name)
      .execute();
  }
  return true;
}
