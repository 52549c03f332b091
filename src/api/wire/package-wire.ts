/** Package store records → the wire structures of Mado's package operations. */
import type { PackageSummary, PackageVersion } from '../../domain/package.js';
import { entryKeys } from '../../domain/package-manifest.js';
import { compact, timestamp } from './shapes.js';

/** `PackageVersion`: one published version, without its manifest unless asked. */
export function packageVersionWire(version: PackageVersion, options: { isLatest?: boolean; manifest?: boolean } = {}) {
  return compact({
    Name: version.name,
    Version: version.version,
    IsLatest: options.isLatest,
    Sha256: version.sha256,
    SizeBytes: version.sizeBytes,
    Publisher: version.manifest.publisher,
    Description: version.manifest.description,
    Platforms: entryKeys(version.manifest),
    CreatedDate: timestamp(version.createdAt),
    Manifest: options.manifest === true ? version.manifest : undefined,
  });
}

/** `Package`: a package's versions summed up. */
export function packageSummaryWire(summary: PackageSummary) {
  return compact({
    Name: summary.name,
    LatestVersion: summary.latestVersion,
    VersionCount: summary.versionCount,
    Publisher: summary.publisher,
    Description: summary.description,
    CreatedDate: timestamp(summary.createdAt),
    LastPublishedDate: timestamp(summary.lastPublishedAt),
  });
}
