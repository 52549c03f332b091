/**
 * Where Run Command and the window engine find documents: the Amazon-owned ones (through
 * `BuiltinDocumentCatalog`) and those created through the API (from the store), by name or ARN
 * and by version (`$DEFAULT` when none is given, `$LATEST`, or a number). A stored version's
 * content never changes, so its parsed form is cached by name, version and hash.
 */
import {
  documentHash,
  executionTimeoutSeconds,
  parseCommandDocument,
  renderSteps,
  validateParameters,
} from '../domain/document.js';
import { NotFoundError } from '../domain/errors.js';
import { parseVersionSelector, selectedVersion, type StoredDocumentVersion } from '../domain/stored-document.js';
import { findBuiltinDocument } from '../domain/builtin-documents.js';
import type { Store } from '../store/store.js';
import { BuiltinDocumentCatalog } from './builtin-document-catalog.js';
import { localDocumentName, type CatalogDocument, type DocumentCatalog } from './document-catalog.js';

/** Parsed versions kept; the oldest is forgotten first. */
const CACHE_CAPACITY = 200;

const VERSION = /^([$]LATEST|[$]DEFAULT|[1-9][0-9]*)$/;

export class StoreDocumentCatalog implements DocumentCatalog {
  private readonly builtins = new BuiltinDocumentCatalog();
  private readonly parsed = new Map<string, CatalogDocument>();

  /** @param accountId the account whose document ARNs are answered (besides Amazon's, with none). */
  constructor(
    private readonly store: Store,
    private readonly accountId: string,
  ) {}

  async resolve(nameOrArn: string, version: string | undefined): Promise<CatalogDocument> {
    const name = localDocumentName(nameOrArn, this.accountId);
    if (findBuiltinDocument(name) !== undefined) {
      return this.builtins.resolve(name, version);
    }
    const document = await this.store.getDocument(name);
    if (document === undefined) {
      throw new NotFoundError('Document', name, `Document ${name} does not exist.`);
    }
    const number =
      version === undefined
        ? document.defaultVersion
        : VERSION.test(version)
          ? selectedVersion(document, parseVersionSelector(version))
          : undefined;
    const stored = number === undefined ? undefined : await this.store.getDocumentVersion(name, number);
    if (stored === undefined) {
      throw new NotFoundError('DocumentVersion', version ?? '', `Document ${name} has no version ${version}.`);
    }
    return this.catalogDocument(stored);
  }

  private catalogDocument(stored: StoredDocumentVersion): CatalogDocument {
    const key = `${stored.name}\u0000${stored.documentVersion}\u0000${stored.hash}`;
    const cached = this.parsed.get(key);
    if (cached !== undefined) {
      return cached;
    }
    const parsed = parseCommandDocument(stored.content, stored.documentFormat);
    const document: CatalogDocument = {
      name: stored.name,
      version: String(stored.documentVersion),
      platformTypes: parsed.platformTypes,
      hash: documentHash(stored.content),
      sizeBytes: Buffer.byteLength(stored.content),
      render: (parameters) => {
        const resolved = validateParameters(parsed, parameters);
        return {
          steps: renderSteps(parsed, resolved),
          executionTimeoutSeconds: executionTimeoutSeconds(parsed, resolved),
        };
      },
    };
    if (this.parsed.size >= CACHE_CAPACITY) {
      this.parsed.delete(this.parsed.keys().next().value!);
    }
    this.parsed.set(key, document);
    return document;
  }
}
