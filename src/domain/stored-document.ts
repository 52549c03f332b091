/**
 * Documents as Mado keeps them (spec §8.6): a document (name, type, owner, which version is the
 * default and which the latest) and its numbered versions (content as written, hash, and what
 * DescribeDocument reports of the parsed content). Versions are numbered 1, 2, … per document
 * and a number is never reused, even after its version is deleted.
 *
 * Amazon-owned documents (`builtin-documents.ts`) are not stored; services present them in the
 * same shapes with `owner: 'Amazon'`.
 */
import type { DocumentFormat, DocumentParameterDescription } from './document.js';
import { ValidationError } from './errors.js';
import type { PlatformType } from './managed-node.js';

/** Mado runs Command documents only (spec §8.1). */
export type StoredDocumentType = 'Command';

/** A local server has the document at once: every document is Active (spec §8.6 [LOCAL]). */
export type DocumentStatus = 'Active';

/** `Requires` of CreateDocument: stored and echoed (spec §8.6 [LOCAL]). */
export interface DocumentRequirement {
  readonly Name: string;
  readonly Version?: string;
  readonly RequireType?: string;
  readonly VersionName?: string;
}

/** `Attachments` of CreateDocument/UpdateDocument: stored, their names echoed. */
export interface DocumentAttachmentSource {
  readonly Key?: string;
  readonly Values?: readonly string[];
  readonly Name?: string;
}

export interface StoredDocument {
  readonly name: string;
  readonly documentType: StoredDocumentType;
  /** The account id of the server that created it. */
  readonly owner: string;
  readonly defaultVersion: number;
  /** The highest version that exists. */
  readonly latestVersion: number;
  /** The highest version number ever given; the next version is this plus one. */
  readonly versionCounter: number;
  readonly createdAt: number;
}

export interface StoredDocumentVersion {
  readonly name: string;
  readonly documentVersion: number;
  /** Unique within the document when present. */
  readonly versionName?: string;
  readonly displayName?: string;
  /** Exactly as the caller sent it; `hash` is computed over it. */
  readonly content: string;
  readonly documentFormat: DocumentFormat;
  /** Lower-case hex SHA-256 of `content`. */
  readonly hash: string;
  readonly schemaVersion: string;
  readonly description?: string;
  readonly parameters: readonly DocumentParameterDescription[];
  readonly platformTypes: readonly PlatformType[];
  readonly targetType?: string;
  readonly requires?: readonly DocumentRequirement[];
  readonly attachments?: readonly DocumentAttachmentSource[];
  readonly status: DocumentStatus;
  readonly createdAt: number;
}

/** A version without its content, for listings. */
export type DocumentVersionSummary = Omit<StoredDocumentVersion, 'content'>;

/** A version as callers name it: `$DEFAULT`, `$LATEST` or a number. */
export type DocumentVersionSelector = '$DEFAULT' | '$LATEST' | number;

/**
 * Name prefixes reserved for Amazon's documents (spec §2.2), compared case-insensitively.
 * `aws` covers AWSEC2, AWSConfigRemediation and AWSSupport.
 */
export const RESERVED_DOCUMENT_NAME_PREFIXES = ['aws', 'amazon', 'amzn'] as const;

/**
 * Checks the name of a document a caller creates (the wire layer has checked its pattern).
 * @throws ValidationError naming `name` when it starts with a reserved prefix.
 */
export function validateNewDocumentName(name: string): void {
  const lower = name.toLowerCase();
  const prefix = RESERVED_DOCUMENT_NAME_PREFIXES.find((reserved) => lower.startsWith(reserved));
  if (prefix !== undefined) {
    throw ValidationError.field(
      'name',
      `Document names beginning with "${name.slice(0, prefix.length)}" are reserved for Amazon-owned documents (aws, amazon and amzn, in any case); choose another name.`,
      name,
    );
  }
}

/** `$DEFAULT`, `$LATEST` or a version number, from the wire (already pattern-checked). */
export function parseVersionSelector(text: string): DocumentVersionSelector {
  return text === '$DEFAULT' || text === '$LATEST' ? text : Number(text);
}

/** The version number a selector names in this document. */
export function selectedVersion(document: StoredDocument, selector: DocumentVersionSelector): number {
  switch (selector) {
    case '$DEFAULT':
      return document.defaultVersion;
    case '$LATEST':
      return document.latestVersion;
    default:
      return selector;
  }
}
