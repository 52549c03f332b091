/**
 * The audit log against the real server process (issue #10): a sample of every kind of mutating
 * call made with @aws-sdk/client-ssm (windows, targets, tasks, documents, commands, activations,
 * access keys, tags), refusals (a bad signature, a read-only key attempting a mutation) and reads,
 * then read back through Mado.ListAuditEvents (signed raw requests) and `mado audit`, filtered
 * by access key, operation, outcome and time. Each row says who, what, when, from where and the
 * outcome; reads by operator and read-only keys leave no row. Agent connections refused before
 * their hello is verified (unknown node, bad signature, a malformed first frame) are recorded as
 * `AgentHello` refusals, and a flood of them writes a bounded number of rows.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  AddTagsToResourceCommand,
  CancelCommandCommand,
  CreateActivationCommand,
  CreateDocumentCommand,
  CreateMaintenanceWindowCommand,
  DeleteMaintenanceWindowCommand,
  DescribeMaintenanceWindowsCommand,
  ListDocumentsCommand,
  RegisterTargetWithMaintenanceWindowCommand,
  RegisterTaskWithMaintenanceWindowCommand,
  SendCommandCommand,
  UpdateMaintenanceWindowCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CONNECT_PATH } from '../../src/protocol/agent-protocol.js';
import { runMado } from '../support/mado-cli.js';
import { callRaw } from '../support/raw-client.js';
import { helloFrame, nodeFacts, registerRawNode } from '../support/raw-node.js';
import { ADMIN, startServerProcess, type Credentials, type ServerProcess } from '../support/server-process.js';

interface AuditEvent {
  readonly EventId: string;
  readonly Time: number;
  readonly AccessKeyId?: string;
  readonly Operation: string;
  readonly Outcome: string;
  readonly Detail?: string;
  readonly ResourceId?: string;
  readonly SourceIp?: string;
  readonly Target?: string;
  readonly RequestId?: string;
}

const NOBODY = [{ Key: 'tag:Role', Values: ['nobody'] }];
const DOCUMENT = JSON.stringify({
  schemaVersion: '2.2',
  description: 'audited',
  mainSteps: [{ action: 'aws:runShellScript', name: 'run', inputs: { runCommand: ['true'] } }],
});

/** The mutating operations the sample performs with the operator key, each succeeding once. */
const OPERATOR_MUTATIONS = [
  'CreateMaintenanceWindow',
  'UpdateMaintenanceWindow',
  'RegisterTargetWithMaintenanceWindow',
  'RegisterTaskWithMaintenanceWindow',
  'AddTagsToResource',
  'CreateDocument',
  'SendCommand',
  'CancelCommand',
  'CreateActivation',
  'DeleteMaintenanceWindow',
];

let server: ServerProcess;
let operator: Credentials;
let readOnly: Credentials;
let deletedKeyId: string;
let startedAt: number;
let finishedAt: number;
const clients: SSMClient[] = [];

function clientFor(credentials: Credentials): SSMClient {
  const client = server.client(credentials);
  clients.push(client);
  return client;
}

async function createKey(role: string): Promise<Credentials> {
  const answer = await callRaw(server.url, 'Mado.CreateAccessKey', { Role: role, Description: `${role} key` });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  const key = answer.body.AccessKey as { AccessKeyId: string; SecretAccessKey: string };
  return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
}

async function listAudit(filters: Record<string, unknown>): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < 20; page++) {
    const answer = await callRaw(server.url, 'Mado.ListAuditEvents', { ...filters, NextToken: nextToken });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    events.push(...(answer.body.AuditEvents as AuditEvent[]));
    nextToken = answer.body.NextToken as string | undefined;
    if (nextToken === undefined) {
      return events;
    }
  }
  throw new Error('more than 20 pages of audit events');
}

