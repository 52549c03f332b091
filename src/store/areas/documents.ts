/** Documents created through the API, with their versions. */
import type { DocumentVersionSummary, StoredDocument, StoredDocumentVersion } from '../../domain/stored-document.js';
import type { Tag } from '../../domain/tags.js';
import type { Page, PageRequest } from './paging.js';

/**
 * A ListDocuments query over stored documents, matched against each document's default
 * version. Each inner list is one filter whose values are OR-ed; filters are AND-ed; an empty
 * inner list matches nothing. Pages are ordered by name; the cursor is `[name]`.
 */
export interface DocumentQuery extends PageRequest {
  /** Name prefixes (exact, case-sensitive). */
  readonly namePrefixes?: readonly (readonly string[])[];
  readonly documentTypes?: readonly (readonly string[])[];
  /** Platform types the default version supports. */
  readonly platformTypes?: readonly (readonly string[])[];
  readonly targetTypes?: readonly (readonly string[])[];
  /** Documents with this tag key and one of these values (any value when `values` is empty). */
  readonly tag?: { readonly key: string; readonly values: readonly string[] };
}

/** A document with its default version, as ListDocuments shows it. */
export interface DocumentListing {
  readonly document: StoredDocument;
  readonly defaultVersion: DocumentVersionSummary;
}

/** Stored documents and their versions. */
/** Stored documents and their versions. */
export interface DocumentStore {
  // Documents (created through the API; Amazon-owned documents are not stored)
  /**
   * Stores a new document with its first version and its tags, atomically. Not idempotent: a
   * name already stored fails with the backend's constraint error and stores nothing (callers
   * check first, in the same transaction, to answer DocumentAlreadyExists).
   */
  insertDocument(document: StoredDocument, version: StoredDocumentVersion, tags: readonly Tag[]): Promise<void>;
  getDocument(name: string): Promise<StoredDocument | undefined>;
  countDocuments(): Promise<number>;
  listDocuments(query: DocumentQuery): Promise<Page<DocumentListing>>;
  /**
   * Adds a version and makes it the latest; the version counter moves up to its number and the
   * default version stays. The caller has checked, in the same transaction, that the document
   * exists and that the number, version name and content are new.
   */
  insertDocumentVersion(version: StoredDocumentVersion): Promise<void>;
  getDocumentVersion(name: string, documentVersion: number): Promise<StoredDocumentVersion | undefined>;
  /** The version of this document with this VersionName (exact match). */
  findDocumentVersionByName(name: string, versionName: string): Promise<StoredDocumentVersion | undefined>;
  /** The number of a version of this document whose content has this hash, if any. */
  findDocumentVersionByHash(name: string, hash: string): Promise<number | undefined>;
  countDocumentVersions(name: string): Promise<number>;
  /** Versions in ascending number order, without content; the cursor is `[documentVersion]`. */
  listDocumentVersions(name: string, page: PageRequest): Promise<Page<DocumentVersionSummary>>;
  /** @returns false when the document does not exist. The caller has checked the version exists. */
  setDefaultDocumentVersion(name: string, documentVersion: number): Promise<boolean>;
  /** Deletes the document with every version and its tags. @returns whether it existed. */
  deleteDocument(name: string): Promise<boolean>;
  /**
   * Deletes one version; the latest version becomes the highest that remains (the counter does
   * not go back). The caller keeps the default version and at least one other version.
   * @returns whether the version existed.
   */
  deleteDocumentVersion(name: string, documentVersion: number): Promise<boolean>;
}
