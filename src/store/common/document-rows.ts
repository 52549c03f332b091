/** Mapping between documents and their table rows, shared by the SQL backends. */
import type { DocumentFormat, DocumentParameterDescription } from '../../domain/document.js';
import type { PlatformType } from '../../domain/managed-node.js';
import type {
  DocumentAttachmentSource,
  DocumentRequirement,
  DocumentStatus,
  DocumentVersionSummary,
  StoredDocument,
  StoredDocumentType,
  StoredDocumentVersion,
} from '../../domain/stored-document.js';
import type { DocumentsTable, DocumentVersionsTable } from './schema.js';

/** Every column of `document_versions` except the content, for listings. */
export const VERSION_SUMMARY_COLUMNS = [
  'document_versions.name',
  'document_versions.document_version',
  'document_versions.version_name',
  'document_versions.display_name',
  'document_versions.document_format',
  'document_versions.hash',
  'document_versions.schema_version',
  'document_versions.description',
  'document_versions.parameters',
  'document_versions.platform_types',
  'document_versions.target_type',
  'document_versions.requires',
  'document_versions.attachments',
  'document_versions.status',
  'document_versions.created_at',
] as const;

export type VersionSummaryRow = Omit<DocumentVersionsTable, 'content'>;

function toJsonOrNull(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

export function documentToRow(document: StoredDocument): DocumentsTable {
  return {
    name: document.name,
    document_type: document.documentType,
    owner: document.owner,
    default_version: document.defaultVersion,
    latest_version: document.latestVersion,
    version_counter: document.versionCounter,
    created_at: document.createdAt,
  };
}

export function rowToDocument(row: DocumentsTable): StoredDocument {
  return {
    name: row.name,
    documentType: row.document_type as StoredDocumentType,
    owner: row.owner,
    defaultVersion: Number(row.default_version),
    latestVersion: Number(row.latest_version),
    versionCounter: Number(row.version_counter),
    createdAt: Number(row.created_at),
  };
}

export function documentVersionToRow(version: StoredDocumentVersion): DocumentVersionsTable {
  return {
    name: version.name,
    document_version: version.documentVersion,
    version_name: version.versionName ?? null,
    display_name: version.displayName ?? null,
    content: version.content,
    document_format: version.documentFormat,
    hash: version.hash,
    schema_version: version.schemaVersion,
    description: version.description ?? null,
    parameters: JSON.stringify(version.parameters),
    platform_types: JSON.stringify(version.platformTypes),
    target_type: version.targetType ?? null,
    requires: toJsonOrNull(version.requires),
    attachments: toJsonOrNull(version.attachments),
    status: version.status,
    created_at: version.createdAt,
  };
}

export function rowToVersionSummary(row: VersionSummaryRow): DocumentVersionSummary {
  return {
    name: row.name,
    documentVersion: Number(row.document_version),
    ...(row.version_name === null ? {} : { versionName: row.version_name }),
    ...(row.display_name === null ? {} : { displayName: row.display_name }),
    documentFormat: row.document_format as DocumentFormat,
    hash: row.hash,
    schemaVersion: row.schema_version,
    ...(row.description === null ? {} : { description: row.description }),
    parameters: JSON.parse(row.parameters) as DocumentParameterDescription[],
    platformTypes: JSON.parse(row.platform_types) as PlatformType[],
    ...(row.target_type === null ? {} : { targetType: row.target_type }),
    ...(row.requires === null ? {} : { requires: JSON.parse(row.requires) as DocumentRequirement[] }),
    ...(row.attachments === null ? {} : { attachments: JSON.parse(row.attachments) as DocumentAttachmentSource[] }),
    status: row.status as DocumentStatus,
    createdAt: Number(row.created_at),
  };
}

export function rowToDocumentVersion(row: DocumentVersionsTable): StoredDocumentVersion {
  return { ...rowToVersionSummary(row), content: row.content };
}
