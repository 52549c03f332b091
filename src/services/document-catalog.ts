/**
 * Where Run Command finds documents: by name (or ARN) and version, already parsed, with what it
 * takes to validate parameters and render the steps. `BuiltinDocumentCatalog` knows the
 * Amazon-owned documents; `StoreDocumentCatalog` adds those created through the API.
 */
import type { ResolvedStep } from '../domain/command.js';
import { NotFoundError } from '../domain/errors.js';
import type { PlatformType } from '../domain/managed-node.js';

export interface CatalogDocument {
  readonly name: string;
  /** The version resolved ("1", "2", …). */
  readonly version: string;
  readonly platformTypes: readonly PlatformType[];
  readonly hash: string;
  /** Content size in bytes, for the 64 KB limit. */
  readonly sizeBytes: number;
  /**
   * Validates the caller's parameters against the document and renders its steps.
   * @throws ValidationError (reason DocumentParameters) naming every bad parameter.
   */
  render(parameters: Readonly<Record<string, readonly string[]>>): {
    readonly steps: readonly ResolvedStep[];
    readonly executionTimeoutSeconds: number;
  };
}

export interface DocumentCatalog {
  /**
   * @param nameOrArn a document name, or an ARN ending in `document/<name>`.
   * @param version `$DEFAULT` (default), `$LATEST` or a version number.
   * @throws NotFoundError(Document) → InvalidDocument; NotFoundError(DocumentVersion).
   */
  resolve(nameOrArn: string, version: string | undefined): Promise<CatalogDocument>;
}

/** The document name inside a document ARN (`arn:aws:ssm:region:account:document/Name`). */
export function documentNameOf(nameOrArn: string): string {
  const marker = nameOrArn.indexOf(':document/');
  return nameOrArn.startsWith('arn:') && marker >= 0 ? nameOrArn.slice(marker + ':document/'.length) : nameOrArn;
}

/**
 * The name of a document of this server in a name or an ARN (`arn:<partition>:ssm:<region>:
 * <account>:document/<name>`). The ARN's account must be `accountId`, or empty as in the ARNs
 * of Amazon-owned documents (spec §2.3).
 * @throws NotFoundError(Document) for a malformed document ARN or one of another account.
 */
export function localDocumentName(nameOrArn: string, accountId: string): string {
  if (!nameOrArn.startsWith('arn:')) {
    return nameOrArn;
  }
  const match = /^arn:[^:]*:ssm:[^:]*:([^:]*):document\/(.+)$/.exec(nameOrArn);
  const account = match?.[1];
  const name = match?.[2];
  if (name === undefined || (account !== '' && account !== accountId)) {
    throw new NotFoundError(
      'Document',
      nameOrArn,
      `Document ${nameOrArn} does not exist or is not shared with account ${accountId}.`,
    );
  }
  return name;
}
