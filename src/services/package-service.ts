/**
 * The package store (Mado's Distributor): publish a version (archive checked, manifest
 * validated, stored in pieces in one transaction), list packages and versions, resolve a blank
 * version to the latest, delete a version. Versions are immutable: publishing a version that
 * exists is refused, whatever its content.
 */
import { createHash } from 'node:crypto';
import { AlreadyExistsError, NotFoundError, ValidationError } from '../domain/errors.js';
import {
  chunksOf,
  isPackageName,
  isPackageVersion,
  MAX_PACKAGE_ARCHIVE_BYTES,
  PACKAGE_NAME_PATTERN,
  PACKAGE_VERSION_PATTERN,
  type PackageSummary,
  type PackageVersion,
} from '../domain/package.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../domain/json-depth.js';
import { checkPackageManifest, describeManifestProblems, MANIFEST_FILE_NAME } from '../domain/package-manifest.js';
import { compareVersions, latestVersion } from '../domain/package-version-order.js';
import { DEFAULT_ARCHIVE_LIMITS, readPackageArchive, type ArchiveLimits } from './package-archive.js';
import { contentBytes, contentSize, contentStream, isUploadedFile, type UploadContent } from './uploaded-file.js';
import type { ServiceContext } from './service-context.js';

function checkName(name: string, field = 'name'): void {
  if (!isPackageName(name)) {
    throw ValidationError.field(field, `Member must satisfy regular expression pattern: ${PACKAGE_NAME_PATTERN}`, name);
  }
}

function checkVersion(version: string, field = 'version'): void {
  if (!isPackageVersion(version)) {
    throw ValidationError.field(
      field,
      `Member must satisfy regular expression pattern: ${PACKAGE_VERSION_PATTERN}`,
      version,
    );
  }
}

function invalidArchive(message: string): ValidationError {
  return new ValidationError(message, { reason: 'PackageArchive' });
}

function invalidManifest(
  message: string,
  violations: readonly { field: string; message: string }[] = [],
): ValidationError {
  return new ValidationError(message, { reason: 'PackageManifest', violations });
}

export interface PackageStoreOptions {
  /** Largest archive accepted, compressed (MADO_MAX_UPLOAD_BYTES). */
  readonly maxArchiveBytes: number;
  /** How far an archive may unpack (MADO_MAX_ARCHIVE_*), checked while it is read. */
  readonly archiveLimits: ArchiveLimits;
}

export const DEFAULT_PACKAGE_STORE_OPTIONS = {
  maxArchiveBytes: MAX_PACKAGE_ARCHIVE_BYTES,
  archiveLimits: DEFAULT_ARCHIVE_LIMITS,
} as const satisfies PackageStoreOptions;

