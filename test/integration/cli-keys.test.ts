/**
 * `mado keys create|list|delete` against the real server process, and what the keys it makes
 * can do when an ordinary SSM client (@aws-sdk/client-ssm) signs with them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateMaintenanceWindowCommand, DescribeMaintenanceWindowsCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSuccess, runMado, type MadoRun } from '../support/mado-cli.js';
import { ADMIN, REPO_ROOT, startServerProcess } from '../support/server-process.js';
import type { Credentials, ServerProcess } from '../support/server-process.js';

const execFileAsync = promisify(execFile);

interface ListedKey {
  readonly AccessKeyId: string;
  readonly Role: string;
  readonly Description?: string;
  readonly CreatedDate: number;
}

interface CreatedKey extends Credentials {
  readonly role: string;
}

let server: ServerProcess;
const clients: SSMClient[] = [];

beforeAll(async () => {
  server = await startServerProcess();
});

afterAll(async () => {
  for (const client of clients) {
    client.destroy();
  }
  await server?.dispose();
});

function clientFor(credentials: Credentials): SSMClient {
  const client = server.client(credentials);
  clients.push(client);
  return client;
}

/** `mado keys <args> --endpoint-url <server>` signed with `credentials` (the admin key by default). */
function keys(args: readonly string[], credentials: Credentials = ADMIN): Promise<MadoRun> {
  return runMado(['keys', ...args, '--endpoint-url', server.url], server.cliEnv(credentials));
}

/** Creates a key with `mado keys create` and reads its id and secret from the printed text. */
async function createKey(role: string, description?: string): Promise<CreatedKey> {
  const run = await keys([
    'create',
    '--role',
    role,
    ...(description === undefined ? [] : ['--description', description]),
  ]);
  expectSuccess(run);
  const accessKeyId = /^AccessKeyId:\s+(\S+)$/m.exec(run.stdout)?.[1];
  const secretAccessKey = /^SecretAccessKey:\s+(\S+)/m.exec(run.stdout)?.[1];
  expect(accessKeyId, run.stdout).toBeDefined();
  expect(secretAccessKey, run.stdout).toBeDefined();
  return { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey!, role };
}

async function listKeys(): Promise<{ run: MadoRun; keys: ListedKey[] }> {
  const run = await keys(['list', '--json']);
  expectSuccess(run);
  return { run, keys: (JSON.parse(run.stdout) as { AccessKeys: ListedKey[] }).AccessKeys };
}

const aWindow = (name: string) =>
  new CreateMaintenanceWindowCommand({
    Name: name,
    Schedule: 'cron(0 2 ? * SUN *)',
    ScheduleTimezone: 'Asia/Tokyo',
    Duration: 3,
    Cutoff: 0,
    AllowUnassociatedTargets: true,
  });

