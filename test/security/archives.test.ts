/**
 * Uploads and archive limits (issue #10) against the real server process, in the binary wire form
 * (the file as the body, the parameters in the signed x-mado-parameters header):
 * - a tar bomb at the 32 MiB upload limit (gzip members of zeros, ~32 GiB unpacked) is refused
 *   naming the decompression limit, and the server's VmRSS stays within 100 MB of before;
 * - an archive with more entries than MADO_MAX_ARCHIVE_ENTRIES is refused naming it;
 * - a body whose hash is not the signed x-amz-content-sha256 is refused as a bad signature;
 * - a 40 MiB body is refused naming MADO_MAX_UPLOAD_BYTES before it is read;
 * - a read-only key's upload is refused before its body;
 * and in every case nothing is stored and no upload file is left in the data directory.
 * Every request goes to 127.0.0.1 only.
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRaw, fileBody, signedHeaders, type RawResponse } from '../support/raw-client.js';
import { ADMIN, startServerProcess, type Credentials, type ServerProcess } from '../support/server-process.js';

const MiB = 1024 * 1024;

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) {
    throw new Error(`no VmRSS for ${pid}`);
  }
  return Number(match[1]) * 1024;
}

function tarHeader(path: string, size: number): Buffer {
  const block = Buffer.alloc(512);
  new Header({ path, size, type: 'File', mode: 0o644, mtime: new Date(0) }).encode(block, 0);
  return block;
}

/**
 * A gzipped tar of one file of zeros declared just under the unpacked limit, as gzip members
 * written one after another (a valid gzip stream) until the file is `sizeBytes` long: far more
 * zeros than the declared size, which only the decompression checks can stop. Built on disk.
 */
function writeTarBomb(path: string, sizeBytes: number): void {
  const zeros = gzipSync(Buffer.alloc(64 * MiB), { level: 9 });
  const fd = openSync(path, 'w');
  try {
    let written = writeSync(fd, gzipSync(Buffer.concat([tarHeader('bomb.bin', 1000 * MiB), Buffer.alloc(MiB)])));
    while (written + zeros.length <= sizeBytes) {
      written += writeSync(fd, zeros);
    }
  } finally {
    closeSync(fd);
  }
}

/** Publishes `path` in the binary form (streamed, Content-Length set), signed as `mado` signs it. */
function publishBinary(
  server: ServerProcess,
  path: string,
  options: { credentials?: Credentials; declaredSha256?: string; parameters?: Record<string, unknown> } = {},
): Promise<RawResponse> {
  return callRaw(server.url, 'Mado.PublishPackage', fileBody(path, options.declaredSha256), {
    credentials: options.credentials ?? ADMIN,
    headers: { 'x-mado-parameters': JSON.stringify(options.parameters ?? { Name: 'bomb', Version: '1.0.0' }) },
  });
}

async function expectNothingStored(server: ServerProcess): Promise<void> {
  const listed = await callRaw(server.url, 'Mado.ListPackages', {});
  expect(listed.status).toBe(200);
  expect(listed.body.Packages ?? []).toEqual([]);
  expect(readdirSync(server.dataDir).filter((name) => name.startsWith('upload-'))).toEqual([]);
}

