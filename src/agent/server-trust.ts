/**
 * How this node trusts its server (issue #10), kept in `<state-dir>/server-trust.json` (0600):
 *
 *   {"pins": ["SHA256:…", …], "insecureHttp": false}
 *
 * - No pins: an `https://` server is verified against the system's CAs and NODE_EXTRA_CA_CERTS.
 * - Pins: the server's certificate must have one of these fingerprints, whatever signed it; the
 *   check happens right after the TLS handshake and before a single byte of HTTP is written, so
 *   a mismatching server receives neither the activation code nor a hello, and can send nothing.
 *   `pins[0]` is the certificate seen last; a second pin is the next one the server announced.
 *   Connecting with the announced one drops the old pin.
 * - A non-loopback `http://` server is refused unless the node was registered with
 *   `--insecure-http` (`insecureHttp: true`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { Agent, request, type AgentOptions } from 'node:https';
import type { ClientRequestArgs } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { connect } from 'node:tls';
import { z } from 'zod';
import { fingerprintOfDer, isLoopbackHost, parseFingerprint } from '../shared/fingerprint.js';
import type { Logger } from '../shared/logger.js';
import { ensureDirectory, writeFileAtomic } from './atomic-file.js';

export const TRUST_FILE = 'server-trust.json';

export interface ServerTrust {
  readonly pins: readonly string[];
  readonly insecureHttp: boolean;
}

const NO_PINS: ServerTrust = { pins: [], insecureHttp: false };

const TrustSchema = z.object({
  pins: z.array(z.string().refine((text) => parseFingerprint(text) === text, 'not a SHA256:… fingerprint')).max(2),
  insecureHttp: z.boolean(),
});

/** The trust file's content; none (CA verification, no plain HTTP off loopback) when it is absent. */
export function loadTrust(stateDir: string): ServerTrust {
  const path = join(stateDir, TRUST_FILE);
  if (!existsSync(path)) {
    return NO_PINS;
  }
  const parsed = TrustSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  }
  return parsed.data;
}

export function saveTrust(stateDir: string, trust: ServerTrust): void {
  ensureDirectory(stateDir, 0o700);
  writeFileAtomic(join(stateDir, TRUST_FILE), `${JSON.stringify(trust, null, 2)}\n`, 0o600);
}

/** Why `serverUrl` may not be used, or undefined when it may. */
export function insecureUrlProblem(serverUrl: string, insecureHttp: boolean): string | undefined {
  const url = new URL(serverUrl);
  if (url.protocol !== 'http:' || insecureHttp || isLoopbackHost(url.hostname)) {
    return undefined;
  }
  return (
    `${serverUrl} is plain HTTP on a non-loopback address: anyone on the path could impersonate the server ` +
    'and run commands on this node. Use the https:// URL (with --server-fingerprint for a self-signed ' +
    'certificate), or register with --insecure-http to accept the risk.'
  );
}

export class PinMismatchError extends Error {
  override readonly name = 'PinMismatchError';
}

/**
 * An https Agent whose connections are handed to HTTP (or the WebSocket upgrade) only after the
 * server's certificate matched a pin. Every connection makes a full handshake (no session reuse).
 */
export class PinnedAgent extends Agent {
  constructor(
    private readonly pins: () => readonly string[],
    private readonly onVerified: (fingerprint: string) => void = () => undefined,
    options: AgentOptions = {},
  ) {
    super({ ...options, keepAlive: false, maxCachedSessions: 0 });
  }

  override createConnection(
    options: ClientRequestArgs,
    callback?: (error: Error | null, socket: Duplex) => void,
  ): Duplex {
    const host = options.host ?? options.hostname ?? 'localhost';
    const port = Number(options.port ?? 443);
    const socket = connect({
      host,
      port,
      ...(isIP(host) === 0 ? { servername: host } : {}),
      // The chain is not what is trusted here: the certificate's fingerprint is (checked below).
      rejectUnauthorized: false,
    });
    let answered = false;
    const answer = (error: Error | null) => {
      if (!answered) {
        answered = true;
        callback?.(error, socket);
      }
    };
    socket.once('secureConnect', () => {
      const certificate = socket.getPeerCertificate(false);
      const fingerprint = certificate.raw === undefined ? 'none' : fingerprintOfDer(certificate.raw);
      const pins = this.pins();
      if (!pins.includes(fingerprint)) {
        socket.destroy();
        answer(
          new PinMismatchError(
            `the server at ${host}:${port} presented a certificate with fingerprint ${fingerprint}, not the ` +
              `pinned ${pins.join(' or ')}; not connecting (another server is on that address, or the ` +
              'certificate changed without being announced: register again with the new --server-fingerprint)',
          ),
        );
        return;
      }
      this.onVerified(fingerprint);
      answer(null);
    });
    socket.once('error', (error) => answer(error));
    // The socket reaches HTTP only through the callback, once verified.
    return undefined as unknown as Socket;
  }
}

/** A `fetch` over `agent` (enough of it for registration: method, headers, text body, signal). */
export function fetchThrough(agent: Agent): typeof fetch {
  const MAX_RESPONSE_BYTES = 1024 * 1024;
  return ((input: string | URL, init: RequestInit = {}) =>
    new Promise<Response>((resolve, reject) => {
      const outgoing = request(
        String(input),
        {
          method: init.method ?? 'GET',
          headers: init.headers as Record<string, string>,
          agent,
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (incoming) => {
          const chunks: Buffer[] = [];
          let size = 0;
          incoming.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_RESPONSE_BYTES) {
              incoming.destroy(new Error(`response larger than ${MAX_RESPONSE_BYTES} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          incoming.on('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
          incoming.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(incoming.headers)) {
              if (typeof value === 'string') {
                headers.set(name, value);
              }
            }
            resolve(new Response(Buffer.concat(chunks), { status: incoming.statusCode ?? 500, headers }));
          });
        },
      );
      outgoing.on('error', (error) => reject(new TypeError('fetch failed', { cause: error })));
      outgoing.end(typeof init.body === 'string' ? init.body : undefined);
    })) as typeof fetch;
}

/**
 * The pins of a running agent: follows the server's announcements (`announced`) and the
 * certificate each connection was verified with (`verified`), keeping the trust file in step.
 */
export class ServerPins {
  private trust: ServerTrust;

  constructor(
    private readonly stateDir: string,
    initial: ServerTrust,
    private readonly logger: Logger,
  ) {
    this.trust = initial;
  }

  get pins(): readonly string[] {
    return this.trust.pins;
  }

  verified(fingerprint: string): void {
    if (this.trust.pins[0] === fingerprint) {
      return;
    }
    this.update([fingerprint]);
    this.logger.info({ fingerprint }, 'the server now uses its announced certificate; the old pin is dropped');
  }

  announced(nextFingerprint: string): void {
    const current = this.trust.pins[0];
    if (current === undefined || this.trust.pins.includes(nextFingerprint)) {
      return;
    }
    this.update([current, nextFingerprint]);
    this.logger.info({ nextFingerprint }, 'the server announced its next certificate; pinned it as well');
  }

  private update(pins: string[]): void {
    this.trust = { ...this.trust, pins };
    try {
      saveTrust(this.stateDir, this.trust);
    } catch (error) {
      this.logger.error({ err: error }, `could not save ${TRUST_FILE}; the pin holds until the agent restarts`);
    }
  }
}
