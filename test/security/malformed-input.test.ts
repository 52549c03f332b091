/**
 * Deeply nested JSON (issue #10 item 8), against the real server process: a body nesting arrays
 * 5,000 deep inside an object member is answered 400 before JSON.parse, never 500 —
 * - by every API operation (`AmazonSSM.<Name>` and `Mado.<Name>`, signed with the admin key):
 *   ValidationException, "The request body is nested deeper than 64 levels.";
 * - by the agent registration endpoint: `{ error: 'Malformed' }`.
 * A body nested exactly 64 deep is not refused for its depth, and the server keeps answering.
 *
 * Nesting met beyond the body is bounded the same way: document content given as a string
 * (JSON or YAML, `[[[…]]]` 10,000 deep) is refused InvalidDocumentContent naming the limit and
 * creates nothing; a package whose manifest.json nests 10,000 deep is refused
 * InvalidPackageManifest; an authenticated agent's frame nested 100,000 deep closes its
 * connection with a Malformed error frame naming the limit.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MADO_OPERATIONS, SSM_OPERATIONS } from '../../src/api/operations/index.js';
import { CONNECT_PATH, REGISTER_PATH, helloSigningText } from '../../src/protocol/agent-protocol.js';
import { callRaw } from '../support/raw-client.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

const DEPTH = 5000;
const DEEP_BODY = `{"Name":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`;
const DEPTH_MESSAGE = 'The request body is nested deeper than 64 levels.';

const TARGETS = [
  ...SSM_OPERATIONS.map((operation) => `AmazonSSM.${operation.name}`),
  ...MADO_OPERATIONS.map((operation) => `Mado.${operation.name}`),
];

describe('deeply nested JSON bodies', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess();
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it('covers every operation of the table', () => {
    expect(TARGETS.length).toBeGreaterThan(50);
    expect(new Set(TARGETS).size).toBe(TARGETS.length);
  });

  it.each(TARGETS)('%s answers 400 ValidationException, never 500', async (target) => {
    const answer = await callRaw(server.url, target, DEEP_BODY);
    expect(answer.status).not.toBe(500);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(answer.body).toMatchObject({ __type: 'ValidationException', message: DEPTH_MESSAGE });
  });

  it('does not refuse a body nested exactly 64 deep for its depth', async () => {
    const body = `{"Name":${'['.repeat(63)}${']'.repeat(63)}}`;
    const answer = await callRaw(server.url, 'AmazonSSM.GetDocument', body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).not.toBe(DEPTH_MESSAGE);
  });

  it('the agent registration endpoint answers 400 Malformed, never 500', async () => {
    const body = `{"protocol":1,"activationId":"a","activationCode":"c","publicKey":"k","tags":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`;
    for (const contentType of ['application/json', 'application/octet-stream']) {
      const response = await fetch(new URL(REGISTER_PATH, server.url), {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      });
      expect(response.status).not.toBe(500);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: 'Malformed',
        message: 'The body is nested deeper than 64 levels.',
      });
    }
  });

  it('keeps answering afterwards', async () => {
    const health = await fetch(new URL('/healthz', server.url));
    expect(health.status).toBe(200);
    const answer = await callRaw(server.url, 'AmazonSSM.ListDocuments', {});
    expect(answer.status).toBe(200);
  });
});

describe('deep nesting beyond the request body', () => {
  let server: ServerProcess;
  const DEEP = 10_000;
  const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  beforeAll(async () => {
    server = await startServerProcess();
  });

  afterAll(async () => {
    await server?.dispose();
  });

  it.each([
    ['a bare YAML flow sequence', 'YAML', nested(DEEP)],
    ['YAML mainSteps', 'YAML', `schemaVersion: "2.2"\nmainSteps: ${nested(DEEP)}\n`],
    ['JSON mainSteps', 'JSON', `{"schemaVersion":"2.2","mainSteps":${nested(DEEP)}}`],
  ])('refuses %s nested 10,000 deep as InvalidDocumentContent', async (_what, format, content) => {
    const answer = await callRaw(server.url, 'AmazonSSM.CreateDocument', {
      Name: `Deep-${format}`,
      Content: content,
      DocumentFormat: format,
      DocumentType: 'Command',
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      __type: 'InvalidDocumentContent',
      message: 'Document content is nested deeper than 64 levels.',
    });
    const described = await callRaw(server.url, 'AmazonSSM.DescribeDocument', { Name: `Deep-${format}` });
    expect(described.body.__type).toBe('InvalidDocument');
  });

  it('refuses a package whose manifest.json nests 10,000 deep as InvalidPackageManifest', async () => {
    const source = mkdtempSync(join(tmpdir(), 'mado-deep-manifest-'));
    try {
      writeFileSync(join(source, 'manifest.json'), `{"schemaVersion":${nested(DEEP)}}`);
      writeFileSync(join(source, 'install.sh'), 'true');
      const chunks: Buffer[] = [];
      for await (const chunk of createTar({ gzip: true, cwd: source, portable: true }, [
        'manifest.json',
        'install.sh',
      ]) as AsyncIterable<Buffer>) {
        chunks.push(Buffer.from(chunk));
      }
      const answer = await callRaw(server.url, 'Mado.PublishPackage', {
        Name: 'deep-manifest',
        Version: '1.0.0',
        Archive: Buffer.concat(chunks).toString('base64'),
      });
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        __type: 'InvalidPackageManifest',
        message: 'manifest.json: is nested deeper than 64 levels.',
      });
      const listed = await callRaw(server.url, 'Mado.ListPackages', {});
      expect(JSON.stringify(listed.body)).not.toContain('deep-manifest');
    } finally {
      rmSync(source, { recursive: true, force: true });
    }
  });

  it('closes an authenticated agent connection whose frame nests 100,000 deep, naming the limit', async () => {
    const activation = await callRaw(server.url, 'AmazonSSM.CreateActivation', { IamRole: 'Deep' });
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const facts = {
      agentVersion: '1.0.0',
      platformType: 'Linux',
      platformName: 'Debian GNU/Linux',
      platformVersion: '12',
      architecture: 'x64',
      computerName: 'deep-frame',
      ipAddresses: ['127.0.0.1'],
    };
    const registered = await fetch(new URL(REGISTER_PATH, server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        protocol: 1,
        activationId: activation.body.ActivationId,
        activationCode: activation.body.ActivationCode,
        publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
        facts,
      }),
    });
    expect(registered.status).toBe(200);
    const { nodeId } = (await registered.json()) as { nodeId: string };
    const socket = new WebSocket(server.url.replace(/^http/, 'ws') + CONNECT_PATH);
    const frames: { type: string; code?: string; message?: string }[] = [];
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; nonce?: string; code?: string };
      frames.push(frame);
      if (frame.type === 'challenge') {
        const signature = sign(null, Buffer.from(helloSigningText(nodeId, frame.nonce!)), privateKey);
        socket.send(
          JSON.stringify({
            type: 'hello',
            protocol: 1,
            nodeId,
            signature: signature.toString('base64'),
            facts,
            unfinished: [],
          }),
        );
      } else if (frame.type === 'welcome') {
        socket.send(`{"type":"heartbeat","at":1,"extra":${nested(100_000)}}`);
      }
    });
    expect(await closed).toBe(1008);
    expect(frames.map((frame) => frame.type)).toEqual(['challenge', 'welcome', 'error']);
    expect(frames[2]).toEqual({
      type: 'error',
      code: 'Malformed',
      message: 'The frame is nested deeper than 64 levels.',
    });
    const health = await fetch(new URL('/healthz', server.url));
    expect(health.status).toBe(200);
  });
});
