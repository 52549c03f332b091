/**
 * Agent gateway limits before hello (src/dispatcher/gateway-limits.ts), against the real server
 * process:
 * - 100 unauthenticated WebSockets (spread over 127.0.0.2..127.0.0.5, 25 each, under the
 *   per-address limit of 32) each send one 8 MiB frame: the server's VmRSS stays within 100 MB
 *   of its idle level, GET /healthz keeps answering in under 200 ms, every socket is ended by the
 *   server well before the hello timeout (set to 60 s here, so it is the byte limit that ends
 *   them) and none gets a welcome.
 * - With MADO_GATEWAY_MAX_PENDING_PER_IP=4, the fifth pending upgrade from one address is
 *   answered 503 while another address is still admitted.
 *
 * The attacking clients run in a worker thread, so that masking 800 MiB of frames on the client
 * side does not stall the event loop that times /healthz and samples RSS.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CONNECT_PATH } from '../../src/protocol/agent-protocol.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const MIB = 1024 * 1024;

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (match === null) {
    throw new Error(`no VmRSS in /proc/${pid}/status`);
  }
  return Number(match[1]) * 1024;
}

function gatewayUrl(server: ServerProcess): string {
  const { port } = new URL(server.url);
  return `ws://127.0.0.1:${port}${CONNECT_PATH}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface SocketReport {
  readonly index: number;
  readonly localAddress: string;
  readonly opened: boolean;
  readonly sent: boolean;
  readonly messageTypes: string[];
  readonly errorCodes: string[];
  readonly closed: boolean;
  readonly closeCode: number | undefined;
  /** Milliseconds from the send to the close. */
  readonly closedAfterSendMs: number | undefined;
  readonly unexpectedStatus: number | undefined;
  readonly clientError: string | undefined;
}

interface AttackReport {
  readonly allOpenedAt: number | undefined;
  readonly sentAt: number | undefined;
  readonly finishedAt: number;
  readonly timedOut: boolean;
  readonly sockets: SocketReport[];
}

