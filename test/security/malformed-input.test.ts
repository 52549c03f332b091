/**
 * Deeply nested JSON (issue #10 item 8), against the real server process: a body nesting arrays
 * 5,000 deep inside an object member is answered 400 before JSON.parse, never 500 —
 * - by every API operation (`AmazonSSM.<Name>` and `Mado.<Name>`, signed with the admin key):
 *   ValidationException, "The request body is nested deeper than 64 levels.";
 * - by the agent registration endpoint: `{ error: 'Malformed' }`.
 * A body nested exactly 64 deep is not refused for its depth, and the server keeps answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MADO_OPERATIONS, SSM_OPERATIONS } from '../../src/api/operations/index.js';
import { REGISTER_PATH } from '../../src/protocol/agent-protocol.js';
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
