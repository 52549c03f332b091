/**
 * The Amazon-owned documents (`domain/builtin-documents.ts`) in the shapes stored documents
 * have, so that the document API describes, lists and filters both alike. Parsed once, on
 * first use.
 */
import { BUILTIN_DOCUMENTS, findBuiltinDocument, type BuiltinDocument } from '../domain/builtin-documents.js';
import { describeParameters, documentHash, parseCommandDocument } from '../domain/document.js';
import type { StoredDocument, StoredDocumentVersion } from '../domain/stored-document.js';

/** What Amazon-owned documents report as their owner (spec §8.6). */
export const AMAZON_OWNER = 'Amazon';

/**
 * CreatedDate of every built-in document. They ship with Mado, so no moment of the running
 * server is more truthful than a fixed one; this is the day Mado's document API was written.
 */
export const BUILTIN_CREATED_AT = Date.UTC(2025, 0, 1);

export interface DocumentRecord {
  readonly document: StoredDocument;
  readonly version: StoredDocumentVersion;
}

const records = new Map<string, DocumentRecord>();

function recordOf(builtin: BuiltinDocument): DocumentRecord {
  let record = records.get(builtin.name);
  if (record === undefined) {
    const parsed = parseCommandDocument(builtin.content, builtin.documentFormat);
    record = {
      document: {
        name: builtin.name,
        documentType: builtin.documentType,
        owner: AMAZON_OWNER,
        defaultVersion: 1,
        latestVersion: 1,
        versionCounter: 1,
        createdAt: BUILTIN_CREATED_AT,
      },
      version: {
        name: builtin.name,
        documentVersion: 1,
        content: builtin.content,
        documentFormat: builtin.documentFormat,
        hash: documentHash(builtin.content),
        schemaVersion: parsed.schemaVersion,
        ...(parsed.description === undefined ? {} : { description: parsed.description }),
        parameters: describeParameters(parsed),
        platformTypes: parsed.platformTypes,
        ...(builtin.targetType === undefined ? {} : { targetType: builtin.targetType }),
        status: 'Active',
        createdAt: BUILTIN_CREATED_AT,
      },
    };
    records.set(builtin.name, record);
  }
  return record;
}

/** The built-in document of that exact name as a record, or undefined. */
export function builtinDocumentRecord(name: string): DocumentRecord | undefined {
  const builtin = findBuiltinDocument(name);
  return builtin === undefined ? undefined : recordOf(builtin);
}

/** Every built-in document as a record, by name. */
export function builtinDocumentRecords(): DocumentRecord[] {
  return BUILTIN_DOCUMENTS.map(recordOf);
}
