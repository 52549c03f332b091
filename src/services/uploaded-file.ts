/**
 * The content of an upload as services receive it: either bytes in memory (the server's own
 * agent bundle, tests) or a file that the HTTP layer streamed into the data directory while
 * hashing it. A file is read back as a stream, or whole only when it is known to be within the
 * upload limit; it belongs to the HTTP layer, which removes it after the request.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';

export interface UploadedFile {
  /** A 0600 file in the data directory. */
  readonly path: string;
  readonly sizeBytes: number;
  /** SHA-256 of the file, lower-case hex (computed while it was received). */
  readonly sha256: string;
}

export type UploadContent = Uint8Array | UploadedFile;

export function isUploadedFile(content: UploadContent): content is UploadedFile {
  return !(content instanceof Uint8Array);
}

export function contentSize(content: UploadContent): number {
  return isUploadedFile(content) ? content.sizeBytes : content.length;
}

/** The content as a stream, in chunks of at most 64 KiB. */
export function contentStream(content: UploadContent): Readable {
  return isUploadedFile(content)
    ? createReadStream(content.path, { highWaterMark: 64 * 1024 })
    : Readable.from([Buffer.from(content.buffer, content.byteOffset, content.byteLength)]);
}

/** The content whole; call only after its size was checked against the upload limit. */
export async function contentBytes(content: UploadContent): Promise<Uint8Array> {
  return isUploadedFile(content) ? readFile(content.path) : content;
}

/**
 * What became of a streamed upload body: the file, or why it was refused (too large: no more
 * than `maxBytes` were kept; a hash other than the one declared; the body ended early).
 */
export type UploadReceipt =
  | { readonly ok: true; readonly file: UploadedFile }
  | { readonly ok: false; readonly problem: 'too-large'; readonly maxBytes: number }
  | { readonly ok: false; readonly problem: 'hash-mismatch' }
  | { readonly ok: false; readonly problem: 'incomplete'; readonly detail: string };
