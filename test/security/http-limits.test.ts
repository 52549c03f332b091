/**
 * The HTTP limits before authentication (src/server/http-limits.ts), against the real server
 * process and with raw sockets where a client library would hide what the server does:
 * - 40 concurrent unauthenticated 40 MiB bodies (half claiming Mado.PublishPackage with an
 *   unknown key, half unsigned SSM calls) keep the server's RSS within 100 MB of idle and its
 *   /healthz answering 200 throughout, and are each refused (413 or a closed socket, never 200);
 * - a body trickled at 1 byte/s is answered 408 RequestTimeoutException after one body period;
 * - after MADO_MAX_AUTH_FAILURES_PER_MINUTE failed signatures the next answer is ThrottlingException;
 * - headers over 16 KiB get an SSM-shaped ValidationException.
 * Every request goes to 127.0.0.1 only.
 */
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const MiB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

interface RawAnswer {
  /** HTTP status of the answer, or undefined when the socket closed without one. */
  readonly status: number | undefined;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Whether the socket was closed (by either side) when the answer was taken. */
  readonly closed: boolean;
  readonly error: string | undefined;
  readonly elapsedMs: number;
}

function portOf(server: ServerProcess): number {
  const url = new URL(server.url);
  expect(url.hostname).toBe('127.0.0.1');
  return Number(url.port);
}

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) {
    throw new Error(`no VmRSS for ${pid}`);
  }
  return Number(match[1]) * 1024;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function parseAnswer(
  data: Buffer,
): { status: number; headers: Record<string, string>; body: string; complete: boolean } | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) {
    return undefined;
  }
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  const statusMatch = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  if (statusMatch === null) {
    return undefined;
  }
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const body = data.subarray(end + 4);
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = body.indexOf('\r\n', at);
      if (lineEnd < 0) {
        return {
          status: Number(statusMatch[1]),
          headers,
          body: Buffer.concat(parts).toString('utf8'),
          complete: false,
        };
      }
      const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
      if (size === 0 || body.length < lineEnd + 2 + size + 2) {
        const complete = size === 0 && body.indexOf('\r\n\r\n', lineEnd - 2) >= 0;
        return { status: Number(statusMatch[1]), headers, body: Buffer.concat(parts).toString('utf8'), complete };
      }
      parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
  return {
    status: Number(statusMatch[1]),
    headers,
    body: body.toString('utf8'),
    complete: length !== undefined && body.length >= length,
  };
}

/**
 * Opens a raw connection, writes `head`, then lets `feed` write the body; resolves with the
 * answer once it is complete or the socket closes, or rejects after `timeoutMs`.
 */
function rawExchange(
  port: number,
  head: string,
  feed: (socket: Socket, stopped: () => boolean) => void,
  timeoutMs: number,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const socket = connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    let closed = false;
    let error: string | undefined;
    let settled = false;
    const finish = () => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      const parsed = parseAnswer(received);
      resolve({
        status: parsed?.status,
        headers: parsed?.headers ?? {},
        body: parsed?.body ?? '',
        closed,
        error,
        elapsedMs: performance.now() - startedAt,
      });
      socket.destroy();
    };
    const timer = setTimeout(() => {
      if (!settled) {
        settled = true;
        socket.destroy();
        reject(new Error(`no answer and no close within ${timeoutMs} ms (received ${received.length} bytes)`));
      }
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (parseAnswer(received)?.complete === true) {
        finish();
      }
    });
    socket.on('error', (e: Error & { code?: string }) => {
      error = e.code ?? e.message;
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.once('connect', () => {
      socket.write(head);
      feed(socket, () => settled || closed || socket.destroyed);
    });
  });
}

/** GET /healthz on a new connection; resolves with its status and time. */
function healthz(port: number): Promise<{ status: number | undefined; ms: number }> {
  return new Promise((resolve) => {
    const startedAt = performance.now();
    const req = httpRequest({ host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, ms: performance.now() - startedAt }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: undefined, ms: performance.now() - startedAt }));
    req.end();
  });
}

