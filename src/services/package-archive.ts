/**
 * Reading a published package archive (a gzipped tar) without unpacking it: what it holds and
 * the text of its `manifest.json`. The archive is refused, with the reason, when it is not a
 * gzipped tar, when an entry is anything but a file or a directory (links could point outside the
 * package directory on a node), when a path would leave the package, or when it is too big to
 * unpack safely on a node.
 *
 * Invariants: the archive is read as a stream (gzip via node:zlib, then the `tar` parser) and
 * nothing decompressed is kept but the manifest (at most MAX_MANIFEST_BYTES) and the listing of
 * paths; the limits are checked WHILE streaming and reading stops at the first one exceeded:
 *  - entries (`maxEntries`), counted as headers arrive;
 *  - unpacked bytes (`maxUnpackedBytes`), the sum of the files' declared sizes, and the
 *    decompressed stream itself, which may exceed that sum only by tar's headers and padding;
 *  - the decompression ratio (`maxDecompressionRatio`): decompressed bytes over compressed bytes
 *    read so far, checked once RATIO_FLOOR_BYTES have been decompressed (a small archive of
 *    sparse files compresses far, and costs nothing to read).
 * A gzip stream inside the gzip stream is refused (the tar parser would otherwise unzip it
 * itself, past these counts).
 */
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';
import {
  archivePathProblem,
  MANIFEST_FILE_NAME,
  normaliseArchivePath,
  type ArchiveListing,
} from '../domain/package-manifest.js';

export interface ArchiveLimits {
  /** Entries an archive may hold (MADO_MAX_ARCHIVE_ENTRIES). */
  readonly maxEntries: number;
  /** Bytes an archive may unpack to, the sum of its files' sizes (MADO_MAX_ARCHIVE_UNPACKED_BYTES). */
  readonly maxUnpackedBytes: number;
  /** Decompressed bytes per compressed byte (MADO_MAX_DECOMPRESSION_RATIO). */
  readonly maxDecompressionRatio: number;
}

export const DEFAULT_ARCHIVE_LIMITS = {
  maxEntries: 10_000,
  maxUnpackedBytes: 1024 * 1024 * 1024,
  maxDecompressionRatio: 100,
} as const satisfies ArchiveLimits;

/** Decompressed bytes read before the ratio is checked. */
export const RATIO_FLOOR_BYTES = 16 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 1024 * 1024;
/** Tar's overhead per entry at most: a 512-byte header and up to 511 bytes of padding. */
const TAR_ENTRY_OVERHEAD = 1024;
/** Tar's end-of-archive blocks rounded up to a record, with room for long-name headers. */
const TAR_TRAILER_ALLOWANCE = 1024 * 1024;

export type ArchiveReading =
  | { readonly ok: true; readonly listing: ArchiveListing; readonly manifestText: string | undefined }
  | { readonly ok: false; readonly problem: string };

const NOT_GZIP = 'The archive is not a gzip-compressed tar file (.tar.gz).';

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Follows the entries of the tar stream: the listing, the manifest, the first problem. */
class EntryChecker {
  readonly listing = new Map<string, 'file' | 'directory'>();
  manifest: Buffer[] | undefined;
  problem: string | undefined;
  private entries = 0;
  private unpackedBytes = 0;

  constructor(private readonly limits: ArchiveLimits) {}

  refuse(text: string): void {
    this.problem ??= text;
  }

  readonly onEntry = (entry: ReadEntry): void => {
    this.entries += 1;
    const path = normaliseArchivePath(entry.path);
    if (this.entries > this.limits.maxEntries) {
      this.refuse(
        `The archive holds more than ${this.limits.maxEntries} entries (limit MADO_MAX_ARCHIVE_ENTRIES=${this.limits.maxEntries}).`,
      );
    } else if (path === '' && entry.type === 'Directory') {
      // The archive's own root (`./`).
    } else if (archivePathProblem(path) !== undefined) {
      this.refuse(`The archive entry "${entry.path}" ${archivePathProblem(path)!}.`);
    } else if (entry.type === 'Directory') {
      this.listing.set(path, 'directory');
    } else if (entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile') {
      if (this.onFile(entry, path)) {
        return;
      }
    } else {
      this.refuse(
        `The archive entry "${entry.path}" is a ${entry.type}; a package may hold only files and directories (no links or devices).`,
      );
    }
    entry.resume();
  };

