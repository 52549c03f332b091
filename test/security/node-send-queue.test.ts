/**
 * A node cannot grow the server's memory by asking without reading (issue #10, item 4), against
 * the real server process: an authenticated node pauses reading its connection and asks for its
 * agent release 600 times (each answer about 1.8 MB of base64, over 1 GB in all). The server's
 * VmRSS stays within 100 MB of where it was, /healthz keeps answering, and once the node has
 * taken in nothing for MADO_GATEWAY_SEND_STALL_SECONDS the server disconnects it.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFacts, registerRawNode, welcomedSocket } from '../support/raw-node.js';
import { REPO_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';

const MB = 1_000_000;
const REQUESTS = 600;
const STALL_SECONDS = 3;
const FACTS = nodeFacts('slow-reader');

let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess({ env: { MADO_GATEWAY_SEND_STALL_SECONDS: String(STALL_SECONDS) } });
});

afterAll(async () => {
  await server?.dispose();
});

function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) {
    throw new Error(`no VmRSS in /proc/${pid}/status`);
  }
  return Number(match[1]) * 1024;
}

async function healthzMs(): Promise<number> {
  const started = performance.now();
  const response = await fetch(new URL('/healthz', server.url));
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  return performance.now() - started;
}

describe('gateway: a node that asks without reading', () => {
  it('stays within the send queue bound and is disconnected when it takes in nothing', async () => {
    const releaseBytes = statSync(join(REPO_ROOT, 'dist', 'mado-agent.cjs')).size;
    const pid = server.process.pid!;
    const node = await registerRawNode(server, FACTS);
    const socket = await welcomedSocket(server.url, node, FACTS);
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    const rssBefore = rssBytes(pid);

    // Stop reading: the server's answers pile up in its send queue, not in this process.
    (socket as unknown as { _socket: Socket })._socket.pause();
    for (let i = 0; i < REQUESTS; i++) {
      socket.send(
        JSON.stringify({
          type: 'releaseChunkRequest',
          requestId: `chunk-${i}`,
          version: '1.0.0',
          offset: 0,
          length: Math.min(releaseBytes, 2 * 1024 * 1024),
        }),
      );
    }

    let peakRss = rssBefore;
    let slowestHealthz = 0;
    const deadline = Date.now() + (STALL_SECONDS + 10) * 1000;
    while (Date.now() < deadline) {
      peakRss = Math.max(peakRss, rssBytes(pid));
      slowestHealthz = Math.max(slowestHealthz, await healthzMs());
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Reading again, the node sees what the server queued for it, then the server's close.
    (socket as unknown as { _socket: Socket })._socket.resume();
    const code = await Promise.race([closed, new Promise<string>((resolve) => setTimeout(resolve, 30_000, 'open'))]);

    console.info(
      `slow reader: VmRSS ${(rssBefore / MB).toFixed(0)} MB before, peak ${(peakRss / MB).toFixed(0)} MB; slowest /healthz ${slowestHealthz.toFixed(0)} ms; close code ${code}`,
    );
    expect(code, 'the server disconnects a node that takes in nothing').not.toBe('open');
    expect(peakRss - rssBefore, `VmRSS grew from ${rssBefore / MB} MB to ${peakRss / MB} MB`).toBeLessThan(100 * MB);
    expect(slowestHealthz).toBeLessThan(200);
    expect(server.output()).toMatch(/took in nothing|queued for the node/);
  });
});
