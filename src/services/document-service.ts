/**
 * The document API's use cases (spec §8.6): CreateDocument, UpdateDocument, GetDocument,
 * DescribeDocument, ListDocuments, ListDocumentVersions, UpdateDocumentDefaultVersion and
 * DeleteDocument. Documents created here are stored with their versions; the Amazon-owned ones
 * (`builtin-document-records.ts`) are read-only and are answered from memory in the same shapes.
 *
 * Order of checks, so that a bad request gets the same error every time: the request's own
 * values (name, type, format, content, tags) → the document exists → the version exists →
 * conflicts with what is stored (duplicate content or version name) → quotas. Each write
 * checks and changes inside one store transaction, so a refused request changes nothing.
 */
import {
  commandDocumentFormat,
  convertDocumentContent,
  describeParameters,
  documentHash,
  parseCommandDocument,
  type CommandDocument,
  type DocumentFormat,
} from '../domain/document.js';
import {
  AlreadyExistsError,
  ConflictError,
  LimitExceededError,
  NotFoundError,
  ValidationError,
} from '../domain/errors.js';
import {
  parseVersionSelector,
  selectedVersion,
  validateNewDocumentName,
  type DocumentAttachmentSource,
  type DocumentRequirement,
  type DocumentVersionSummary,
  type StoredDocument,
  type StoredDocumentVersion,
} from '../domain/stored-document.js';
import { validateNewTags, type Tag } from '../domain/tags.js';
import type { Page, PageRequest, Store } from '../store/store.js';
import { builtinDocumentRecord, type DocumentRecord } from './builtin-document-records.js';
import { localDocumentName } from './document-catalog.js';
import { listDocuments, type DocumentListQuery, type ListedDocument } from './document-listing.js';
import type { ServiceContext } from './service-context.js';

export interface CreateDocumentRequest {
  readonly name: string;
  readonly content: string;
  /** Default Command, the only type Mado runs. */
  readonly documentType?: string;
  /** Default JSON. */
  readonly documentFormat?: string;
  readonly versionName?: string;
  readonly displayName?: string;
  readonly targetType?: string;
  readonly requires?: readonly DocumentRequirement[];
  readonly attachments?: readonly DocumentAttachmentSource[];
  readonly tags?: readonly Tag[];
}

export interface UpdateDocumentRequest {
  readonly name: string;
  readonly content: string;
  /** When given: `$LATEST` or the latest version's number. */
  readonly documentVersion?: string;
  readonly documentFormat?: string;
  readonly versionName?: string;
  /** Default: the latest version's. */
  readonly displayName?: string;
  /** Default: the latest version's. */
  readonly targetType?: string;
  readonly attachments?: readonly DocumentAttachmentSource[];
}

/** Which version a read or a delete means: by number (`$DEFAULT`, `$LATEST`), by name, or both. */
export interface VersionRequest {
  readonly documentVersion?: string;
  readonly versionName?: string;
}

/** One version of a document, described (DocumentDescription, GetDocument). */
export interface DescribedDocument extends DocumentRecord {
  readonly tags: readonly Tag[];
}

export interface DefaultVersionDescription {
  readonly name: string;
  readonly defaultVersion: number;
  readonly defaultVersionName?: string;
}