  /** True when the entry's data is being kept (the manifest). */
  private onFile(entry: ReadEntry, path: string): boolean {
    this.listing.set(path, 'file');
    this.unpackedBytes += entry.size ?? 0;
    if (this.unpackedBytes > this.limits.maxUnpackedBytes) {
      this.refuse(
        `The archive unpacks to more than ${this.limits.maxUnpackedBytes} bytes (limit MADO_MAX_ARCHIVE_UNPACKED_BYTES=${this.limits.maxUnpackedBytes}).`,
      );
    }
    // Parent directories need no entry of their own in a tar file; the listing has them anyway.
    const segments = path.split('/');
    for (let length = 1; length < segments.length; length += 1) {
      this.listing.set(segments.slice(0, length).join('/'), 'directory');
    }
    if (path !== MANIFEST_FILE_NAME) {
      return false;
    }
    if ((entry.size ?? 0) > MAX_MANIFEST_BYTES) {
      this.refuse(`${MANIFEST_FILE_NAME} is larger than ${MAX_MANIFEST_BYTES} bytes.`);
      return false;
    }
    const parts: Buffer[] = [];
    this.manifest = parts;
    entry.on('data', (chunk: Buffer) => parts.push(chunk));
    return true;
  }
}

/** Lists the archive read from `source` and reads its manifest.json. Never throws for bad input. */
export function readPackageArchive(
  source: Readable,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): Promise<ArchiveReading> {
  const checker = new EntryChecker(limits);
  const maxStreamBytes = limits.maxUnpackedBytes + limits.maxEntries * TAR_ENTRY_OVERHEAD + TAR_TRAILER_ALLOWANCE;
  const gunzip = createGunzip();
  const parser = new Parser({ strict: true, brotli: false, zstd: false, onReadEntry: checker.onEntry });
  let compressed = 0;
  let decompressed = 0;
  return new Promise<ArchiveReading>((resolve) => {
    let settled = false;
    const finish = (problem?: string) => {
      if (settled) {
        return;
      }
      settled = true;
      source.destroy();
      gunzip.destroy();
      const refused = problem ?? checker.problem;
      if (refused !== undefined) {
        resolve({ ok: false, problem: refused });
        return;
      }
      const manifest = checker.manifest;
      resolve({
        ok: true,
        listing: checker.listing,
        manifestText: manifest === undefined ? undefined : Buffer.concat(manifest).toString('utf8'),
      });
    };
    const unreadable = (error: Error) => finish(`The archive cannot be read as a gzipped tar file: ${error.message}`);
    source.on('data', (chunk: Buffer) => {
      if (compressed === 0 && !isGzip(chunk)) {
        finish(NOT_GZIP);
        return;
      }
      compressed += chunk.length;
    });
    source.on('error', unreadable);
    gunzip.on('error', unreadable);
    parser.on('error', unreadable);
    gunzip.on('data', (chunk: Buffer) => {
      if (decompressed === 0 && isGzip(chunk)) {
        finish('The archive is compressed twice; publish a tar file compressed once with gzip.');
        return;
      }
      decompressed += chunk.length;
      if (decompressed > maxStreamBytes) {
        finish(
          `The archive decompresses to more than ${maxStreamBytes} bytes, more than its files may unpack to (limit MADO_MAX_ARCHIVE_UNPACKED_BYTES=${limits.maxUnpackedBytes}).`,
        );
        return;
      }
      if (decompressed > RATIO_FLOOR_BYTES && decompressed > limits.maxDecompressionRatio * compressed) {
        finish(
          `The archive decompresses more than ${limits.maxDecompressionRatio} times its compressed size (${decompressed} bytes from the first ${compressed}; limit MADO_MAX_DECOMPRESSION_RATIO=${limits.maxDecompressionRatio}).`,
        );
        return;
      }
      parser.write(chunk);
      if (checker.problem !== undefined) {
        finish();
      }
    });
    gunzip.on('end', () => parser.end());
    parser.on('end', () => finish());
    parser.on('close', () => finish());
    source.on('end', () => {
      if (compressed === 0) {
        finish('The archive is empty.');
      }
    });
    source.pipe(gunzip);
  });
}