async function madoAudit(args: readonly string[]): Promise<string> {
  const run = await runMado(['audit', ...args, '--endpoint-url', server.url], server.cliEnv());
  if (run.exitCode !== 0) {
    throw new Error(`mado audit exited ${run.exitCode}: ${run.stderr}`);
  }
  return run.stdout;
}

beforeAll(async () => {
  server = await startServerProcess();

  startedAt = Date.now() / 1000;
  operator = await createKey('operator');
  readOnly = await createKey('read-only');
  deletedKeyId = (await createKey('operator')).accessKeyId;
  expect((await callRaw(server.url, 'Mado.DeleteAccessKey', { AccessKeyId: deletedKeyId })).status).toBe(200);

  const ops = clientFor(operator);
  const { WindowId } = await ops.send(
    new CreateMaintenanceWindowCommand({
      Name: 'audited',
      Schedule: 'rate(1 day)',
      Duration: 2,
      Cutoff: 1,
      AllowUnassociatedTargets: false,
    }),
  );
  await ops.send(new UpdateMaintenanceWindowCommand({ WindowId, Description: 'changed' }));
  const { WindowTargetId } = await ops.send(
    new RegisterTargetWithMaintenanceWindowCommand({ WindowId, ResourceType: 'INSTANCE', Targets: NOBODY }),
  );
  await ops.send(
    new RegisterTaskWithMaintenanceWindowCommand({
      WindowId,
      TaskArn: 'AWS-RunShellScript',
      TaskType: 'RUN_COMMAND',
      Targets: [{ Key: 'WindowTargetIds', Values: [WindowTargetId!] }],
      MaxConcurrency: '1',
      MaxErrors: '0',
    }),
  );
  await ops.send(
    new AddTagsToResourceCommand({
      ResourceType: 'MaintenanceWindow',
      ResourceId: WindowId,
      Tags: [{ Key: 'Team', Value: 'ops' }],
    }),
  );
  await ops.send(new CreateDocumentCommand({ Name: 'Audited-Doc', Content: DOCUMENT, DocumentType: 'Command' }));
  const { Command } = await ops.send(new SendCommandCommand({ DocumentName: 'Audited-Doc', Targets: NOBODY }));
  await ops.send(new CancelCommandCommand({ CommandId: Command!.CommandId }));
  await ops.send(new CreateActivationCommand({ IamRole: 'AuditRole' }));
  await ops.send(new DeleteMaintenanceWindowCommand({ WindowId }));
  // A call that fails its validation: recorded `failed` with the error type.
  await expect(ops.send(new UpdateMaintenanceWindowCommand({ WindowId: 'mw-0000000000000000f' }))).rejects.toThrow();

  // Reads by the operator and the read-only key.
  await ops.send(new DescribeMaintenanceWindowsCommand({}));
  await clientFor(readOnly).send(new ListDocumentsCommand({}));
  // Refusals: a mutation by the read-only key, a bad signature, a deleted key.
  await expect(
    clientFor(readOnly).send(
      new CreateMaintenanceWindowCommand({
        Name: 'denied',
        Schedule: 'rate(1 day)',
        Duration: 2,
        Cutoff: 1,
        AllowUnassociatedTargets: false,
      }),
    ),
  ).rejects.toMatchObject({ name: 'AccessDeniedException' });
  const forged = await callRaw(
    server.url,
    'AmazonSSM.DeleteMaintenanceWindow',
    { WindowId: 'mw-0000000000000000f' },
    { credentials: { accessKeyId: operator.accessKeyId, secretAccessKey: 'not-the-secret' } },
  );
  expect(forged.status).toBe(400);
  expect(forged.body.__type).toBe('InvalidSignatureException');
  const gone = await callRaw(
    server.url,
    'AmazonSSM.CreateDocument',
    { Name: 'x', Content: DOCUMENT },
    {
      credentials: { accessKeyId: deletedKeyId, secretAccessKey: 'whatever' },
    },
  );
  expect(gone.status).toBe(400);
  finishedAt = Date.now() / 1000;
}, 60_000);

