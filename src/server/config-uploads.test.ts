import { describe, expect, it } from 'vitest';
import { DEFAULT_ARCHIVE_LIMITS } from '../services/package-archive.js';
import { loadServerConfig } from './config.js';
import { DEFAULT_MAX_UPLOAD_BYTES, loadUploadLimits } from './config-uploads.js';
import { ConfigError, EnvReader } from './config-values.js';

describe('loadUploadLimits', () => {
  it('defaults to 32 MiB uploads and the archive inspector’s limits', () => {
    const limits = loadUploadLimits(new EnvReader({}));

    expect(limits.maxUploadBytes).toBe(DEFAULT_MAX_UPLOAD_BYTES);
    expect(limits.maxUploadBytes).toBe(32 * 1024 * 1024);
    expect(limits.archive).toEqual(DEFAULT_ARCHIVE_LIMITS);
    // The JSON form carries the file base64-encoded, with room for the other members.
    expect(limits.maxJsonUploadBodyBytes).toBe(Math.ceil((32 * 1024 * 1024) / 3) * 4 + 64 * 1024);
  });

  it('reads each limit from its variable', () => {
    const limits = loadUploadLimits(
      new EnvReader({
        MADO_MAX_UPLOAD_BYTES: '1048576',
        MADO_MAX_ARCHIVE_ENTRIES: '50',
        MADO_MAX_ARCHIVE_UNPACKED_BYTES: '2097152',
        MADO_MAX_DECOMPRESSION_RATIO: '20',
      }),
    );

    expect(limits).toEqual({
      maxUploadBytes: 1048576,
      maxJsonUploadBodyBytes: Math.ceil(1048576 / 3) * 4 + 64 * 1024,
      archive: { maxEntries: 50, maxUnpackedBytes: 2097152, maxDecompressionRatio: 20 },
    });
  });

  it('refuses values out of range, naming the variable', () => {
    expect(() => loadUploadLimits(new EnvReader({ MADO_MAX_UPLOAD_BYTES: '12' }))).toThrow(
      'MADO_MAX_UPLOAD_BYTES must be a whole number from 1024 to 1073741824; got "12".',
    );
    expect(() => loadUploadLimits(new EnvReader({ MADO_MAX_ARCHIVE_ENTRIES: '0' }))).toThrow(ConfigError);
    expect(() => loadUploadLimits(new EnvReader({ MADO_MAX_DECOMPRESSION_RATIO: 'ten' }))).toThrow(
      /MADO_MAX_DECOMPRESSION_RATIO/,
    );
  });

  it('is part of the server configuration', () => {
    expect(loadServerConfig({}, { MADO_MAX_ARCHIVE_ENTRIES: '7' }).uploads.archive.maxEntries).toBe(7);
  });
});