export class DocumentService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Creates a document at version 1 (default and latest).
   * @throws ValidationError: no reason (reserved name, type other than Command, tags),
   *   DocumentContent (naming the step and field), DocumentSchemaVersion, DocumentTooLarge;
   *   AlreadyExistsError(Document); LimitExceededError(DocumentLimit).
   */
  async create(request: CreateDocumentRequest): Promise<DescribedDocument> {
    validateNewDocumentName(request.name);
    checkDocumentType(request.documentType);
    const format = commandDocumentFormat(request.documentFormat);
    const parsed = parseCommandDocument(request.content, format);
    const tags = request.tags ?? [];
    validateNewTags(tags);
    const now = this.ctx.clock.now().getTime();
    return this.ctx.store.transaction(async (store) => {
      if ((await store.getDocument(request.name)) !== undefined) {
        throw new AlreadyExistsError('Document', request.name, `Document ${request.name} already exists.`);
      }
      if ((await store.countDocuments()) >= this.ctx.quotas.documents) {
        throw new LimitExceededError(
          `This server allows at most ${this.ctx.quotas.documents} documents; delete one or raise the quota.`,
          'DocumentLimit',
        );
      }
      const document: StoredDocument = {
        name: request.name,
        documentType: 'Command',
        owner: this.ctx.accountId,
        defaultVersion: 1,
        latestVersion: 1,
        versionCounter: 1,
        createdAt: now,
      };
      const version = versionRecord(request.name, 1, request.content, format, parsed, request, now);
      await store.insertDocument(document, version, tags);
      return { document, version, tags: await store.getTags('Document', request.name) };
    });
  }

  /**
   * Adds a version (the counter plus one) and makes it the latest; the default stays.
   * @throws ConflictError(BuiltinDocument) for an Amazon-owned document;
   *   NotFoundError(Document); ValidationError(DocumentVersionNotLatest) when DocumentVersion is
   *   not the latest; the content errors of `create`; ConflictError(UnchangedContent,
   *   VersionNameTaken); LimitExceededError(DocumentVersionLimit).
   */
  async update(request: UpdateDocumentRequest): Promise<DescribedDocument> {
    refuseBuiltin(request.name, 'updated');
    const now = this.ctx.clock.now().getTime();
    return this.ctx.store.transaction(async (store) => {
      const document = await requireStored(store, request.name);
      if (request.documentVersion !== undefined) {
        const selector = parseVersionSelector(request.documentVersion);
        if (selector !== '$LATEST' && selector !== document.latestVersion) {
          throw new ValidationError(
            `Only the latest version of document ${request.name} (${document.latestVersion}) can be updated; DocumentVersion ${request.documentVersion} is not it. Give $LATEST or ${document.latestVersion}, or leave DocumentVersion out.`,
            { reason: 'DocumentVersionNotLatest' },
          );
        }
      }
      const format = commandDocumentFormat(request.documentFormat);
      const parsed = parseCommandDocument(request.content, format);
      const duplicate = await store.findDocumentVersionByHash(request.name, documentHash(request.content));
      if (duplicate !== undefined) {
        throw new ConflictError(
          `The content is identical to version ${duplicate} of document ${request.name}; a new version must change it.`,
          'UnchangedContent',
        );
      }
      if (request.versionName !== undefined) {
        const named = await store.findDocumentVersionByName(request.name, request.versionName);
        if (named !== undefined) {
          throw new ConflictError(
            `Version ${named.documentVersion} of document ${request.name} is already named ${request.versionName}; VersionName must be unique within a document.`,
            'VersionNameTaken',
          );
        }
      }
      if ((await store.countDocumentVersions(request.name)) >= this.ctx.quotas.versionsPerDocument) {
        throw new LimitExceededError(
          `Document ${request.name} already has ${this.ctx.quotas.versionsPerDocument} versions, the most allowed; delete some first.`,
          'DocumentVersionLimit',
        );
      }
      const latest = await store.getDocumentVersion(request.name, document.latestVersion);
      const number = document.versionCounter + 1;
      const version = versionRecord(
        request.name,
        number,
        request.content,
        format,
        parsed,
        {
          ...request,
          displayName: request.displayName ?? latest?.displayName,
          targetType: request.targetType ?? latest?.targetType,
          requires: latest?.requires,
        },
        now,
      );
      await store.insertDocumentVersion(version);
      return {
        document: { ...document, latestVersion: number, versionCounter: number },
        version,
        tags: await store.getTags('Document', request.name),
      };
    });
  }

  /**
   * One version of a document (default: the default version) with its tags.
   * @param nameOrArn a name, or an ARN ending in `document/<name>` for this account (or none).
   * @throws NotFoundError(Document), NotFoundError(DocumentVersion) — InvalidDocumentVersion
   *   also when DocumentVersion and VersionName name different versions.
   */
  async describe(nameOrArn: string, which: VersionRequest = {}): Promise<DescribedDocument> {
    const name = this.nameOf(nameOrArn);
    const builtin = builtinDocumentRecord(name);
    if (builtin !== undefined) {
      checkBuiltinVersion(builtin, which);
      return { ...builtin, tags: [] };
    }
    const store = this.ctx.store;
    const document = await requireStored(store, name);
    const version = await resolveVersion(store, document, which);
    return { document, version, tags: await store.getTags('Document', name) };
  }

  /**
   * A version's content in `format`, JSON when it is not given (the API's default, whatever
   * format the version was written in), converted from the stored format when they differ.
   * @throws as `describe`; ValidationError naming documentFormat for TEXT.
   */
  async getContent(
    nameOrArn: string,
    which: VersionRequest,
    format: string | undefined,
  ): Promise<{ readonly described: DescribedDocument; readonly content: string; readonly format: DocumentFormat }> {
    const described = await this.describe(nameOrArn, which);
    if (format !== undefined && format !== 'JSON' && format !== 'YAML') {
      throw ValidationError.field(
        'documentFormat',
        `Command documents are returned as JSON or YAML, not ${format}.`,
        format,
      );
    }
    const stored = described.version.documentFormat;
    const wanted: DocumentFormat = (format as DocumentFormat | undefined) ?? 'JSON';
    return { described, content: convertDocumentContent(described.version.content, stored, wanted), format: wanted };
  }

  /** One page of ListDocuments: built-in and stored documents by name, with their default version. */
  async list(query: DocumentListQuery, page: PageRequest): Promise<Page<ListedDocument>> {
    return listDocuments(this.ctx.store, query, page);
  }

  /**
   * The versions of a document, in number order, without content.
   * @throws NotFoundError(Document).
   */
  async listVersions(
    nameOrArn: string,
    page: PageRequest,
  ): Promise<{ readonly document: StoredDocument; readonly versions: Page<DocumentVersionSummary> }> {
    const name = this.nameOf(nameOrArn);
    const builtin = builtinDocumentRecord(name);
    if (builtin !== undefined) {
      const { content: _content, ...summary } = builtin.version;
      return { document: builtin.document, versions: { items: page.after === undefined ? [summary] : [] } };
    }
    const document = await requireStored(this.ctx.store, name);
    return { document, versions: await this.ctx.store.listDocumentVersions(name, page) };
  }

  /**
   * Makes an existing version the default.
   * @param documentVersion a version number (the wire has checked `^[1-9][0-9]*$`).
   * @throws ConflictError(BuiltinDocument) for an Amazon-owned document;
   *   NotFoundError(Document), NotFoundError(DocumentVersion).
   */
  async updateDefaultVersion(name: string, documentVersion: string): Promise<DefaultVersionDescription> {
    refuseBuiltin(name, 'changed');
    return this.ctx.store.transaction(async (store) => {
      const document = await requireStored(store, name);
      const version = await resolveVersion(store, document, { documentVersion });
      await store.setDefaultDocumentVersion(name, version.documentVersion);
      return {
        name,
        defaultVersion: version.documentVersion,
        ...(version.versionName === undefined ? {} : { defaultVersionName: version.versionName }),
      };
    });
  }

  /**
   * Deletes a whole document (no version given) or one version. Commands already sent keep
   * their copy of the steps.
   * @throws ConflictError(BuiltinDocument) for an Amazon-owned document, (DefaultVersionInUse)
   *   for the default version while other versions exist; NotFoundError(Document, DocumentVersion).
   */
  async delete(name: string, which: VersionRequest = {}): Promise<void> {
    refuseBuiltin(name, 'deleted');
    await this.ctx.store.transaction(async (store) => {
      const document = await requireStored(store, name);
      if (which.documentVersion === undefined && which.versionName === undefined) {
        await store.deleteDocument(name);
        return;
      }
      const version = await resolveVersion(store, document, which);
      if (version.documentVersion !== document.defaultVersion) {
        await store.deleteDocumentVersion(name, version.documentVersion);
        return;
      }
      if ((await store.countDocumentVersions(name)) > 1) {
        throw new ConflictError(
          `Version ${version.documentVersion} is the default version of document ${name} and cannot be deleted while other versions exist; make another version the default first (UpdateDocumentDefaultVersion).`,
          'DefaultVersionInUse',
        );
      }
      // The only version: deleting it deletes the document.
      await store.deleteDocument(name);
    });
  }

  /** The document name in a name or an ARN; an ARN of another account names nothing here. */
  private nameOf(nameOrArn: string): string {
    return localDocumentName(nameOrArn, this.ctx.accountId);
  }
}

