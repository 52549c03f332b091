import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeStaleUploads, StreamedUpload } from './upload-receiver.js';

const KiB = 1024;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mado-upload-test-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A body arriving in 1 KiB chunks, as a request stream does. */
function bodyOf(bytes: Buffer): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += KiB) {
    chunks.push(bytes.subarray(at, at + KiB));
  }
  return Readable.from(chunks, { objectMode: false });
}

describe('StreamedUpload', () => {
  it('streams the body to a 0600 file with its size and hash, removed by dispose', async () => {
    const bytes = Buffer.alloc(10 * KiB, 3);
    const upload = new StreamedUpload(bodyOf(bytes), bytes.length, { dir, maxBytes: 10 * KiB });

    const receipt = await upload.receive(sha256(bytes));

    expect(receipt).toMatchObject({ ok: true, file: { sizeBytes: bytes.length, sha256: sha256(bytes) } });
    const path = receipt.ok ? receipt.file.path : '';
    expect(path.startsWith(dir)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(upload.mustClose).toBe(false);
    await upload.dispose();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a body whose hash is not the declared one, keeping no file', async () => {
    const bytes = Buffer.alloc(4 * KiB, 1);
    const upload = new StreamedUpload(bodyOf(bytes), bytes.length, { dir, maxBytes: 10 * KiB });

    const receipt = await upload.receive(sha256(Buffer.from('something else')));

    expect(receipt).toEqual({ ok: false, problem: 'hash-mismatch' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a declared Content-Length over the limit without reading the body', async () => {
    const source = new PassThrough();
    const upload = new StreamedUpload(source, 11 * KiB, { dir, maxBytes: 10 * KiB });

    const receipt = await upload.receive(sha256(Buffer.alloc(0)));

    expect(receipt).toEqual({ ok: false, problem: 'too-large', maxBytes: 10 * KiB });
    expect(source.readableFlowing).toBeNull();
    expect(upload.mustClose).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('stops a body without a length as soon as it passes the limit, keeping no file', async () => {
    const source = new PassThrough();
    const upload = new StreamedUpload(source, undefined, { dir, maxBytes: 10 * KiB });
    const receiving = upload.receive(sha256(Buffer.alloc(0)));
    // An endless body: written until the receiver stops reading it (bounded at 1 MiB).
    let written = 0;
    while (written < 1024 * KiB && !source.isPaused()) {
      source.write(Buffer.alloc(KiB));
      written += KiB;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }

    expect(await receiving).toEqual({ ok: false, problem: 'too-large', maxBytes: 10 * KiB });
    expect(written).toBeLessThanOrEqual(12 * KiB);
    expect(upload.mustClose).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses a body cut short (the connection closed), keeping no file', async () => {
    const source = new PassThrough();
    const upload = new StreamedUpload(source, 8 * KiB, { dir, maxBytes: 10 * KiB });
    const receiving = upload.receive(sha256(Buffer.alloc(8 * KiB)));
    source.write(Buffer.alloc(2 * KiB));
    source.destroy();

    expect(await receiving).toMatchObject({ ok: false, problem: 'incomplete' });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('lets Node discard a body refused before it was read only when it is declared within the limit', () => {
    expect(new StreamedUpload(new PassThrough(), 10 * KiB, { dir, maxBytes: 10 * KiB }).mustClose).toBe(false);
    expect(new StreamedUpload(new PassThrough(), 10 * KiB + 1, { dir, maxBytes: 10 * KiB }).mustClose).toBe(true);
    expect(new StreamedUpload(new PassThrough(), undefined, { dir, maxBytes: 10 * KiB }).mustClose).toBe(true);
  });
});

describe('removeStaleUploads', () => {
  it('removes the upload files a stopped server left, and nothing else', () => {
    writeFileSync(join(dir, 'upload-1.part'), 'x');
    writeFileSync(join(dir, 'mado.db'), 'x');

    expect(removeStaleUploads(dir)).toBe(1);
    expect(readdirSync(dir)).toEqual(['mado.db']);
  });
});