export class PackageService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly options: PackageStoreOptions = DEFAULT_PACKAGE_STORE_OPTIONS,
  ) {}

  /**
   * Publishes `name` `version` from a gzipped tar archive with `manifest.json` at its root.
   * @param expectedSha256 when given, the archive must have this SHA-256 (lower-case hex).
   * @throws ValidationError (no reason for a bad name or version, PackageArchive,
   *   PackageManifest naming every field at fault); AlreadyExistsError(PackageVersion).
   */
  async publish(
    name: string,
    version: string,
    archive: UploadContent,
    expectedSha256?: string,
  ): Promise<PackageVersion> {
    checkName(name);
    checkVersion(version);
    const sizeBytes = contentSize(archive);
    if (sizeBytes === 0) {
      throw invalidArchive('The archive is empty.');
    }
    const maxBytes = this.options.maxArchiveBytes;
    if (sizeBytes > maxBytes) {
      throw invalidArchive(
        `The archive is ${sizeBytes} bytes; packages may be at most ${maxBytes} bytes (limit MADO_MAX_UPLOAD_BYTES=${maxBytes}).`,
      );
    }
    const sha256 = isUploadedFile(archive) ? archive.sha256 : createHash('sha256').update(archive).digest('hex');
    if (expectedSha256 !== undefined && expectedSha256.toLowerCase() !== sha256) {
      throw invalidArchive(
        `The archive's SHA-256 is ${sha256}, not ${expectedSha256.toLowerCase()} as given: it was changed or cut short in transit.`,
      );
    }
    // Streamed: nothing decompressed is held but the manifest and the listing.
    const reading = await readPackageArchive(contentStream(archive), this.options.archiveLimits);
    if (!reading.ok) {
      throw invalidArchive(reading.problem);
    }
    if (reading.manifestText === undefined) {
      throw invalidManifest(
        `${MANIFEST_FILE_NAME}: the archive has no ${MANIFEST_FILE_NAME} at its root (a package archive holds it beside its scripts).`,
      );
    }
    if (exceedsJsonDepth(reading.manifestText)) {
      throw invalidManifest(`${MANIFEST_FILE_NAME}: is nested deeper than ${MAX_JSON_DEPTH} levels.`);
    }
    let raw: unknown;
    try {
      raw = JSON.parse(reading.manifestText);
    } catch (error) {
      throw invalidManifest(`${MANIFEST_FILE_NAME}: is not valid JSON (${(error as Error).message}).`);
    }
    const checked = checkPackageManifest(raw, { name, version }, reading.listing);
    if (!checked.ok) {
      throw invalidManifest(`${MANIFEST_FILE_NAME}: ${describeManifestProblems(checked.problems)}`, checked.problems);
    }
    // The compressed archive whole (at most maxArchiveBytes): the store keeps it in pieces.
    const chunks = chunksOf(await contentBytes(archive));
    const published: PackageVersion = {
      name,
      version,
      manifest: checked.manifest,
      sha256,
      sizeBytes,
      chunkCount: chunks.length,
      createdAt: this.ctx.clock.now().getTime(),
    };
    await this.ctx.store.transaction(async (store) => {
      if ((await store.getPackageVersion(name, version)) !== undefined) {
        throw new AlreadyExistsError(
          'PackageVersion',
          `${name} ${version}`,
          `Package ${name} version ${version} already exists; versions cannot be replaced (delete it first, or publish a new version).`,
        );
      }
      await store.insertPackageVersion(published, chunks);
    });
    this.ctx.logger.info({ name, version, sizeBytes, sha256 }, 'package version published');
    return published;
  }

  /** Every package, by name, with its latest version. */
  async listPackages(namePrefix?: string): Promise<PackageSummary[]> {
    const byName = new Map<string, PackageVersion[]>();
    for (const version of await this.ctx.store.listPackageVersions()) {
      if (namePrefix !== undefined && !version.name.startsWith(namePrefix)) {
        continue;
      }
      const versions = byName.get(version.name) ?? [];
      versions.push(version);
      byName.set(version.name, versions);
    }
    return [...byName.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, versions]) => {
        const latest = latestOf(versions);
        return {
          name,
          latestVersion: latest.version,
          versionCount: versions.length,
          ...(latest.manifest.publisher === undefined ? {} : { publisher: latest.manifest.publisher }),
          ...(latest.manifest.description === undefined ? {} : { description: latest.manifest.description }),
          createdAt: Math.min(...versions.map((version) => version.createdAt)),
          lastPublishedAt: Math.max(...versions.map((version) => version.createdAt)),
        };
      });
  }

  /**
   * The versions of a package, newest first.
   * @throws NotFoundError(Package) when it has none.
   */
  async listVersions(name: string): Promise<PackageVersion[]> {
    checkName(name);
    const versions = await this.ctx.store.listPackageVersions(name);
    if (versions.length === 0) {
      throw new NotFoundError('Package', name, `Package ${name} does not exist.`);
    }
    return versions.sort((a, b) => compareVersions(b.version, a.version));
  }

  /**
   * One version; a blank or absent version is the latest (by version order, not publication time).
   * @throws NotFoundError(Package | PackageVersion).
   */
  async getVersion(name: string, version?: string): Promise<PackageVersion> {
    checkName(name);
    if (version === undefined || version === '') {
      return latestOf(await this.listVersions(name));
    }
    checkVersion(version);
    const found = await this.ctx.store.getPackageVersion(name, version);
    if (found === undefined) {
      const others = (await this.ctx.store.listPackageVersions(name))
        .map((other) => other.version)
        .sort((a, b) => compareVersions(b, a));
      throw others.length === 0
        ? new NotFoundError('Package', name, `Package ${name} does not exist.`)
        : new NotFoundError(
            'PackageVersion',
            `${name} ${version}`,
            `Package ${name} has no version ${version} (it has ${others.join(', ')}).`,
          );
    }
    return found;
  }

  /** @throws NotFoundError(PackageVersion) when the version does not exist. */
  async deleteVersion(name: string, version: string): Promise<void> {
    checkName(name);
    checkVersion(version);
    if (!(await this.ctx.store.deletePackageVersion(name, version))) {
      throw new NotFoundError('PackageVersion', `${name} ${version}`, `Package ${name} has no version ${version}.`);
    }
    this.ctx.logger.info({ name, version }, 'package version deleted');
  }
}

function latestOf(versions: readonly PackageVersion[]): PackageVersion {
  const latest = latestVersion(versions.map((version) => version.version));
  return versions.find((version) => version.version === latest)!;
}