describe('uploads and archive limits', () => {
  let server: ServerProcess;
  let scratch: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'mado-archives-'));
    server = await startServerProcess({ env: { MADO_MAX_ARCHIVE_ENTRIES: '5' } });
  });

  afterAll(async () => {
    await server?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('refuses a tar bomb at the 32 MiB upload limit naming the limit, RSS within 100 MB', async () => {
    const bomb = join(scratch, 'bomb.tar.gz');
    writeTarBomb(bomb, 32 * MiB);
    expect(statSync(bomb).size).toBeGreaterThan(31 * MiB);
    expect(statSync(bomb).size).toBeLessThanOrEqual(32 * MiB);
    const pid = server.process.pid!;
    const before = rssBytes(pid);
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssBytes(pid));
    }, 20);
    let answer: RawResponse;
    try {
      answer = await publishBinary(server, bomb);
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, rssBytes(pid));
    console.log(`tar bomb: RSS before ${(before / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB`);

    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('InvalidPackageArchive');
    expect(String(answer.body.message)).toContain('limit MADO_MAX_DECOMPRESSION_RATIO=100');
    expect(peak - before).toBeLessThan(100 * 1000 * 1000);
    await expectNothingStored(server);
  });

  it('refuses an archive with more entries than MADO_MAX_ARCHIVE_ENTRIES', async () => {
    const entries = Array.from({ length: 6 }, (_, i) =>
      Buffer.concat([tarHeader(`f${i}.txt`, 1), Buffer.alloc(512, 0x61)]),
    );
    const archive = join(scratch, 'many.tar.gz');
    const fd = openSync(archive, 'w');
    writeSync(fd, gzipSync(Buffer.concat([...entries, Buffer.alloc(1024)])));
    closeSync(fd);

    const answer = await publishBinary(server, archive, { parameters: { Name: 'many', Version: '1.0.0' } });

    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('InvalidPackageArchive');
    expect(String(answer.body.message)).toContain('more than 5 entries (limit MADO_MAX_ARCHIVE_ENTRIES=5)');
    await expectNothingStored(server);
  });

  it('refuses a body whose hash is not the signed x-amz-content-sha256', async () => {
    const archive = join(scratch, 'small.tar.gz');
    const fd = openSync(archive, 'w');
    writeSync(fd, gzipSync(Buffer.concat([tarHeader('manifest.json', 2), Buffer.from('{}'), Buffer.alloc(1534)])));
    closeSync(fd);

    const answer = await publishBinary(server, archive, {
      declaredSha256: createHash('sha256').update('another file').digest('hex'),
    });

    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('InvalidSignatureException');
    await expectNothingStored(server);
  });

  it('refuses a 40 MiB body naming MADO_MAX_UPLOAD_BYTES before reading it', async () => {
    const bodyBytes = 40 * MiB;
    const endpoint = new URL(server.url);
    const signed = await signedHeaders(endpoint, {
      'content-type': 'application/octet-stream',
      'content-length': String(bodyBytes),
      'x-amz-target': 'Mado.PublishPackage',
      'x-amz-content-sha256': 'ab'.repeat(32),
      'x-mado-parameters': '{"Name":"big","Version":"1.0.0"}',
    });
    const head = `POST / HTTP/1.1\r\n${Object.entries(signed)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('')}\r\n`;
    // Only the headers are sent: the answer must come before any of the body.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: Number(endpoint.port) });
      let received = '';
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer in 10 s: ${received}`));
      }, 10_000);
      socket.on('data', (chunk) => (received += chunk.toString('utf8')));
      socket.on('close', () => {
        clearTimeout(timer);
        resolve(received);
      });
      socket.on('error', () => {
        // The answer so far is in `received`; close follows.
      });
      socket.write(head);
    });

    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw.toLowerCase()).toContain('connection: close');
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)) as Record<string, unknown>;
    expect(body.__type).toBe('ValidationException');
    expect(String(body.message)).toContain('limit MADO_MAX_UPLOAD_BYTES=33554432');
    await expectNothingStored(server);
  });

  it('refuses a read-only key’s upload with AccessDeniedException before its body', async () => {
    const created = await callRaw(server.url, 'Mado.CreateAccessKey', { Role: 'read-only' });
    const key = created.body.AccessKey as { AccessKeyId: string; SecretAccessKey: string };
    const archive = join(scratch, 'small.tar.gz');

    const answer = await publishBinary(server, archive, {
      credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey },
    });

    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('AccessDeniedException');
    expect(String(answer.body.message)).toContain('(role read-only) is not allowed to call PublishPackage');
    await expectNothingStored(server);
  });
});
