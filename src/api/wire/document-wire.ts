/**
 * Documents → their SSM wire structures (spec §8.6, Appendix A `DocumentDescription`,
 * `DocumentParameter`, `DocumentIdentifier`, `DocumentVersionInfo`). Versions are numbers in
 * Mado and decimal strings on the wire; `HashType` is always Sha256; `Status` is Active.
 */
import type { DocumentVersionSummary, StoredDocument } from '../../domain/stored-document.js';
import type { Tag } from '../../domain/tags.js';
import type { ListedDocument } from '../../services/document-listing.js';
import type { DescribedDocument } from '../../services/document-service.js';
import { compact, timestamp } from './shapes.js';

function parametersWire(version: DocumentVersionSummary) {
  return version.parameters.length === 0
    ? undefined
    : version.parameters.map((parameter) =>
        compact({
          Name: parameter.name,
          Type: parameter.type,
          Description: parameter.description,
          DefaultValue: parameter.defaultValue,
        }),
      );
}

function tagsWire(tags: readonly Tag[]) {
  return tags.map((tag) => ({ Key: tag.Key, Value: tag.Value }));
}

/** `DocumentDescription` (CreateDocument, UpdateDocument, DescribeDocument). */
export function documentDescriptionWire({ document, version, tags }: DescribedDocument) {
  return compact({
    Hash: version.hash,
    HashType: 'Sha256',
    Name: document.name,
    DisplayName: version.displayName,
    VersionName: version.versionName,
    Owner: document.owner,
    CreatedDate: timestamp(version.createdAt),
    Status: version.status,
    DocumentVersion: String(version.documentVersion),
    Description: version.description,
    Parameters: parametersWire(version),
    PlatformTypes: [...version.platformTypes],
    DocumentType: document.documentType,
    SchemaVersion: version.schemaVersion,
    LatestVersion: String(document.latestVersion),
    DefaultVersion: String(document.defaultVersion),
    DocumentFormat: version.documentFormat,
    TargetType: version.targetType,
    Tags: tagsWire(tags),
    AttachmentsInformation: version.attachments?.flatMap((attachment) =>
      attachment.Name === undefined ? [] : [{ Name: attachment.Name }],
    ),
    Requires: version.requires === undefined ? undefined : [...version.requires],
  });
}

/** `GetDocumentResult` without `Content`, which the caller adds in the format asked for. */
export function getDocumentWire({ document, version }: DescribedDocument) {
  return compact({
    Name: document.name,
    CreatedDate: timestamp(version.createdAt),
    DisplayName: version.displayName,
    VersionName: version.versionName,
    DocumentVersion: String(version.documentVersion),
    Status: version.status,
    DocumentType: document.documentType,
    Requires: version.requires === undefined ? undefined : [...version.requires],
  });
}

/** `DocumentIdentifier` (ListDocuments): the document with its default version. */
export function documentIdentifierWire({ document, defaultVersion, tags }: ListedDocument) {
  return compact({
    Name: document.name,
    CreatedDate: timestamp(document.createdAt),
    DisplayName: defaultVersion.displayName,
    Owner: document.owner,
    VersionName: defaultVersion.versionName,
    PlatformTypes: [...defaultVersion.platformTypes],
    DocumentVersion: String(defaultVersion.documentVersion),
    DocumentType: document.documentType,
    SchemaVersion: defaultVersion.schemaVersion,
    DocumentFormat: defaultVersion.documentFormat,
    TargetType: defaultVersion.targetType,
    Tags: tagsWire(tags),
    Requires: defaultVersion.requires === undefined ? undefined : [...defaultVersion.requires],
  });
}

/** `DocumentVersionInfo` (ListDocumentVersions). */
export function documentVersionInfoWire(document: StoredDocument, version: DocumentVersionSummary) {
  return compact({
    Name: document.name,
    DisplayName: version.displayName,
    DocumentVersion: String(version.documentVersion),
    VersionName: version.versionName,
    CreatedDate: timestamp(version.createdAt),
    IsDefaultVersion: version.documentVersion === document.defaultVersion,
    DocumentFormat: version.documentFormat,
    Status: version.status,
  });
}