afterAll(async () => {
  for (const client of clients) {
    client.destroy();
  }
  await server?.dispose();
});

describe('the audit log', () => {
  it('records every mutating call of the operator key once, allowed, with who, what, when and where', async () => {
    const events = await listAudit({ AccessKeyId: operator.accessKeyId, Outcome: 'allowed' });
    expect(events.map((event) => event.Operation).sort()).toEqual([...OPERATOR_MUTATIONS].sort());
    for (const event of events) {
      expect(event).toMatchObject({
        AccessKeyId: operator.accessKeyId,
        Outcome: 'allowed',
        SourceIp: '127.0.0.1',
        Target: `AmazonSSM.${event.Operation}`,
      });
      expect(event.EventId).toMatch(/^[0-9a-f-]{36}$/);
      expect(event.RequestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(event.Time).toBeGreaterThanOrEqual(startedAt - 1);
      expect(event.Time).toBeLessThanOrEqual(finishedAt + 1);
    }
  });

  it('lists newest first, in the order the calls were made', async () => {
    const events = await listAudit({ AccessKeyId: operator.accessKeyId, Outcome: 'allowed' });
    const times = events.map((event) => event.Time);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(events.at(-1)?.Operation).toBe('CreateMaintenanceWindow');
    expect(events[0]?.Operation).toBe('DeleteMaintenanceWindow');
  });

  it('records a mutation refused by a business rule as failed with the error type', async () => {
    const events = await listAudit({ AccessKeyId: operator.accessKeyId, Outcome: 'failed' });
    expect(events).toEqual([
      expect.objectContaining({
        Operation: 'UpdateMaintenanceWindow',
        Outcome: 'failed',
        Detail: 'DoesNotExistException',
        SourceIp: '127.0.0.1',
      }),
    ]);
  });

  it('records the admin key operations (access keys) with the admin key id', async () => {
    const created = await listAudit({ AccessKeyId: ADMIN.accessKeyId, Operation: 'CreateAccessKey' });
    expect(created).toHaveLength(3);
    expect(created.every((event) => event.Outcome === 'allowed' && event.Target === 'Mado.CreateAccessKey')).toBe(true);
    const deleted = await listAudit({ AccessKeyId: ADMIN.accessKeyId, Operation: 'DeleteAccessKey' });
    expect(deleted).toEqual([expect.objectContaining({ Outcome: 'allowed', SourceIp: '127.0.0.1' })]);
  });

  it('records a read-only key attempting a mutation as denied with its role', async () => {
    const events = await listAudit({ AccessKeyId: readOnly.accessKeyId });
    expect(events).toEqual([
      expect.objectContaining({
        Operation: 'CreateMaintenanceWindow',
        Outcome: 'denied',
        Detail: 'role read-only',
        SourceIp: '127.0.0.1',
        Target: 'AmazonSSM.CreateMaintenanceWindow',
      }),
    ]);
  });

  it('records a bad signature and a deleted key as refused with the key id they claimed', async () => {
    const refused = await listAudit({ Outcome: 'refused' });
    expect(refused).toContainEqual(
      expect.objectContaining({
        AccessKeyId: operator.accessKeyId,
        Operation: 'DeleteMaintenanceWindow',
        Detail: 'InvalidSignatureException',
        SourceIp: '127.0.0.1',
      }),
    );
    expect(refused).toContainEqual(
      expect.objectContaining({ AccessKeyId: deletedKeyId, Operation: 'CreateDocument', SourceIp: '127.0.0.1' }),
    );
  });

  it('does not record reads by operator and read-only keys', async () => {
    const all = await listAudit({});
    const operations = new Set(all.map((event) => event.Operation));
    expect(operations.has('DescribeMaintenanceWindows')).toBe(false);
    expect(operations.has('ListDocuments')).toBe(false);
  });

  it('records the admin listing itself', async () => {
    await listAudit({ Operation: 'CreateActivation' });
    const listings = await listAudit({ Operation: 'ListAuditEvents' });
    expect(listings.length).toBeGreaterThan(0);
    expect(listings[0]).toMatchObject({ AccessKeyId: ADMIN.accessKeyId, Outcome: 'allowed' });
  });

  it('filters by time: nothing before the sample, everything of it inside its span', async () => {
    expect(await listAudit({ EndTime: startedAt - 5 })).toEqual([]);
    const inside = await listAudit({
      AccessKeyId: operator.accessKeyId,
      StartTime: startedAt - 1,
      EndTime: finishedAt + 1,
    });
    // The mutations, the failed update and the forged signature that claimed the operator key.
    expect(inside.map((event) => event.Outcome).sort()).toEqual(
      [...OPERATOR_MUTATIONS.map(() => 'allowed'), 'failed', 'refused'].sort(),
    );
    const after = await listAudit({ AccessKeyId: operator.accessKeyId, StartTime: finishedAt + 1 });
    expect(after).toEqual([]);
  });

  it('pages with MaxResults and NextToken without losing or repeating an event', async () => {
    const whole = await listAudit({ AccessKeyId: operator.accessKeyId });
    const paged = await listAudit({ AccessKeyId: operator.accessKeyId, MaxResults: 3 });
    expect(paged.map((event) => event.EventId)).toEqual(whole.map((event) => event.EventId));
  });

  it('answers a bad filter with ValidationException naming the member', async () => {
    const answer = await callRaw(server.url, 'Mado.ListAuditEvents', { Outcome: 'exploded' });
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('ValidationException');
    expect(String(answer.body.message)).toMatch(/outcome/i);
  });

  it('is refused to a key that is not admin', async () => {
    const answer = await callRaw(server.url, 'Mado.ListAuditEvents', {}, { credentials: operator });
    expect(answer.status).toBe(400);
    expect(answer.body.__type).toBe('AccessDeniedException');
  });

  it('mado audit --json filters by key, operation and time', async () => {
    const stdout = await madoAudit([
      '--json',
      '--access-key-id',
      operator.accessKeyId,
      '--operation',
      'SendCommand',
      '--since',
      new Date((startedAt - 1) * 1000).toISOString(),
      '--until',
      new Date((finishedAt + 1) * 1000).toISOString(),
    ]);
    const { AuditEvents } = JSON.parse(stdout) as { AuditEvents: AuditEvent[] };
    expect(AuditEvents).toEqual([
      expect.objectContaining({
        AccessKeyId: operator.accessKeyId,
        Operation: 'SendCommand',
        Outcome: 'allowed',
        SourceIp: '127.0.0.1',
      }),
    ]);
    const none = await madoAudit([
      '--json',
      '--operation',
      'SendCommand',
      '--until',
      new Date((startedAt - 5) * 1000).toISOString(),
    ]);
    expect((JSON.parse(none) as { AuditEvents: AuditEvent[] }).AuditEvents).toEqual([]);
  });

  it('mado audit prints a table row per event with outcome, operation, key and source', async () => {
    const stdout = await madoAudit(['--access-key-id', readOnly.accessKeyId, '--since', '1h']);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TIME +OUTCOME +OPERATION +ACCESS KEY +SOURCE +DETAIL$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(
      new RegExp(
        `^\\d{4}-\\d\\d-\\d\\dT\\S+Z +denied +CreateMaintenanceWindow +${readOnly.accessKeyId} +127\\.0\\.0\\.1 +role read-only$`,
      ),
    );
  });

  it('mado audit --outcome refused with --max 1 prints one event', async () => {
    const stdout = await madoAudit(['--json', '--outcome', 'refused', '--max', '1']);
    const { AuditEvents } = JSON.parse(stdout) as { AuditEvents: AuditEvent[] };
    expect(AuditEvents).toHaveLength(1);
    expect(AuditEvents[0]?.Outcome).toBe('refused');
  });
});

const FACTS = nodeFacts('audit-test');

/**
 * Opens an agent connection, waits for the challenge, sends what `first` makes of its nonce and
 * resolves with the error frame's code once the server has closed the connection.
 */
async function refusedHello(first: (nonce: string) => string): Promise<string | undefined> {
  const socket = new WebSocket(server.url.replace(/^http/, 'ws') + CONNECT_PATH);
  let code: string | undefined;
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { type: string; nonce?: string; code?: string };
    if (frame.type === 'challenge') {
      socket.send(first(frame.nonce!));
    } else if (frame.type === 'error') {
      code = frame.code;
    }
  });
  socket.on('error', () => {
    // The server ends refused connections; the close event is what the test waits for.
  });
  await closed;
  return code;
}

