import { createPublicKey, sign, verify } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  NodeFactsSchema,
  REGISTER_PATH,
  RegisterRequestSchema,
  type RegisterRequest,
} from '../protocol/agent-protocol.js';
import { collectNodeFacts } from './node-facts.js';
import { generateNodeKeyPair, parseNodePrivateKey } from './node-key.js';
import { parseServerUrl, parseTagOptions, registerNode, type RegisterOptions } from './register.js';
import { IDENTITY_FILE, JOURNAL_DIR, loadState, NODE_KEY_FILE } from './state-directory.js';

interface Received {
  readonly path: string;
  readonly body: RegisterRequest;
}

let server: Server;
let serverUrl: string;
let received: Received[];
let answer: { status: number; body: unknown };
let root: string;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

beforeEach(async () => {
  received = [];
  answer = { status: 200, body: { nodeId: 'mi-0123456789abcdef0' } };
  server = createServer((request, response) => {
    void readBody(request).then((text) => {
      received.push({ path: request.url ?? '', body: JSON.parse(text) as RegisterRequest });
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  root = mkdtempSync(join(tmpdir(), 'mado-register-'));
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

const deps = {
  fetch,
  collectFacts: collectNodeFacts,
  generateKeyPair: generateNodeKeyPair,
  now: () => new Date('2025-03-01T12:00:00.000Z'),
  timeoutMs: 5_000,
};

function options(overrides: Partial<RegisterOptions> = {}): RegisterOptions {
  return {
    server: serverUrl,
    activationId: '4f1c2a0e-3b5d-4e6f-8a9b-0c1d2e3f4a5b',
    activationCode: 'ABCDEFGHIJ0123456789',
    stateDir: join(root, 'state'),
    tags: [],
    force: false,
    ...overrides,
  };
}

describe('registration', () => {
  it('sends the activation, the public key and the facts, and stores the node id and key', async () => {
    const outcome = await registerNode(options({ tags: ['Env=prod', 'Team=ops'], name: 'web-1' }), deps);
    expect(outcome).toEqual({ kind: 'registered', nodeId: 'mi-0123456789abcdef0', stateDir: join(root, 'state') });
    expect(received).toHaveLength(1);
    const { path, body } = received[0]!;
    expect(path).toBe(REGISTER_PATH);
    expect(RegisterRequestSchema.parse(body)).toEqual(body);
    expect(NodeFactsSchema.parse(body.facts).agentVersion).toBe('1.0.0');
    expect(body).toMatchObject({
      protocol: 1,
      activationId: '4f1c2a0e-3b5d-4e6f-8a9b-0c1d2e3f4a5b',
      activationCode: 'ABCDEFGHIJ0123456789',
      name: 'web-1',
      tags: [
        { Key: 'Env', Value: 'prod' },
        { Key: 'Team', Value: 'ops' },
      ],
    });

    const state = loadState(join(root, 'state'));
    expect(state.identity).toEqual({
      serverUrl,
      nodeId: 'mi-0123456789abcdef0',
      registeredAt: '2025-03-01T12:00:00.000Z',
    });
    // The stored private key belongs to the public key the server received.
    const publicKey = createPublicKey({ key: Buffer.from(body.publicKey, 'base64'), format: 'der', type: 'spki' });
    const signature = sign(null, Buffer.from('proof'), state.privateKey);
    expect(verify(null, Buffer.from('proof'), publicKey, signature)).toBe(true);
  });

  it('posts under the base path of a server URL that has one', async () => {
    await registerNode(options({ server: `${serverUrl}/mado/` }), deps);
    expect(received[0]!.path).toBe(`/mado${REGISTER_PATH}`);
    expect(loadState(join(root, 'state')).identity.serverUrl).toBe(`${serverUrl}/mado`);
  });

  it("returns the server's error and message on a 4xx and writes nothing", async () => {
    answer = { status: 400, body: { error: 'InvalidActivation', message: 'The activation has expired.' } };
    const outcome = await registerNode(options(), deps);
    expect(outcome).toEqual({
      kind: 'refused',
      status: 400,
      error: 'InvalidActivation',
      message: 'The activation has expired.',
    });
    expect(existsSync(join(root, 'state'))).toBe(false);
  });

  it('reports a server error with its status', async () => {
    answer = { status: 503, body: { error: 'Unavailable', message: 'try later' } };
    expect(await registerNode(options(), deps)).toEqual({
      kind: 'server-error',
      status: 503,
      message: 'Unavailable: try later',
    });
  });

  it('reports an unreachable server with the URL it tried', async () => {
    const closed = await new Promise<string>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const url = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
        probe.close(() => resolve(url));
      });
    });
    const outcome = await registerNode(options({ server: closed }), deps);
    expect(outcome.kind).toBe('unreachable');
    expect(outcome.kind === 'unreachable' && outcome.message).toContain(`${closed}${REGISTER_PATH}`);
  });

  it('refuses to overwrite an existing registration without --force', async () => {
    await registerNode(options(), deps);
    const keyBefore = readFileSync(join(root, 'state', NODE_KEY_FILE), 'utf8');
    answer = { status: 200, body: { nodeId: 'mi-fffffffffffffffff' } };
    const outcome = await registerNode(options(), deps);
    expect(outcome.kind).toBe('already-registered');
    expect(outcome.kind === 'already-registered' && outcome.message).toContain('--force');
    expect(received).toHaveLength(1);
    expect(readFileSync(join(root, 'state', NODE_KEY_FILE), 'utf8')).toBe(keyBefore);
  });

  it('replaces a registration with --force and drops the old journal', async () => {
    await registerNode(options(), deps);
    mkdirSync(join(root, 'state', JOURNAL_DIR));
    answer = { status: 200, body: { nodeId: 'mi-fffffffffffffffff' } };
    const outcome = await registerNode(options({ force: true }), deps);
    expect(outcome).toMatchObject({ kind: 'registered', nodeId: 'mi-fffffffffffffffff' });
    expect(JSON.parse(readFileSync(join(root, 'state', IDENTITY_FILE), 'utf8')).nodeId).toBe('mi-fffffffffffffffff');
    expect(existsSync(join(root, 'state', JOURNAL_DIR))).toBe(false);
  });

  it('keeps the old registration when a forced registration is refused', async () => {
    await registerNode(options(), deps);
    answer = { status: 403, body: { error: 'InvalidActivation', message: 'Registration limit reached.' } };
    expect((await registerNode(options({ force: true }), deps)).kind).toBe('refused');
    expect(loadState(join(root, 'state')).identity.nodeId).toBe('mi-0123456789abcdef0');
  });

  it('rejects an answer without a valid node id', async () => {
    answer = { status: 200, body: { nodeId: 'i-123' } };
    expect((await registerNode(options(), deps)).kind).toBe('server-error');
    expect(existsSync(join(root, 'state'))).toBe(false);
  });

  it('validates the inputs before calling the server', async () => {
    expect(await registerNode(options({ server: 'ftp://example.com' }), deps)).toEqual({
      kind: 'invalid-input',
      message: '--server must use http:// or https://; got "ftp:" in "ftp://example.com".',
    });
    expect((await registerNode(options({ tags: ['Env'] }), deps)).kind).toBe('invalid-input');
    expect((await registerNode(options({ activationCode: ' ' }), deps)).kind).toBe('invalid-input');
    expect(received).toHaveLength(0);
  });

  it('keeps the private key private: a PKCS8 Ed25519 PEM with mode 0600', async () => {
    await registerNode(options(), deps);
    const pem = readFileSync(join(root, 'state', NODE_KEY_FILE), 'utf8');
    expect(parseNodePrivateKey(pem).asymmetricKeyType).toBe('ed25519');
    expect(JSON.stringify(received[0]!.body)).not.toContain(pem.split('\n')[1]!);
  });
});

describe('server URL', () => {
  it('accepts http and https URLs and drops a trailing slash', () => {
    expect(parseServerUrl('https://mado.example.com:8443/')).toEqual({
      ok: true,
      url: 'https://mado.example.com:8443',
    });
    expect(parseServerUrl('http://10.0.0.5:8080/base/')).toEqual({ ok: true, url: 'http://10.0.0.5:8080/base' });
  });

  it('rejects what is not a usable base URL, saying why', () => {
    expect(parseServerUrl('mado.example.com')).toEqual({
      ok: false,
      message: '--server must be an absolute http:// or https:// URL; got "mado.example.com".',
    });
    expect(parseServerUrl('https://user:pw@mado.example.com')).toMatchObject({
      ok: false,
      message: expect.stringContaining('user name'),
    });
    expect(parseServerUrl('https://mado.example.com/?x=1')).toMatchObject({
      ok: false,
      message: expect.stringContaining('query'),
    });
  });
});

describe('tag options', () => {
  it('splits at the first equals sign and allows an empty value', () => {
    expect(parseTagOptions(['Env=prod', 'Expr=a=b', 'Empty='])).toEqual({
      ok: true,
      tags: [
        { Key: 'Env', Value: 'prod' },
        { Key: 'Expr', Value: 'a=b' },
        { Key: 'Empty', Value: '' },
      ],
    });
  });

  it('names the offending option when it has no equals sign', () => {
    expect(parseTagOptions(['Env'])).toEqual({
      ok: false,
      message: '--tag "Env" must look like KEY=VALUE (e.g. --tag Env=prod).',
    });
  });

  it('rejects empty keys, long keys, reserved aws: keys, duplicates and odd characters', () => {
    expect(parseTagOptions(['=prod'])).toMatchObject({ ok: false, message: expect.stringContaining('1 to 128') });
    expect(parseTagOptions([`${'k'.repeat(129)}=v`])).toMatchObject({ ok: false });
    expect(parseTagOptions(['aws:owner=me'])).toMatchObject({
      ok: false,
      message: expect.stringContaining('reserved'),
    });
    expect(parseTagOptions(['Env=a', 'Env=b'])).toMatchObject({
      ok: false,
      message: expect.stringContaining('Duplicate'),
    });
    expect(parseTagOptions(['Env=a;b'])).toMatchObject({
      ok: false,
      message: expect.stringContaining('letters, digits'),
    });
  });
});

describe('registration and the server identity (TLS)', () => {
  const neverCalled = { ...deps, fetch: (() => Promise.reject(new Error('no request expected'))) as typeof fetch };

  it('refuses a non-loopback http:// server unless --insecure-http, and writes nothing', async () => {
    const outcome = await registerNode(options({ server: 'http://10.0.0.5:8080' }), neverCalled);
    expect(outcome).toMatchObject({ kind: 'invalid-input' });
    expect((outcome as { message: string }).message).toContain('--insecure-http');
    expect(existsSync(join(root, 'state'))).toBe(false);
  });

  it('records --insecure-http and an empty pin list for a loopback http:// server', async () => {
    await registerNode(options({ insecureHttp: true }), deps);
    expect(JSON.parse(readFileSync(join(root, 'state', 'server-trust.json'), 'utf8'))).toEqual({
      pins: [],
      insecureHttp: true,
    });
    expect(loadState(join(root, 'state')).trust).toEqual({ pins: [], insecureHttp: true });
  });

  it('refuses a malformed --server-fingerprint and one given with an http:// URL', async () => {
    const bad = await registerNode(options({ serverFingerprint: 'SHA256:nothex' }), neverCalled);
    expect((bad as { message: string }).message).toContain('--server-fingerprint must look like SHA256:');
    const plain = await registerNode(options({ serverFingerprint: `SHA256:${'AB'.repeat(32)}` }), neverCalled);
    expect((plain as { message: string }).message).toBe('--server-fingerprint needs an https:// --server URL.');
    expect(received).toHaveLength(0);
  });
});
