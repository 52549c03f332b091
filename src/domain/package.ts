/**
 * Packages (Mado's Distributor): named, versioned archives of install/uninstall/update scripts and
 * files, published to the server's package store and installed on nodes by `aws:configurePackage`
 * (AWS-ConfigureAWSPackage). See docs/packages.md.
 *
 * - A package version is immutable once published: its archive (a gzipped tar with
 *   `manifest.json` at its root), the archive's SHA-256 and the validated manifest.
 * - A package exists while it has at least one version.
 * - What a node has installed is its application inventory, which the agent reports and the
 *   server keeps per node (SSM's `AWS:Application` inventory type).
 */
import type { PackageManifest } from './package-manifest.js';

/**
 * Package names: 1-128 letters, digits, `.`, `_`, `-`, starting with a letter or digit. They
 * name directories on the nodes, so nothing else is allowed (AWS-ConfigureAWSPackage's own
 * pattern, which also admits `/` and `:` for ARNs, is checked before this one).
 */
export const PACKAGE_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';

/** Published versions: AWS-ConfigureAWSPackage's `version` pattern, without the empty value. */
export const PACKAGE_VERSION_PATTERN = '^[0-9A-Za-z][0-9A-Za-z.+~_-]{0,127}$';

/**
 * Largest archive the store accepts by default (the gzipped tar as published); the server gives
 * the package store its upload limit instead (MADO_MAX_UPLOAD_BYTES, src/server/config-uploads.ts).
 */
export const MAX_PACKAGE_ARCHIVE_BYTES = 32 * 1024 * 1024;

/**
 * Size of the pieces an archive is stored and sent to agents in. One piece, base64-encoded in a
 * JSON frame, stays far below the agent protocol's frame limit.
 */
export const PACKAGE_CHUNK_BYTES = 1024 * 1024;

export function isPackageName(name: string): boolean {
  return new RegExp(PACKAGE_NAME_PATTERN).test(name);
}

export function isPackageVersion(version: string): boolean {
  return new RegExp(PACKAGE_VERSION_PATTERN).test(version);
}

/**
 * The package name in AWS-ConfigureAWSPackage's `name`: the name itself, or the last part of a
 * package ARN (`arn:aws:ssm:eu-west-1:123456789012:package/MyPackage` → `MyPackage`). Undefined
 * when what is left is not a package name.
 */
export function packageNameOf(nameOrArn: string): string | undefined {
  const arn = /^arn:[^:]*:[^:]*:[^:]*:[^:]*:(?:package|document)\/(.+)$/.exec(nameOrArn);
  const name = arn === null ? nameOrArn : arn[1]!;
  return isPackageName(name) ? name : undefined;
}

/** One published version, without its archive bytes. */
export interface PackageVersion {
  readonly name: string;
  readonly version: string;
  readonly manifest: PackageManifest;
  /** Lower-case hex SHA-256 of the archive. */
  readonly sha256: string;
  readonly sizeBytes: number;
  /** Number of `PACKAGE_CHUNK_BYTES` pieces the archive is stored in (the last may be shorter). */
  readonly chunkCount: number;
  readonly createdAt: number;
}

/** A package as listings show it: its versions summed up. */
export interface PackageSummary {
  readonly name: string;
  readonly latestVersion: string;
  readonly versionCount: number;
  /** From the latest version's manifest. */
  readonly publisher?: string;
  readonly description?: string;
  /** When the first version still stored was published. */
  readonly createdAt: number;
  /** When the newest-published version still stored was published. */
  readonly lastPublishedAt: number;
}

/** The pieces of an archive, `PACKAGE_CHUNK_BYTES` each (the last one shorter). */
export function chunksOf(archive: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < archive.length; offset += PACKAGE_CHUNK_BYTES) {
    chunks.push(archive.subarray(offset, offset + PACKAGE_CHUNK_BYTES));
  }
  return chunks;
}

/** One package installed on a node, as the agent reports it. */
export interface InstalledApplication {
  readonly name: string;
  readonly version: string;
  readonly installedAt: number;
  readonly publisher?: string;
  /** The node architecture the installed entry was chosen for (e.g. `x86_64`). */
  readonly architecture?: string;
  /** The manifest's description. */
  readonly summary?: string;
}

/** What a node reported it has installed, and when it looked. */
export interface ApplicationInventory {
  readonly capturedAt: number;
  readonly applications: readonly InstalledApplication[];
}

/** SSM's inventory type name for installed applications. */
export const APPLICATION_INVENTORY_TYPE = 'AWS:Application';
/** The `AWS:Application` schema version SSM reports. */
export const APPLICATION_INVENTORY_SCHEMA_VERSION = '1.1';