/** Plain CommonJS run in a worker thread (workerData: url, addresses, perAddress, frameBytes, timeoutMs). */
const ATTACKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const WebSocket = createRequire(workerData.requireFrom)('ws');
const { url, addresses, perAddress, frameBytes, openTimeoutMs, closeTimeoutMs } = workerData;
const reports = [];
const sockets = [];
let allOpenedAt, sentAt, finished = false;
const frame = Buffer.alloc(frameBytes, 0x61);
function finish(timedOut) {
  if (finished) return;
  finished = true;
  for (const ws of sockets) { try { ws.terminate(); } catch {} }
  parentPort.postMessage({ allOpenedAt, sentAt, finishedAt: Date.now(), timedOut, sockets: reports });
}
function checkDone() {
  if (reports.every((r) => r.closed)) finish(false);
}
function sendAll() {
  sentAt = Date.now();
  for (let i = 0; i < sockets.length; i++) {
    const ws = sockets[i];
    const r = reports[i];
    if (ws.readyState !== WebSocket.OPEN) continue;
    r.sent = true;
    r.sentAt = Date.now();
    ws.send(frame, { binary: false }, () => {});
  }
  setTimeout(() => finish(true), closeTimeoutMs).unref();
}
let challenged = 0;
let index = 0;
for (const localAddress of addresses) {
  for (let k = 0; k < perAddress; k++) {
    const r = { index: index++, localAddress, opened: false, sent: false, messageTypes: [], errorCodes: [],
      closed: false, closeCode: undefined, closedAfterSendMs: undefined, unexpectedStatus: undefined,
      clientError: undefined, sentAt: undefined };
    reports.push(r);
    const ws = new WebSocket(url, { localAddress, perMessageDeflate: false, handshakeTimeout: openTimeoutMs });
    sockets.push(ws);
    ws.on('unexpected-response', (_req, res) => { r.unexpectedStatus = res.statusCode; res.resume(); ws.terminate(); });
    ws.on('error', (e) => { r.clientError = r.clientError ?? String(e && e.code || e); });
    ws.on('message', (data) => {
      try {
        const m = JSON.parse(data.toString());
        r.messageTypes.push(String(m.type));
        if (m.type === 'error') r.errorCodes.push(String(m.code));
        // Each socket is counted once it has its challenge (an open, pending connection).
        if (m.type === 'challenge' && r.messageTypes.length === 1) {
          challenged++;
          if (challenged === addresses.length * perAddress) { allOpenedAt = Date.now(); sendAll(); }
        }
      } catch { r.messageTypes.push('unparsable'); }
    });
    ws.on('open', () => { r.opened = true; });
    ws.on('close', (code) => {
      r.closed = true;
      r.closeCode = code;
      if (r.sentAt !== undefined) r.closedAfterSendMs = Date.now() - r.sentAt;
      if (sentAt !== undefined) checkDone();
    });
  }
}
setTimeout(() => { if (sentAt === undefined) finish(true); }, openTimeoutMs).unref();
`;

function runAttack(data: {
  url: string;
  addresses: string[];
  perAddress: number;
  frameBytes: number;
  openTimeoutMs: number;
  closeTimeoutMs: number;
}): Promise<AttackReport> {
  const worker = new Worker(ATTACKER, {
    eval: true,
    workerData: { ...data, requireFrom: createRequire(import.meta.url).resolve('ws') },
  });
  return new Promise<AttackReport>((resolve, reject) => {
    const guard = setTimeout(
      () => {
        void worker.terminate();
        reject(new Error('attacker worker did not report in time'));
      },
      data.openTimeoutMs + data.closeTimeoutMs + 10_000,
    );
    worker.once('message', (report: AttackReport) => {
      clearTimeout(guard);
      void worker.terminate();
      resolve(report);
    });
    worker.once('error', (error) => {
      clearTimeout(guard);
      reject(error);
    });
  });
}

describe('gateway: 100 unauthenticated sockets sending 8 MiB frames', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    // A long hello timeout: the byte limit, not the timer, must be what ends the sockets.
    server = await startServerProcess({ env: { MADO_GATEWAY_HELLO_TIMEOUT_SECONDS: '60' } });
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it('keeps memory and /healthz in bounds, ends every socket, welcomes none', async () => {
    const pid = server.process.pid!;
    const healthz = `${server.url}/healthz`;

    // Idle: warm up /healthz, then take RSS for a second.
    for (let i = 0; i < 5; i++) {
      expect((await fetch(healthz)).status).toBe(200);
    }
    const idleSamples: number[] = [];
    for (let i = 0; i < 10; i++) {
      idleSamples.push(rssBytes(pid));
      await sleep(100);
    }
    const idleRss = Math.max(...idleSamples);

    // RSS sampled every 100 ms and /healthz polled every 100 ms while the attack runs.
    let sampling = true;
    const rssSamples: number[] = [];
    const rssLoop = (async () => {
      for (let i = 0; sampling && i < 1200; i++) {
        rssSamples.push(rssBytes(pid));
        await sleep(100);
      }
    })();
    const healthTimes: number[] = [];
    const healthFailures: string[] = [];
    const healthLoop = (async () => {
      for (let i = 0; sampling && i < 1200; i++) {
        const started = performance.now();
        try {
          const response = await fetch(healthz, { signal: AbortSignal.timeout(5_000) });
          const body = (await response.json()) as { status?: string };
          if (response.status !== 200 || body.status !== 'ok') {
            healthFailures.push(`status ${response.status} ${JSON.stringify(body)}`);
          }
        } catch (error) {
          healthFailures.push(String(error));
        }
        healthTimes.push(performance.now() - started);
        await sleep(100);
      }
    })();

    const addresses = ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
    let report: AttackReport;
    try {
      report = await runAttack({
        url: gatewayUrl(server),
        addresses,
        perAddress: 25,
        frameBytes: 8 * MIB,
        openTimeoutMs: 20_000,
        closeTimeoutMs: 30_000,
      });
      // Keep watching a little after the last close.
      await sleep(1_000);
    } finally {
      sampling = false;
      await Promise.all([rssLoop, healthLoop]);
    }

    const peakRss = Math.max(...rssSamples);
    const slowestHealthz = Math.max(...healthTimes);
    const sockets = report.sockets;
    const tooLarge = sockets.filter((s) => s.errorCodes.includes('TooLarge')).length;
    const closeMs = sockets.map((s) => s.closedAfterSendMs ?? Number.POSITIVE_INFINITY);
    console.log(
      JSON.stringify({
        idleRssMiB: +(idleRss / MIB).toFixed(1),
        peakRssMiB: +(peakRss / MIB).toFixed(1),
        rssSamples: rssSamples.length,
        slowestHealthzMs: +slowestHealthz.toFixed(1),
        healthzPolls: healthTimes.length,
        tooLargeFrames: tooLarge,
        closeCodes: [...new Set(sockets.map((s) => s.closeCode))],
        clientErrors: [...new Set(sockets.map((s) => s.clientError))],
        slowestCloseAfterSendMs: Math.max(...closeMs),
        openPhaseMs: report.allOpenedAt === undefined ? undefined : report.sentAt! - report.allOpenedAt,
      }),
    );

    // All 100 were admitted and got the challenge (not refused by a count limit).
    expect(report.timedOut).toBe(false);
    expect(sockets).toHaveLength(100);
    expect(sockets.filter((s) => !s.opened || s.unexpectedStatus !== undefined)).toEqual([]);
    expect(sockets.every((s) => s.sent)).toBe(true);
    expect(sockets.every((s) => s.messageTypes[0] === 'challenge')).toBe(true);
    // Every one ended by the server, long before the 60 s hello timeout; none welcomed, none
    // told anything but TooLarge.
    expect(sockets.every((s) => s.closed)).toBe(true);
    expect(Math.max(...closeMs)).toBeLessThan(20_000);
    expect(sockets.filter((s) => s.messageTypes.includes('welcome'))).toEqual([]);
    expect(sockets.flatMap((s) => s.errorCodes).filter((code) => code !== 'TooLarge')).toEqual([]);
    // Memory and liveness.
    expect(rssSamples.length).toBeGreaterThan(5);
    expect(peakRss - idleRss).toBeLessThan(100 * 1000 * 1000);
    expect(healthFailures).toEqual([]);
    expect(healthTimes.length).toBeGreaterThan(5);
    expect(slowestHealthz).toBeLessThan(200);
    // The server is still up and serving.
    expect(server.process.exitCode).toBeNull();
    expect((await fetch(healthz)).status).toBe(200);
  });
});

describe('gateway: pending connections per address', () => {
  let server: ServerProcess;
  const open: WebSocket[] = [];

  beforeAll(async () => {
    server = await startServerProcess({
      env: { MADO_GATEWAY_MAX_PENDING_PER_IP: '4', MADO_GATEWAY_HELLO_TIMEOUT_SECONDS: '60' },
    });
  });

  afterAll(async () => {
    for (const ws of open) {
      ws.terminate();
    }
    await server?.dispose();
  });

  /** Opens a gateway socket; resolves with 'open' (after the challenge) or the HTTP status refusing it. */
  function connect(localAddress: string): Promise<{ outcome: 'open' } | { outcome: 'refused'; status: number }> {
    const ws = new WebSocket(gatewayUrl(server), { localAddress, perMessageDeflate: false, handshakeTimeout: 10_000 });
    open.push(ws);
    return new Promise((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`no answer to the upgrade from ${localAddress}`)), 10_000);
      ws.on('error', (error) => {
        clearTimeout(guard);
        reject(error);
      });
      ws.on('unexpected-response', (_request, response) => {
        clearTimeout(guard);
        response.resume();
        ws.terminate();
        resolve({ outcome: 'refused', status: response.statusCode ?? 0 });
      });
      ws.once('message', (data) => {
        clearTimeout(guard);
        const message = JSON.parse(data.toString()) as { type: string };
        if (message.type === 'challenge') {
          resolve({ outcome: 'open' });
        } else {
          reject(new Error(`first frame was ${message.type}`));
        }
      });
    });
  }

  it('refuses the upgrade past the limit with 503, per address', async () => {
    for (let i = 0; i < 4; i++) {
      expect(await connect('127.0.0.1')).toEqual({ outcome: 'open' });
    }
    expect(await connect('127.0.0.1')).toEqual({ outcome: 'refused', status: 503 });
    expect(await connect('127.0.0.1')).toEqual({ outcome: 'refused', status: 503 });
    // Another address has its own count.
    expect(await connect('127.0.0.2')).toEqual({ outcome: 'open' });
    // Closing a pending one frees its place.
    const first = open[0]!;
    await new Promise<void>((resolve) => {
      first.once('close', () => resolve());
      first.close();
    });
    let again: Awaited<ReturnType<typeof connect>> | undefined;
    for (let i = 0; i < 20; i++) {
      again = await connect('127.0.0.1');
      if (again.outcome === 'open') {
        break;
      }
      await sleep(100);
    }
    expect(again).toEqual({ outcome: 'open' });
    expect(await connect('127.0.0.1')).toEqual({ outcome: 'refused', status: 503 });
  });
});
