/**
 * Crash-safe file writes. A reader (or the agent after a power cut) sees either the old content
 * or the new one, never a torn file: write a temporary file in the same directory, fsync it,
 * rename it over the target, then fsync the directory so the rename itself is durable.
 *
 * Synchronous on purpose: the journal must be on disk before the agent says `accepted`, and
 * doing it synchronously means no other frame is handled in between.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

const isWindows = process.platform === 'win32';

/** Flushes a directory entry to disk (a no-op on Windows, where directories cannot be opened). */
export function fsyncDirectory(dir: string): void {
  if (isWindows) {
    return;
  }
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeTemporary(path: string, data: string | Uint8Array, mode: number, durable = true): string {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temporary, 'wx', mode);
  try {
    // The umask can only remove bits; set the exact mode in case the file must be wider (0644).
    if (!isWindows) {
      chmodSync(temporary, mode);
    }
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    }
    if (durable) {
      fsyncSync(fd);
    }
  } catch (error) {
    closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
  closeSync(fd);
  return temporary;
}

/** Replaces `path` with `data` atomically and durably, with file mode `mode`. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): void {
  const temporary = writeTemporary(path, data, mode);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
  fsyncDirectory(dirname(path));
}

/**
 * Replaces `path` with `data` atomically against process crashes (a reader sees the old content
 * or the new one) but not durably: nothing is fsynced, so a power cut may lose the new content.
 * For files that only have to outlive the process that wrote them, such as a step host's
 * record of how its step ended, which the worker then journals durably itself.
 */
export function replaceFile(path: string, data: string | Uint8Array, mode = 0o600): void {
  const temporary = writeTemporary(path, data, mode, false);
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Creates `path` with `data` atomically, only if it does not exist yet: the file is published
 * with link(2), which fails when the name is taken, so two processes racing on the same name
 * cannot both succeed. Returns false when the file already existed.
 */
export function tryCreateFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): boolean {
  const temporary = writeTemporary(path, data, mode);
  try {
    linkSync(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return false;
    }
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
  fsyncDirectory(dirname(path));
  return true;
}

/** Creates a directory (and its parents) and sets its mode, which mkdir's umask may have narrowed. */
export function ensureDirectory(dir: string, mode = 0o700): void {
  mkdirSync(dir, { recursive: true, mode });
  if (!isWindows && (statSync(dir).mode & 0o777) !== mode) {
    chmodSync(dir, mode);
  }
}