function checkDocumentType(documentType: string | undefined): void {
  if (documentType !== undefined && documentType !== 'Command') {
    throw ValidationError.field(
      'documentType',
      `This server runs Command documents only; DocumentType ${documentType} is not supported.`,
      documentType,
    );
  }
}

function refuseBuiltin(name: string, what: 'updated' | 'changed' | 'deleted'): void {
  if (builtinDocumentRecord(name) !== undefined) {
    throw new ConflictError(
      `Document ${name} is owned by Amazon and cannot be ${what}; create a document of your own instead.`,
      'BuiltinDocument',
    );
  }
}

async function requireStored(store: Store, name: string): Promise<StoredDocument> {
  const document = await store.getDocument(name);
  if (document === undefined) {
    throw new NotFoundError('Document', name, `Document ${name} does not exist.`);
  }
  return document;
}

function noSuchVersion(name: string, which: VersionRequest): NotFoundError {
  const version = which.documentVersion === undefined ? 'version' : `version ${which.documentVersion}`;
  const named = which.versionName === undefined ? '' : ` named ${which.versionName}`;
  return new NotFoundError(
    'DocumentVersion',
    which.documentVersion ?? which.versionName ?? '',
    `Document ${name} has no ${version}${named}.`,
  );
}

async function resolveVersion(
  store: Store,
  document: StoredDocument,
  which: VersionRequest,
): Promise<StoredDocumentVersion> {
  let version: StoredDocumentVersion | undefined;
  if (which.documentVersion !== undefined) {
    const number = selectedVersion(document, parseVersionSelector(which.documentVersion));
    version = await store.getDocumentVersion(document.name, number);
    if (version !== undefined && which.versionName !== undefined && version.versionName !== which.versionName) {
      version = undefined;
    }
  } else if (which.versionName !== undefined) {
    version = await store.findDocumentVersionByName(document.name, which.versionName);
  } else {
    version = await store.getDocumentVersion(document.name, document.defaultVersion);
  }
  if (version === undefined) {
    throw noSuchVersion(document.name, which);
  }
  return version;
}

