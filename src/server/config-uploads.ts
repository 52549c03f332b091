/**
 * Upload limits (issue #10): how large a published file may be (MADO_MAX_UPLOAD_BYTES) and how
 * far a package archive may unpack (MADO_MAX_ARCHIVE_ENTRIES, MADO_MAX_ARCHIVE_UNPACKED_BYTES,
 * MADO_MAX_DECOMPRESSION_RATIO, the names the archive inspector's messages give, see
 * src/services/package-archive.ts).
 */
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from '../services/package-archive.js';
import type { EnvReader } from './config-values.js';

export interface UploadLimits {
  /**
   * MADO_MAX_UPLOAD_BYTES: the largest file Mado.PublishPackage and Mado.PublishAgentRelease
   * accept, as the raw body of the binary form (streamed to a file) or inside the JSON form.
   */
  readonly maxUploadBytes: number;
  /**
   * Body limit of the JSON form of the upload operations: the file base64-encoded plus room for
   * the other members (the binary form is counted against `maxUploadBytes` itself).
   */
  readonly maxJsonUploadBodyBytes: number;
  /** How far a package archive may unpack, checked while it is streamed. */
  readonly archive: ArchiveLimits;
}

export const DEFAULT_MAX_UPLOAD_BYTES = 32 * 1024 * 1024;
/** Uploads are held whole by the store after their checks (compressed): keep them far below memory. */
const MAX_UPLOAD_BYTES_CEILING = 1024 * 1024 * 1024;

/** The upload limits from MADO_* variables. @throws ConfigError naming the variable. */
export function loadUploadLimits(env: EnvReader): UploadLimits {
  const maxUploadBytes = env.integer('MADO_MAX_UPLOAD_BYTES', DEFAULT_MAX_UPLOAD_BYTES, 1024, MAX_UPLOAD_BYTES_CEILING);
  const d = DEFAULT_ARCHIVE_LIMITS;
  return Object.freeze({
    maxUploadBytes,
    maxJsonUploadBodyBytes: Math.ceil(maxUploadBytes / 3) * 4 + 64 * 1024,
    archive: Object.freeze({
      maxEntries: env.integer('MADO_MAX_ARCHIVE_ENTRIES', d.maxEntries, 1, 10_000_000),
      maxUnpackedBytes: env.integer('MADO_MAX_ARCHIVE_UNPACKED_BYTES', d.maxUnpackedBytes, 1024, 1024 ** 4),
      maxDecompressionRatio: env.integer('MADO_MAX_DECOMPRESSION_RATIO', d.maxDecompressionRatio, 1, 100_000),
    }),
  });
}
