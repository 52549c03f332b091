/**
 * Reading a published package archive (a gzipped tar) without unpacking it: what it holds and
 * the text of its `manifest.json`. The archive is refused, with the reason, when it is not a
 * gzipped tar, when an entry is anything but a file or a directory (links could point outside the
 * package directory on a node), when a path would leave the package, or when it is too big to
 * unpack safely on a node.
 */
import { Parser, type ReadEntry } from 'tar';
import {
  archivePathProblem,
  MANIFEST_FILE_NAME,
  normaliseArchivePath,
  type ArchiveListing,
} from '../domain/package-manifest.js';

/** Entries an archive may hold. */
export const MAX_ARCHIVE_ENTRIES = 10_000;
/** Bytes an archive may unpack to (the sum of its files' sizes). */
export const MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 1024 * 1024;

export type ArchiveReading =
  | { readonly ok: true; readonly listing: ArchiveListing; readonly manifestText: string | undefined }
  | { readonly ok: false; readonly problem: string };

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Lists the archive and reads its manifest.json. Never throws for bad input. */
export async function readPackageArchive(bytes: Uint8Array): Promise<ArchiveReading> {
  if (!isGzip(bytes)) {
    return { ok: false, problem: 'The archive is not a gzip-compressed tar file (.tar.gz).' };
  }
  const listing = new Map<string, 'file' | 'directory'>();
  let manifest: Buffer[] | undefined;
  let problem: string | undefined;
  let entries = 0;
  let unpackedBytes = 0;
  const refuse = (text: string) => {
    problem ??= text;
  };
  const onEntry = (entry: ReadEntry) => {
    entries += 1;
    const path = normaliseArchivePath(entry.path);
    if (entries > MAX_ARCHIVE_ENTRIES) {
      refuse(`The archive holds more than ${MAX_ARCHIVE_ENTRIES} entries.`);
    } else if (path === '' && entry.type === 'Directory') {
      // The archive's own root (`./`).
    } else if (archivePathProblem(path) !== undefined) {
      refuse(`The archive entry "${entry.path}" ${archivePathProblem(path)!}.`);
    } else if (entry.type === 'Directory') {
      listing.set(path, 'directory');
    } else if (entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile') {
      listing.set(path, 'file');
      unpackedBytes += entry.size ?? 0;
      if (unpackedBytes > MAX_UNPACKED_BYTES) {
        refuse(`The archive unpacks to more than ${MAX_UNPACKED_BYTES} bytes.`);
      }
      // Parent directories need no entry of their own in a tar file; the listing has them anyway.
      const segments = path.split('/');
      for (let length = 1; length < segments.length; length += 1) {
        listing.set(segments.slice(0, length).join('/'), 'directory');
      }
      if (path === MANIFEST_FILE_NAME) {
        if ((entry.size ?? 0) > MAX_MANIFEST_BYTES) {
          refuse(`${MANIFEST_FILE_NAME} is larger than ${MAX_MANIFEST_BYTES} bytes.`);
        } else {
          const parts: Buffer[] = [];
          manifest = parts;
          entry.on('data', (chunk: Buffer) => parts.push(chunk));
          return;
        }
      }
    } else {
      refuse(
        `The archive entry "${entry.path}" is a ${entry.type}; a package may hold only files and directories (no links or devices).`,
      );
    }
    entry.resume();
  };
  const parser = new Parser({ strict: true, onReadEntry: onEntry });
  try {
    await new Promise<void>((resolve, reject) => {
      parser.on('end', () => resolve());
      parser.on('close', () => resolve());
      parser.on('error', reject);
      parser.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    });
  } catch (error) {
    return { ok: false, problem: `The archive cannot be read as a gzipped tar file: ${(error as Error).message}` };
  }
  if (problem !== undefined) {
    return { ok: false, problem };
  }
  return {
    ok: true,
    listing,
    manifestText: manifest === undefined ? undefined : Buffer.concat(manifest).toString('utf8'),
  };
}