function amzDate(now = new Date()): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** A SigV4-shaped Authorization header naming an access key the server does not know. */
function unknownKeyAuthorization(date: string): string {
  return (
    `AWS4-HMAC-SHA256 Credential=AKIAUNKNOWN000000000/${date.slice(0, 8)}/us-east-1/ssm/aws4_request, ` +
    `SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`
  );
}

describe('HTTP limits of the real server process', () => {
  it('keeps memory and /healthz steady under 40 concurrent unauthenticated 40 MiB bodies, refusing each', async () => {
    const server = await startServerProcess();
    try {
      const port = portOf(server);
      const pid = server.process.pid!;
      // Idle level: after a first answered request, the median of a few samples.
      expect((await healthz(port)).status).toBe(200);
      const idleSamples: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        idleSamples.push(rssBytes(pid));
        await sleep(100);
      }
      const idle = idleSamples.sort((a, b) => a - b)[3]!;

      let peak = idle;
      const sampler = setInterval(() => {
        try {
          peak = Math.max(peak, rssBytes(pid));
        } catch {
          // the process is gone: the assertions below report it
        }
      }, 100);

      // How late this (client) process's own timers run during the attack, to tell client-side
      // delay from the server's in the healthz times.
      let clientLagMs = 0;
      let lagTick = performance.now();
      const lagMeter = setInterval(() => {
        const now = performance.now();
        clientLagMs = Math.max(clientLagMs, now - lagTick - 10);
        lagTick = now;
      }, 10);
      let attacking = true;
      const health: { status: number | undefined; ms: number }[] = [];
      const poller = (async () => {
        while (attacking || health.length < 5) {
          const tickAt = performance.now();
          health.push(await healthz(port));
          await sleep(Math.max(0, 100 - (performance.now() - tickAt)));
        }
      })();

      const bodyBytes = 40 * MiB;
      const attackStartedAt = performance.now();
      let bytesOffered = 0;
      const attacks = Array.from({ length: 40 }, (_, i) => {
        const date = amzDate();
        const head =
          i % 2 === 0
            ? 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n' +
              `X-Amz-Target: Mado.PublishPackage\r\nX-Amz-Date: ${date}\r\n` +
              `Authorization: ${unknownKeyAuthorization(date)}\r\nContent-Length: ${bodyBytes}\r\n\r\n`
            : 'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n' +
              `X-Amz-Target: AmazonSSM.DescribeMaintenanceWindows\r\nContent-Length: ${bodyBytes}\r\n\r\n`;
        return rawExchange(
          port,
          head,
          (socket, stopped) => {
            let sent = 0;
            // As fast as the socket accepts: write until it pushes back, resume on drain.
            const pump = () => {
              while (!stopped() && sent < bodyBytes) {
                sent += CHUNK.length;
                bytesOffered += CHUNK.length;
                if (!socket.write(CHUNK)) {
                  socket.once('drain', pump);
                  return;
                }
              }
            };
            pump();
          },
          30_000,
        );
      });
      const answers = await Promise.all(attacks);
      const attackMs = performance.now() - attackStartedAt;
      attacking = false;
      await poller;
      clearInterval(sampler);
      clearInterval(lagMeter);
      peak = Math.max(peak, rssBytes(pid));

      const slowest = Math.max(...health.map((h) => h.ms));
      console.log(
        `idle RSS ${(idle / MiB).toFixed(1)} MiB, peak RSS ${(peak / MiB).toFixed(1)} MiB ` +
          `(+${((peak - idle) / 1e6).toFixed(1)} MB); ${health.length} healthz, slowest ${slowest.toFixed(1)} ms; ` +
          `attack ${attackMs.toFixed(0)} ms, ${(bytesOffered / MiB).toFixed(0)} MiB written; client event-loop lag ${clientLagMs.toFixed(0)} ms; answers: ${JSON.stringify(answers.map((a) => a.status ?? `closed(${a.error ?? 'fin'})`))}`,
      );

      expect(peak - idle).toBeLessThan(100 * 1000 * 1000);
      for (const h of health) {
        // Answered (latency is a benchmark's business, not a test's: the slowest is logged above).
        expect(h.status).toBe(200);
      }
      for (const answer of answers) {
        expect(answer.status).not.toBe(200);
        if (answer.status === undefined) {
          expect(answer.closed).toBe(true);
        } else {
          expect(answer.status).toBe(413);
          expect(answer.headers['x-amzn-errortype']).toBe('ValidationException');
        }
      }
      expect(server.process.exitCode).toBeNull();
    } finally {
      await server.dispose();
    }
  });

  it('answers a body trickled at 1 byte/s with 408 RequestTimeoutException after the body period', async () => {
    const server = await startServerProcess({ env: { MADO_BODY_TIMEOUT_SECONDS: '3' } });
    try {
      const port = portOf(server);
      const timers: NodeJS.Timeout[] = [];
      const answer = await rawExchange(
        port,
        'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n' +
          'X-Amz-Target: AmazonSSM.DescribeMaintenanceWindows\r\nContent-Length: 1000\r\n\r\n',
        (socket, stopped) => {
          const timer = setInterval(() => {
            if (stopped()) {
              clearInterval(timer);
            } else {
              socket.write('x');
            }
          }, 1000);
          timers.push(timer);
        },
        15_000,
      );
      timers.forEach(clearInterval);
      console.log(`trickled body answered ${answer.status} after ${(answer.elapsedMs / 1000).toFixed(2)} s`);
      expect(answer.status).toBe(408);
      expect(answer.headers['x-amzn-errortype']).toBe('RequestTimeoutException');
      expect(JSON.parse(answer.body)).toMatchObject({ __type: 'RequestTimeoutException' });
      expect(answer.elapsedMs).toBeGreaterThanOrEqual(2500);
      expect(answer.elapsedMs).toBeLessThanOrEqual(8000);
    } finally {
      await server.dispose();
    }
  });

  it('throttles an address after MADO_MAX_AUTH_FAILURES_PER_MINUTE failed signatures', async () => {
    const server = await startServerProcess({ env: { MADO_MAX_AUTH_FAILURES_PER_MINUTE: '5' } });
    try {
      const port = portOf(server);
      const signedWithUnknownKey = () => {
        const date = amzDate();
        const body = '{}';
        return rawExchange(
          port,
          'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n' +
            `X-Amz-Target: AmazonSSM.DescribeMaintenanceWindows\r\nX-Amz-Date: ${date}\r\n` +
            `Authorization: ${unknownKeyAuthorization(date)}\r\nConnection: close\r\n` +
            `Content-Length: ${body.length}\r\n\r\n${body}`,
          () => {},
          10_000,
        );
      };
      for (let i = 0; i < 5; i += 1) {
        const failed = await signedWithUnknownKey();
        expect(failed.status).toBe(400);
        expect(JSON.parse(failed.body).__type).toBe('UnrecognizedClientException');
      }
      const throttled = await signedWithUnknownKey();
      expect(throttled.status).toBe(400);
      expect(throttled.headers['x-amzn-errortype']).toBe('ThrottlingException');
      expect(JSON.parse(throttled.body)).toMatchObject({ __type: 'ThrottlingException', message: 'Rate exceeded' });
    } finally {
      await server.dispose();
    }
  });

  it('answers headers over 16 KiB with an SSM-shaped ValidationException', async () => {
    const server = await startServerProcess();
    try {
      const port = portOf(server);
      const answer = await rawExchange(
        port,
        'POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n' +
          'X-Amz-Target: AmazonSSM.DescribeMaintenanceWindows\r\n' +
          `X-Padding: ${'p'.repeat(20 * 1024)}\r\nContent-Length: 2\r\n\r\n{}`,
        () => {},
        10_000,
      );
      expect(answer.status).toBe(400);
      expect(answer.headers['content-type']).toMatch(/^application\/x-amz-json-1\.1/);
      expect(answer.headers['x-amzn-errortype']).toBe('ValidationException');
      const body = JSON.parse(answer.body);
      expect(body).toMatchObject({ __type: 'ValidationException' });
      expect(body.message).toContain('16384');
      expect(body.Message).toBe(body.message);
    } finally {
      await server.dispose();
    }
  });
});
