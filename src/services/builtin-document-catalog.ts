/**
 * The documents Mado ships (Owner Amazon, version 1), as a DocumentCatalog. Parsed once.
 */
import { findBuiltinDocument } from '../domain/builtin-documents.js';
import {
  documentHash,
  executionTimeoutSeconds,
  parseCommandDocument,
  renderSteps,
  validateParameters,
  type CommandDocument,
} from '../domain/document.js';
import { NotFoundError } from '../domain/errors.js';
import { documentNameOf, type CatalogDocument, type DocumentCatalog } from './document-catalog.js';

const BUILTIN_VERSION = '1';

export class BuiltinDocumentCatalog implements DocumentCatalog {
  private readonly parsed = new Map<string, CatalogDocument>();

  async resolve(nameOrArn: string, version: string | undefined): Promise<CatalogDocument> {
    const name = documentNameOf(nameOrArn);
    const builtin = findBuiltinDocument(name);
    if (builtin === undefined) {
      throw new NotFoundError('Document', name, `Document ${name} does not exist.`);
    }
    if (version !== undefined && version !== '$DEFAULT' && version !== '$LATEST' && version !== BUILTIN_VERSION) {
      throw new NotFoundError('DocumentVersion', version, `Document ${name} has no version ${version}.`);
    }
    let document = this.parsed.get(name);
    if (document === undefined) {
      const parsed: CommandDocument = parseCommandDocument(builtin.content, builtin.documentFormat);
      document = {
        name,
        version: BUILTIN_VERSION,
        platformTypes: parsed.platformTypes,
        hash: documentHash(builtin.content),
        sizeBytes: Buffer.byteLength(builtin.content),
        render: (parameters) => {
          const resolved = validateParameters(parsed, parameters);
          return {
            steps: renderSteps(parsed, resolved),
            executionTimeoutSeconds: executionTimeoutSeconds(parsed, resolved),
          };
        },
      };
      this.parsed.set(name, document);
    }
    return document;
  }
}