function hello(nodeId: string, nonce: string, privateKey: KeyObject): string {
  return JSON.stringify(helloFrame({ nodeId, privateKey }, nonce, FACTS));
}

describe('refused agent connections in the audit log', () => {
  const UNKNOWN_NODE = 'mi-0000000000000000a';
  const FLOOD = 30;
  let nodeId: string;

  beforeAll(async () => {
    nodeId = (await registerRawNode(server, FACTS, { IamRole: 'GatewayAudit' })).nodeId;
  });

  it('records a hello from an unknown node with the node id it claimed and the peer address', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    expect(await refusedHello((nonce) => hello(UNKNOWN_NODE, nonce, privateKey))).toBe('Unauthorized');
    const events = await listAudit({ Operation: 'AgentHello' });
    expect(events[0]).toMatchObject({
      Operation: 'AgentHello',
      Outcome: 'refused',
      ResourceId: UNKNOWN_NODE,
      SourceIp: '127.0.0.1',
      Target: CONNECT_PATH,
      Detail: `Unauthorized: Unknown node ${UNKNOWN_NODE}.`,
    });
    expect(events[0]?.AccessKeyId).toBeUndefined();
  });

  it('records a hello signed with another key as a bad signature of the registered node', async () => {
    const { privateKey: wrongKey } = generateKeyPairSync('ed25519');
    expect(await refusedHello((nonce) => hello(nodeId, nonce, wrongKey))).toBe('Unauthorized');
    const events = await listAudit({ Operation: 'AgentHello' });
    expect(events[0]).toMatchObject({
      ResourceId: nodeId,
      Outcome: 'refused',
      SourceIp: '127.0.0.1',
      Detail: expect.stringMatching(/^Unauthorized: The hello signature does not verify/),
    });
  });

  it('records a malformed first frame without a node id', async () => {
    expect(await refusedHello(() => '{"type":"hello"}')).toBe('Malformed');
    const events = await listAudit({ Operation: 'AgentHello' });
    expect(events[0]).toMatchObject({ Outcome: 'refused', Detail: expect.stringMatching(/^Malformed: /) });
    expect(events[0]?.ResourceId).toBeUndefined();
  });

  it('writes a bounded number of rows for a flood of bad hellos and counts the rest', async () => {
    const before = (await listAudit({ Operation: 'AgentHello' })).length;
    const { privateKey } = generateKeyPairSync('ed25519');
    for (let i = 0; i < FLOOD; i++) {
      expect(await refusedHello((nonce) => hello(UNKNOWN_NODE, nonce, privateKey))).toBe('Unauthorized');
    }
    const written = (await listAudit({ Operation: 'AgentHello' })).length - before;
    // At most 10 refusals per address a minute are written; the flood may straddle one minute.
    expect(written).toBeLessThanOrEqual(20);
    const suppressed = await listAudit({ Outcome: 'suppressed' });
    const counted = suppressed
      .filter((event) => event.SourceIp === '127.0.0.1')
      .map((event) => Number(/^(\d+) more refusals/.exec(event.Detail ?? '')?.[1]));
    expect(counted.reduce((sum, count) => sum + count, 0)).toBeGreaterThanOrEqual(FLOOD - written);
  });
});