function checkBuiltinVersion(builtin: DocumentRecord, which: VersionRequest): void {
  const number =
    which.documentVersion === undefined
      ? 1
      : selectedVersion(builtin.document, parseVersionSelector(which.documentVersion));
  if (number !== 1 || which.versionName !== undefined) {
    throw noSuchVersion(builtin.document.name, which);
  }
}

function versionRecord(
  name: string,
  documentVersion: number,
  content: string,
  documentFormat: DocumentFormat,
  parsed: CommandDocument,
  request: {
    readonly versionName?: string;
    readonly displayName?: string;
    readonly targetType?: string;
    readonly requires?: readonly DocumentRequirement[];
    readonly attachments?: readonly DocumentAttachmentSource[];
  },
  now: number,
): StoredDocumentVersion {
  return {
    name,
    documentVersion,
    ...(request.versionName === undefined ? {} : { versionName: request.versionName }),
    ...(request.displayName === undefined ? {} : { displayName: request.displayName }),
    content,
    documentFormat,
    hash: documentHash(content),
    schemaVersion: parsed.schemaVersion,
    ...(parsed.description === undefined ? {} : { description: parsed.description }),
    parameters: describeParameters(parsed),
    platformTypes: parsed.platformTypes,
    ...(request.targetType === undefined ? {} : { targetType: request.targetType }),
    ...(request.requires === undefined ? {} : { requires: request.requires }),
    ...(request.attachments === undefined ? {} : { attachments: request.attachments }),
    status: 'Active',
    createdAt: now,
  };
}
