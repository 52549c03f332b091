/**
 * Receives the body of a binary upload (api/binary-upload.ts) into a file of the data directory:
 * streamed, never held whole in memory, counted against MADO_MAX_UPLOAD_BYTES and hashed on the
 * way. The API calls `receive` only once the headers' signature and the caller's role are checked.
 *
 * Invariants:
 *  - the file is created 0600 with a fresh name (`upload-<uuid>.part`, exclusive create) and at
 *    most `maxBytes` bytes are ever written to it;
 *  - a body that declares more than `maxBytes` (Content-Length) is refused without reading it;
 *    one that brings more is refused as soon as it passes the limit, the rest left unread (the
 *    server closes the connection after answering: `mustClose`);
 *  - the file is removed on every path: at once when the body is refused (too large, other hash,
 *    ended early) and by `dispose()` after the request otherwise; files left by a crash are
 *    removed at start (`removeStaleUploads`).
 */
import { createHash } from 'node:crypto';
import { createWriteStream, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { UploadSource } from '../api/binary-upload.js';
import type { UploadReceipt } from '../services/uploaded-file.js';
import { newUuid } from '../shared/ids.js';

const PREFIX = 'upload-';
const SUFFIX = '.part';

export interface UploadReceiverOptions {
  /** Where the file is written: the data directory (0700). */
  readonly dir: string;
  /** MADO_MAX_UPLOAD_BYTES. */
  readonly maxBytes: number;
}

/** One request's upload body; `receive` at most once, `dispose` always. */
export class StreamedUpload implements UploadSource {
  private path: string | undefined;
  private received = false;

  /**
   * @param source the request body, not read yet.
   * @param declaredBytes its Content-Length, when it has one.
   */
  constructor(
    private readonly source: Readable,
    private readonly declaredBytes: number | undefined,
    private readonly options: UploadReceiverOptions,
  ) {}

  /**
   * Whether the connection must be closed after the answer: the body was not read to its end and
   * Node cannot simply discard the rest (it was partly read, or it may be longer than the limit).
   * A body refused before it was read and declared within the limit is discarded by Node after the
   * answer instead, so that a client still sending it receives the answer rather than a reset.
   */
  get mustClose(): boolean {
    if (this.source.readableEnded) {
      return false;
    }
    return this.received || !withinLimit(this.declaredBytes, this.options.maxBytes);
  }

  async receive(expectedSha256: string): Promise<UploadReceipt> {
    if (this.received) {
      throw new Error('an upload body can be received once');
    }
    this.received = true;
    const maxBytes = this.options.maxBytes;
    if (this.declaredBytes !== undefined && this.declaredBytes > maxBytes) {
      return { ok: false, problem: 'too-large', maxBytes };
    }
    this.path = join(this.options.dir, `${PREFIX}${newUuid()}${SUFFIX}`);
    const receipt = await streamToFile(this.source, this.path, maxBytes, expectedSha256);
    if (!receipt.ok) {
      await this.dispose();
    }
    return receipt;
  }

  /** Removes the file, if one was written. Never throws. */
  async dispose(): Promise<void> {
    const path = this.path;
    this.path = undefined;
    if (path !== undefined) {
      await rm(path, { force: true }).catch(() => {
        // Removed at the next start (removeStaleUploads) at the latest.
      });
    }
  }
}

/** Whether a declared Content-Length may be discarded after an early answer. */
export function withinLimit(declaredBytes: number | undefined, maxBytes: number): boolean {
  return declaredBytes !== undefined && Number.isSafeInteger(declaredBytes) && declaredBytes <= maxBytes;
}

/** Writes `source` to a new 0600 file at `path`, hashing and counting it; rejects only on I/O errors. */
function streamToFile(
  source: Readable,
  path: string,
  maxBytes: number,
  expectedSha256: string,
): Promise<UploadReceipt> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    let sizeBytes = 0;
    let settled = false;
    const settle = (outcome: UploadReceipt | Error) => {
      if (settled) {
        return;
      }
      settled = true;
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onError);
      source.off('close', onClose);
      source.pause();
      // Answered once the file is closed, so that removing it cannot race its creation.
      const answer = () => (outcome instanceof Error ? reject(outcome) : resolve(outcome));
      if (out.closed) {
        answer();
        return;
      }
      out.once('close', answer);
      if (outcome instanceof Error || !outcome.ok) {
        out.destroy();
      }
    };
    const onData = (chunk: Buffer) => {
      sizeBytes += chunk.length;
      if (sizeBytes > maxBytes) {
        settle({ ok: false, problem: 'too-large', maxBytes });
        return;
      }
      hash.update(chunk);
      if (!out.write(chunk)) {
        source.pause();
        out.once('drain', () => {
          if (!settled) {
            source.resume();
          }
        });
      }
    };
    const onEnd = () => {
      source.off('close', onClose);
      out.end(() => {
        const sha256 = hash.digest('hex');
        settle(
          sha256 === expectedSha256
            ? { ok: true, file: { path, sizeBytes, sha256 } }
            : { ok: false, problem: 'hash-mismatch' },
        );
      });
    };
    const onError = (error: Error) => settle({ ok: false, problem: 'incomplete', detail: error.message });
    const onClose = () => settle({ ok: false, problem: 'incomplete', detail: 'the connection closed' });
    out.on('error', (error) => settle(error));
    source.on('data', onData);
    source.once('end', onEnd);
    source.once('error', onError);
    source.once('close', onClose);
    source.resume();
  });
}

/** Removes upload files a previous run left in `dir` (it stopped while receiving them). */
export function removeStaleUploads(dir: string): number {
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) {
      rmSync(join(dir, name), { force: true });
      removed += 1;
    }
  }
  return removed;
}
