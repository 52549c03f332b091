/**
 * The agent gateway and registration endpoint against hostile or broken clients: malformed,
 * oversized, unauthenticated and replayed frames are refused with an error frame, logged, and
 * the server keeps serving well-behaved agents.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AddTagsToResourceCommand,
  CreateActivationCommand,
  DeleteActivationCommand,
  DescribeActivationsCommand,
  DescribeInstanceInformationCommand,
  ListTagsForResourceCommand,
  RemoveTagsFromResourceCommand,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTER_PATH } from '../../src/protocol/agent-protocol.js';
import {
  RawAgentClient,
  nodeFacts,
  register as registerNode,
  welcomedClient,
  type RawNode,
  type Registration,
} from '../support/raw-node.js';
import { REPO_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';

const FACTS = nodeFacts('gateway-test');

describe('the agent gateway', () => {
  let server: ServerProcess;
  let activation: { id: string; code: string };

  async function register(code = activation.code, activationId = activation.id): Promise<Registration> {
    return registerNode(server.url, activationId, code, FACTS);
  }

  async function connected(node: RawNode): Promise<RawAgentClient> {
    return welcomedClient(server.url, node, FACTS);
  }

  beforeAll(async () => {
    server = await startServerProcess();
    const created = await server
      .client()
      .send(new CreateActivationCommand({ IamRole: 'MadoNode', RegistrationLimit: 30 }));
    activation = { id: created.ActivationId!, code: created.ActivationCode! };
  });

  afterAll(async () => {
    await server.dispose();
  });

  it('registers a node and refuses a wrong activation code', async () => {
    const ok = await register();
    expect(ok.status).toBe(200);
    expect(ok.body.nodeId).toMatch(/^mi-[0-9a-f]{17}$/);
    const wrong = await register('WRONGCODE00000000000');
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toBe('InvalidActivation');
  });

  it('refuses registration through an exhausted, a deleted or an expired activation', async () => {
    const ssm = server.client();
    const single = await ssm.send(new CreateActivationCommand({ IamRole: 'MadoNode', RegistrationLimit: 1 }));
    expect((await register(single.ActivationCode, single.ActivationId)).status).toBe(200);
    const exhausted = await register(single.ActivationCode, single.ActivationId);
    expect(exhausted).toMatchObject({ status: 403, body: { error: 'InvalidActivation' } });
    expect(exhausted.body.message).toContain('registration limit');
    const described = await ssm.send(
      new DescribeActivationsCommand({
        Filters: [{ FilterKey: 'ActivationIds', FilterValues: [single.ActivationId!] }],
      }),
    );
    expect(described.ActivationList?.[0]).toMatchObject({ RegistrationsCount: 1, RegistrationLimit: 1 });

    const removed = await ssm.send(new CreateActivationCommand({ IamRole: 'MadoNode', RegistrationLimit: 5 }));
    await ssm.send(new DeleteActivationCommand({ ActivationId: removed.ActivationId }));
    const deleted = await register(removed.ActivationCode, removed.ActivationId);
    expect(deleted).toMatchObject({ status: 403, body: { error: 'InvalidActivation' } });
    expect(deleted.body.message).toContain('deleted');

    const shortLived = await ssm.send(
      new CreateActivationCommand({ IamRole: 'MadoNode', ExpirationDate: new Date(Date.now() + 1500) }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const expired = await register(shortLived.ActivationCode, shortLived.ActivationId);
    expect(expired).toMatchObject({ status: 403, body: { error: 'InvalidActivation' } });
    expect(expired.body.message).toContain('expired');
  });

  it('tags and untags a managed node, and refuses unknown nodes', async () => {
    const ssm = server.client();
    const { node } = await register();
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'ManagedInstance',
        ResourceId: node!.nodeId,
        Tags: [{ Key: 'Env', Value: 'prod' }],
      }),
    );
    const tags = await ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'ManagedInstance', ResourceId: node!.nodeId }),
    );
    expect(tags.TagList).toEqual([{ Key: 'Env', Value: 'prod' }]);
    await ssm.send(
      new RemoveTagsFromResourceCommand({
        ResourceType: 'ManagedInstance',
        ResourceId: node!.nodeId,
        TagKeys: ['Env'],
      }),
    );
    expect(
      (await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'ManagedInstance', ResourceId: node!.nodeId })))
        .TagList,
    ).toEqual([]);
    await expect(
      ssm.send(new ListTagsForResourceCommand({ ResourceType: 'ManagedInstance', ResourceId: 'mi-0123456789abcdef0' })),
    ).rejects.toMatchObject({ name: 'InvalidResourceId' });
  });

  it('refuses a malformed registration request with the field at fault', async () => {
    const response = await fetch(new URL(REGISTER_PATH, server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, activationId: activation.id }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as Record<string, string>;
    expect(body.error).toBe('Malformed');
    expect(body.message).toMatch(/activationCode|publicKey|facts/);
  });

  it('welcomes a node whose hello is signed with its key', async () => {
    const { node } = await register();
    const client = await connected(node!);
    expect((await client.next('welcome')).nodeId).toBe(node!.nodeId);
    client.send({ type: 'heartbeat', at: Date.now() });
    await client.next('heartbeat');
    client.socket.close();
  });

  it('refuses a hello signed with another key', async () => {
    const { node } = await register();
    const impostor = { nodeId: node!.nodeId, privateKey: generateKeyPairSync('ed25519').privateKey };
    const client = new RawAgentClient(server.url, FACTS);
    const challenge = await client.next('challenge');
    client.hello(impostor, challenge.nonce);
    expect((await client.next('error')).code).toBe('Unauthorized');
    expect(await client.closed).toBe(1008);
  });

  it('refuses a hello replayed on another connection', async () => {
    const { node } = await register();
    const first = new RawAgentClient(server.url, FACTS);
    const firstChallenge = await first.next('challenge');
    const second = new RawAgentClient(server.url, FACTS);
    await second.next('challenge');
    // The signature is valid, but for the first connection's nonce.
    second.hello(node!, firstChallenge.nonce);
    expect((await second.next('error')).code).toBe('Unauthorized');
    first.socket.close();
  });

  it('refuses a hello for an unknown node', async () => {
    const client = new RawAgentClient(server.url, FACTS);
    const challenge = await client.next('challenge');
    client.hello(
      { nodeId: 'mi-0123456789abcdef0', privateKey: generateKeyPairSync('ed25519').privateKey },
      challenge.nonce,
    );
    expect((await client.next('error')).code).toBe('Unauthorized');
  });

  it('closes a connection that sends a malformed frame', async () => {
    const client = new RawAgentClient(server.url, FACTS);
    await client.next('challenge');
    client.send('{"type":"hello", not json');
    expect((await client.next('error')).code).toBe('Malformed');
    expect(await client.closed).toBe(1008);
  });

  it('closes a connection that sends a binary frame', async () => {
    const client = new RawAgentClient(server.url, FACTS);
    await client.next('challenge');
    client.send(Buffer.from([1, 2, 3]));
    expect((await client.next('error')).code).toBe('Malformed');
  });

  it('refuses any frame but hello before authentication', async () => {
    const client = new RawAgentClient(server.url, FACTS);
    await client.next('challenge');
    client.send({ type: 'accepted', commandId: '00000000-0000-4000-8000-000000000001' });
    expect((await client.next('error')).code).toBe('Unexpected');
  });

  it('closes a connection that sends a frame over the size limit', async () => {
    const { node } = await register();
    const client = await connected(node!);
    client.send('x'.repeat(9 * 1024 * 1024));
    expect(await client.closed).toBe(1009);
  });

  it('keeps serving well-behaved agents while others misbehave', async () => {
    const { node } = await register();
    const good = await connected(node!);
    const bad = new RawAgentClient(server.url, FACTS);
    await bad.next('challenge');
    bad.send('garbage');
    await bad.closed;
    good.frames.length = 0;
    good.send({ type: 'heartbeat', at: Date.now() });
    await good.next('heartbeat');
    const nodes = await server.client().send(new DescribeInstanceInformationCommand({}));
    expect(nodes.InstanceInformationList?.map((entry) => entry.InstanceId)).toContain(node!.nodeId);
    good.socket.close();
  });

  it('serves the server’s own agent release to a connected node, and names a version it does not have', async () => {
    const own = readFileSync(join(REPO_ROOT, 'dist', 'mado-agent.cjs'));
    const { node } = await register();
    const client = await connected(node!);
    client.send({ type: 'releaseRequest', requestId: 'latest-1' });
    const answer = await client.next('release');
    expect(answer).toEqual({
      type: 'release',
      requestId: 'latest-1',
      release: { version: '1.0.0', sha256: createHash('sha256').update(own).digest('hex'), sizeBytes: own.length },
    });
    client.send({ type: 'releaseChunkRequest', requestId: 'chunk-1', version: '1.0.0', offset: 10, length: 100 });
    const chunk = await client.next('releaseChunk');
    expect(chunk).toMatchObject({ requestId: 'chunk-1', version: '1.0.0', offset: 10 });
    expect(Buffer.from(chunk.data!, 'base64').equals(own.subarray(10, 110))).toBe(true);

    client.frames.length = 0;
    client.send({ type: 'releaseRequest', requestId: 'missing-1', version: '9.9.9' });
    expect(await client.next('release')).toEqual({
      type: 'release',
      requestId: 'missing-1',
      error: 'Agent release 9.9.9 is not published on the server.',
    });
    client.socket.close();
  });

  it('refuses release requests before authentication and chunk requests over the chunk size', async () => {
    const early = new RawAgentClient(server.url, FACTS);
    await early.next('challenge');
    early.send({ type: 'releaseRequest', requestId: 'early' });
    expect((await early.next('error')).code).toBe('Unexpected');

    const { node } = await register();
    const client = await connected(node!);
    client.send(
      JSON.stringify({
        type: 'releaseChunkRequest',
        requestId: 'big',
        version: '1.0.0',
        offset: 0,
        length: 64 * 1024 * 1024,
      }),
    );
    expect((await client.next('error')).code).toBe('Malformed');
  });
});