// The tests do not depend on each other's keys (only the last-admin test makes an admin key), so
// they run at the same time.
describe.concurrent('mado keys', () => {
  it('prints a new access key id, its secret once, and its role', async () => {
    const run = await keys(['create', '--role', 'operator', '--description', 'CI pipeline']);
    expectSuccess(run);
    expect(run.stdout).toMatch(/^AccessKeyId:\s+AKIA[A-Z0-9]{16}$/m);
    expect(run.stdout).toMatch(/^SecretAccessKey:\s+\S{16,}\s+\(shown once\)$/m);
    expect(run.stdout).toMatch(/^Role:\s+operator$/m);
  });

  it('prints the created key as JSON with --json', async () => {
    const run = await keys(['create', '--role', 'read-only', '--json']);
    expectSuccess(run);
    const { AccessKey } = JSON.parse(run.stdout) as { AccessKey: Record<string, unknown> };
    expect(AccessKey).toEqual({
      AccessKeyId: expect.stringMatching(/^AKIA[A-Z0-9]{16}$/),
      SecretAccessKey: expect.stringMatching(/^\S{16,}$/),
      Role: 'read-only',
      CreatedDate: expect.any(Number),
    });
  });

  it('makes a key that @aws-sdk/client-ssm can sign DescribeMaintenanceWindows with', async () => {
    const key = await createKey('operator', 'sdk user');
    const result = await clientFor(key).send(new DescribeMaintenanceWindowsCommand({}));
    expect(result.$metadata.httpStatusCode).toBe(200);
    expect(result.WindowIdentities).toEqual(expect.any(Array));
  });

  it('lets a read-only key describe windows but not create one', async () => {
    const key = await createKey('read-only', 'dashboard');
    const client = clientFor(key);
    await expect(client.send(new DescribeMaintenanceWindowsCommand({}))).resolves.toMatchObject({
      $metadata: { httpStatusCode: 200 },
    });
    await expect(client.send(aWindow('read-only-attempt'))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 400 },
    });
    const { WindowIdentities } = await clientFor(ADMIN).send(
      new DescribeMaintenanceWindowsCommand({ Filters: [{ Key: 'Name', Values: ['read-only-attempt'] }] }),
    );
    expect(WindowIdentities).toEqual([]);
  });

  it('lets an operator key create windows but not list keys', async () => {
    const key = await createKey('operator', 'no key management');
    const created = await clientFor(key).send(aWindow('operator-window'));
    expect(created.WindowId).toMatch(/^mw-[0-9a-f]{17}$/);

    const run = await keys(['list'], key);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('AccessDeniedException');
    expect(run.stdout).toBe('');
  });

  it('lists every key id with its role and description and never a secret', async () => {
    const created = await createKey('read-only', 'listed key');
    const { run, keys: listed } = await listKeys();
    expect(listed).toContainEqual({
      AccessKeyId: ADMIN.accessKeyId,
      Role: 'admin',
      Description: expect.any(String),
      CreatedDate: expect.any(Number),
    });
    expect(listed).toContainEqual({
      AccessKeyId: created.accessKeyId,
      Role: 'read-only',
      Description: 'listed key',
      CreatedDate: expect.any(Number),
    });
    for (const key of listed) {
      expect(Object.keys(key).sort()).toEqual(
        ['AccessKeyId', 'CreatedDate', 'Role', ...(key.Description === undefined ? [] : ['Description'])].sort(),
      );
    }
    expect(run.stdout).not.toContain(created.secretAccessKey);
    expect(run.stdout).not.toContain(ADMIN.secretAccessKey);
    expect(run.stdout).not.toMatch(/secret/i);
  });

  it('lists keys as a table with one line per key and no secrets', async () => {
    const created = await createKey('operator', 'table key');
    const run = await keys(['list']);
    expectSuccess(run);
    const line = run.stdout.split('\n').find((text) => text.startsWith(created.accessKeyId));
    expect(line).toMatch(/\boperator\b.*table key$/);
    expect(run.stdout).not.toContain(created.secretAccessKey);
    expect(run.stdout).not.toContain(ADMIN.secretAccessKey);
  });

  it('deletes a key so that it is refused with UnrecognizedClientException at once', async () => {
    const key = await createKey('operator', 'to be deleted');
    const client = clientFor(key);
    await expect(client.send(new DescribeMaintenanceWindowsCommand({}))).resolves.toBeDefined();

    const run = await keys(['delete', key.accessKeyId]);
    expectSuccess(run);
    expect(run.stdout).toContain(key.accessKeyId);

    await expect(client.send(new DescribeMaintenanceWindowsCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    const { keys: listed } = await listKeys();
    expect(listed.map((listedKey) => listedKey.AccessKeyId)).not.toContain(key.accessKeyId);
  });

  it('reports DoesNotExistException when deleting an unknown key', async () => {
    const run = await keys(['delete', 'AKIANOSUCHKEY0000000']);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toContain('DoesNotExistException');
  });

  it('deletes an admin key while another remains, but refuses to delete the last one', async () => {
    const second = await createKey('admin', 'second admin');
    const deleted = await keys(['delete', second.accessKeyId]);
    expectSuccess(deleted);

    const { keys: before } = await listKeys();
    expect(before.filter((key) => key.Role === 'admin').map((key) => key.AccessKeyId)).toEqual([ADMIN.accessKeyId]);

    const refused = await keys(['delete', ADMIN.accessKeyId]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/last admin key/);
    await expect(clientFor(ADMIN).send(new DescribeMaintenanceWindowsCommand({}))).resolves.toBeDefined();
  });

  it('fails with a clear message and no stack trace when no credentials are set', async () => {
    const run = await runMado(['keys', 'list', '--endpoint-url', server.url]);
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('No credentials');
    expect(run.stderr).toContain('MADO_ACCESS_KEY_ID');
    expect(run.stderr).toContain('MADO_SECRET_ACCESS_KEY');
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('accepts the AWS_* credential variables in place of the MADO_* ones', async () => {
    const run = await runMado(['keys', 'list', '--json', '--endpoint-url', server.url], {
      AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
    });
    expectSuccess(run);
    const { AccessKeys } = JSON.parse(run.stdout) as { AccessKeys: ListedKey[] };
    expect(AccessKeys.map((key) => key.AccessKeyId)).toContain(ADMIN.accessKeyId);
  });
});

describe.concurrent('mado --help', () => {
  const expectCommands = (stdout: string) => {
    expect(stdout).toMatch(/^Usage: mado /m);
    expect(stdout).toMatch(/^\s+server\b/m);
    expect(stdout).toMatch(/^\s+keys\b/m);
  };

  it('lists the server and keys commands', async () => {
    const run = await runMado(['--help']);
    expectSuccess(run);
    expectCommands(run.stdout);
  });

  it('lists the server and keys commands through npx from the project directory', async () => {
    // --no: never install anything; the project's own bin entry is what must run.
    const { stdout } = await execFileAsync('npx', ['--no', '--', 'mado', '--help'], {
      cwd: REPO_ROOT,
      env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
      timeout: 60_000,
    });
    expectCommands(stdout);
  });

  it('lists the create, list and delete subcommands of keys', async () => {
    const run = await runMado(['keys', '--help']);
    expectSuccess(run);
    expect(run.stdout).toMatch(/^\s+create\b/m);
    expect(run.stdout).toMatch(/^\s+list\b/m);
    expect(run.stdout).toMatch(/^\s+delete\b/m);
  });
});
