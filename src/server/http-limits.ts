/**
 * The HTTP server's limits before authentication, applied to the Node server under Fastify:
 *  - Node's own timeouts (`headersTimeout`, `requestTimeout`, checked every second rather than
 *    Node's default 30 s) and `maxHeaderSize`; a socket idle timeout (Fastify `connectionTimeout`);
 *  - the body minimum-rate rule (body-progress.ts) for every request with a body;
 *  - per-IP admission of connections and throttling after failed signatures (connection-guard.ts):
 *    a connection counts as unauthenticated until one of its requests is verified, or until it
 *    leaves HTTP (an upgrade to the agent gateway, which guards its own pre-`hello` phase);
 *  - answers in SSM's error shape (`__type`, `message`, `Message`, `x-amzn-ErrorType`) for what
 *    Node or Fastify would otherwise answer in their own words (header overflow, timeouts,
 *    malformed HTTP), always closing the connection after them.
 *
 * Connections are keyed by remote address and port, which a TLS socket shares with the TCP
 * socket under it, so the same bookkeeping works for http and https servers.
 */
import { STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { JSON_CONTENT_TYPE } from '../api/api-handler.js';
import { errorBody, transportError, type WireErrorBody } from '../api/errors.js';
import { normaliseAddress } from '../shared/audit-recorder.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { watchBodyProgress } from './body-progress.js';
import type { HttpLimits } from './config.js';
import { ConnectionGuard, type ConnectionTicket } from './connection-guard.js';

/** Remembered failure windows: far more IPs than a fleet has, small enough to stay cheap. */
const MAX_TRACKED_ADDRESSES = 10_000;
/** How long an answered-and-closing connection may take to flush its answer. */
const CLOSE_GRACE_MS = 1000;

export const THROTTLED_MESSAGE = 'Rate exceeded';

/** Options for `http.createServer` / `https.createServer` (both accept them). */
export function nodeServerOptions(limits: HttpLimits) {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    // Node checks the two timeouts this often (its default, 30 s, would make them that late).
    connectionsCheckingInterval: Math.min(1000, Math.floor(limits.headersTimeoutMs / 2)),
  };
}

/** SSM's error answer as raw HTTP/1.1, for sockets that have no response object. */
function rawErrorAnswer({ httpStatus: status, type, message }: WireErrorBody): string {
  const body = JSON.stringify(errorBody(type, message));
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
    `Content-Type: ${JSON_CONTENT_TYPE}\r\nx-amzn-ErrorType: ${type}\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** Headers of an error answer that closes its connection. */
export function closingErrorHeaders(type: string): Record<string, string> {
  return { 'content-type': JSON_CONTENT_TYPE, 'x-amzn-errortype': type, connection: 'close' };
}

/** Fastify's `clientErrorHandler`: what Node could not parse or did not receive in time. */
export function clientErrorHandler(limits: HttpLimits): (error: Error & { code?: string }, socket: Duplex) => void {
  return (error, socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) {
      return;
    }
    // Node sets `_httpMessage` to null once a response on the socket has finished.
    const pending = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (socket.writable && (pending === undefined || pending === null || !pending.headersSent)) {
      if (error.code === 'HPE_HEADER_OVERFLOW') {
        const message = `The request headers exceed this server's limit of ${limits.maxHeaderBytes} bytes.`;
        socket.write(rawErrorAnswer(transportError('HeadersTooLarge', message)));
      } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
        const message =
          `The request did not arrive in time (headers within ${limits.headersTimeoutMs / 1000} s, ` +
          `the whole request within ${limits.requestTimeoutMs / 1000} s).`;
        socket.write(rawErrorAnswer(transportError('RequestTimeout', message)));
      } else {
        socket.write(rawErrorAnswer(transportError('MalformedRequest', 'The request is not valid HTTP/1.1.')));
      }
    }
    socket.destroy();
  };
}

function connectionKey(socket: { remoteAddress?: string; remotePort?: number }): string {
  return `${socket.remoteAddress ?? ''}|${socket.remotePort ?? ''}`;
}

function hasBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/** Per-connection limits of one HTTP server; `attach` before it listens. */
export class HttpGuard {
  private readonly guard: ConnectionGuard;
  private readonly tickets = new Map<string, ConnectionTicket>();

  constructor(
    private readonly limits: HttpLimits,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.guard = new ConnectionGuard(
      {
        maxUnauthenticatedPerIp: limits.maxUnauthenticatedConnectionsPerIp,
        maxAuthFailuresPerWindow: limits.maxAuthFailuresPerMinute,
        authFailureWindowMs: 60_000,
        maxTrackedAddresses: MAX_TRACKED_ADDRESSES,
      },
      clock,
    );
  }

  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    server.on('upgrade', (request: IncomingMessage) => this.tickets.get(connectionKey(request.socket))?.release());
    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.watchBody(request, response));
  }

  /** The caller's address as the API and audit see it (IPv4 without the `::ffff:` prefix). */
  remoteAddress(request: IncomingMessage): string {
    return normaliseAddress(request.socket.remoteAddress) ?? '';
  }

  isThrottled(request: IncomingMessage): boolean {
    return this.guard.isThrottled(this.remoteAddress(request));
  }

  /** What the API made of a request's signature; a verified one frees its connection's slot. */
  authenticationOutcome(request: IncomingMessage, outcome: 'verified' | 'failed' | undefined): void {
    if (outcome === 'verified') {
      this.tickets.get(connectionKey(request.socket))?.authenticated();
    } else if (outcome === 'failed') {
      this.guard.authenticationFailed(this.remoteAddress(request));
    }
  }

  private admit(socket: Socket): void {
    const address = normaliseAddress(socket.remoteAddress) ?? '';
    const ticket = this.guard.admit(address);
    if (ticket === undefined) {
      this.logger.debug({ address }, 'connection refused: too many unauthenticated connections from its address');
      socket.destroy();
      return;
    }
    const key = connectionKey(socket);
    this.tickets.set(key, ticket);
    socket.once('close', () => {
      ticket.release();
      if (this.tickets.get(key) === ticket) {
        this.tickets.delete(key);
      }
    });
  }

  private watchBody(request: IncomingMessage, response: ServerResponse): void {
    if (request.complete || !hasBody(request)) {
      return;
    }
    const done = new AbortController();
    const stop = () => done.abort();
    request.once('end', stop);
    request.once('close', stop);
    response.once('close', stop);
    const socket = request.socket;
    const rule = { periodMs: this.limits.bodyTimeoutMs, minBytesPerSecond: this.limits.minBodyBytesPerSecond };
    void watchBodyProgress(
      { bytesRead: () => socket.bytesRead, complete: () => request.complete },
      rule,
      this.clock,
      done.signal,
    ).then((outcome) => {
      if (outcome === 'stalled') {
        this.closeStalled(request, response);
      }
    });
  }

  private closeStalled(request: IncomingMessage, response: ServerResponse): void {
    const socket = request.socket;
    this.logger.debug({ address: this.remoteAddress(request) }, 'request body too slow; connection closed');
    if (!response.headersSent && !socket.destroyed) {
      const wire = transportError(
        'RequestTimeout',
        `The request body arrived slower than ${this.limits.minBodyBytesPerSecond} bytes/s ` +
          `over ${this.limits.bodyTimeoutMs / 1000} s.`,
      );
      response.writeHead(wire.httpStatus, closingErrorHeaders(wire.type));
      response.end(JSON.stringify(errorBody(wire.type, wire.message)), () => socket.destroy());
    }
    void this.clock.sleep(CLOSE_GRACE_MS).then(() => socket.destroy());
  }
}
