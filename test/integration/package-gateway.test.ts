/**
 * The package side of the agent gateway, spoken by hand over a real WebSocket to the real server
 * process: package descriptions and pieces on request (errors answered, never a dropped
 * connection), inventories recorded and read back through ListInventoryEntries, malformed
 * package frames refused.
 */
import { createHash } from 'node:crypto';
import { ListInventoryEntriesCommand } from '@aws-sdk/client-ssm';
import { create as createTar } from 'tar';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { callRaw } from '../support/raw-client.js';
import { registerRawNode, welcomedClient, type RawAgentClient, type RawNode } from '../support/raw-node.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const FACTS = {
  agentVersion: '1.0.0',
  platformType: 'Linux',
  platformName: 'Ubuntu',
  platformVersion: '22.04',
  architecture: 'x86_64',
  computerName: 'package-gateway-test',
  ipAddresses: ['127.0.0.1'],
} as const;

describe('packages over the agent gateway', () => {
  let server: ServerProcess;
  let node: RawNode;
  let archive: Buffer;
  const scratch = mkdtempSync(join(tmpdir(), 'mado-package-gateway-'));

  async function connected(): Promise<RawAgentClient> {
    return welcomedClient(server.url, node, FACTS);
  }

  beforeAll(async () => {
    server = await startServerProcess();
    node = await registerRawNode(server, FACTS);

    writeFileSync(
      join(scratch, 'manifest.json'),
      JSON.stringify({
        schemaVersion: '1.0',
        packages: { _any: { _any: { _any: { install: 'install.sh', uninstall: 'install.sh' } } } },
      }),
    );
    // Random bytes do not compress: the archive needs two 1 MiB pieces.
    writeFileSync(join(scratch, 'install.sh'), Buffer.from(createHash('sha512').update('x').digest('hex')));
    writeFileSync(join(scratch, 'blob.bin'), Buffer.concat(Array.from({ length: 24 }, (_, i) => randomish(i))));
    const chunks: Buffer[] = [];
    for await (const chunk of createTar({ gzip: true, cwd: scratch, portable: true }, [
      'manifest.json',
      'install.sh',
      'blob.bin',
    ]) as AsyncIterable<Buffer>) {
      chunks.push(Buffer.from(chunk));
    }
    archive = Buffer.concat(chunks);
    for (const version of ['1.9.0', '1.10.0']) {
      const published = await callRaw(server.url, 'Mado.PublishPackage', {
        Name: 'sample',
        Version: version,
        Archive: archive.toString('base64'),
      });
      expect(published.status, JSON.stringify(published.body)).toBe(200);
    }
  });

  afterAll(async () => {
    await server?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('describes the latest version by version order and serves its pieces', async () => {
    const client = await connected();
    const described = await client.ask({ type: 'packageRequest', name: 'sample', version: '' });
    expect(described).toMatchObject({
      type: 'package',
      package: {
        name: 'sample',
        version: '1.10.0',
        sha256: createHash('sha256').update(archive).digest('hex'),
        sizeBytes: archive.length,
        chunkCount: 2,
        manifest: { schemaVersion: '1.0' },
      },
    });
    const pieces: Buffer[] = [];
    for (const index of [0, 1]) {
      const piece = await client.ask({ type: 'packageChunkRequest', name: 'sample', version: '1.10.0', index });
      expect(piece).toMatchObject({ type: 'packageChunk', name: 'sample', version: '1.10.0', index });
      pieces.push(Buffer.from((piece as { data: string }).data, 'base64'));
    }
    expect(Buffer.concat(pieces).equals(archive)).toBe(true);
    client.socket.close();
  });

  it('answers unknown packages, versions and pieces with an error and keeps the connection', async () => {
    const client = await connected();
    expect(await client.ask({ type: 'packageRequest', name: 'nope', version: '' })).toMatchObject({
      error: 'Package nope is not published on the server.',
    });
    expect(await client.ask({ type: 'packageRequest', name: 'sample', version: '3.0.0' })).toMatchObject({
      error: 'Package sample has no version 3.0.0 on the server (published: 1.10.0, 1.9.0).',
    });
    expect(await client.ask({ type: 'packageChunkRequest', name: 'sample', version: '1.9.0', index: 7 })).toMatchObject(
      { type: 'packageChunk', index: 7, error: expect.stringContaining('has no piece 7') },
    );
    expect(client.socket.readyState).toBe(WebSocket.OPEN);
    client.socket.close();
  });

  it('records the inventory a node reports and shows it through ListInventoryEntries', async () => {
    const client = await connected();
    client.send({
      type: 'inventory',
      capturedAt: Date.UTC(2024, 1, 20, 2, 3, 4, 567),
      applications: [{ name: 'sample', version: '1.10.0', installedAt: Date.UTC(2024, 1, 20, 2, 3, 1) }],
    });
    const ssm = server.client();
    let entries;
    for (let attempt = 0; attempt < 50; attempt += 1) {
      entries = await ssm.send(
        new ListInventoryEntriesCommand({ InstanceId: node.nodeId, TypeName: 'AWS:Application' }),
      );
      if ((entries.Entries ?? []).length > 0) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(entries).toMatchObject({
      CaptureTime: '2024-02-20T02:03:04Z',
      Entries: [{ Name: 'sample', Version: '1.10.0', InstalledTime: '2024-02-20T02:03:01Z' }],
    });
    client.socket.close();
  });

  it.each([
    ['a package name with a slash', { type: 'packageRequest', requestId: 'r1', name: '../x', version: '' }],
    ['a negative piece', { type: 'packageChunkRequest', requestId: 'r2', name: 'sample', version: '1.9.0', index: -1 }],
    ['an inventory without applications', { type: 'inventory', capturedAt: 1 }],
  ])('refuses %s as a malformed frame', async (_what, frame) => {
    const client = await connected();
    client.send(frame);
    expect(await client.next((message) => message.type === 'error', 'an error frame')).toMatchObject({
      code: 'Malformed',
    });
    expect(await client.closed).toBe(1008);
  });
});

/** 64 KiB of bytes that do not compress, different for each seed. */
function randomish(seed: number): Buffer {
  const out = Buffer.alloc(64 * 1024);
  let state = createHash('sha256').update(String(seed)).digest();
  for (let offset = 0; offset < out.length; offset += state.length) {
    state.copy(out, offset);
    state = createHash('sha256').update(state).digest();
  }
  return out;
}
