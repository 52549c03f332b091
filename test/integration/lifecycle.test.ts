/**
 * What survives and what is bounded: restarts on the same data directory, pagination tokens,
 * ClientToken idempotency, service quotas, graceful shutdown.
 */
import {
  CreateMaintenanceWindowCommand,
  DescribeMaintenanceWindowsCommand,
  DescribeMaintenanceWindowTargetsCommand,
  RegisterTargetWithMaintenanceWindowCommand,
  RegisterTaskWithMaintenanceWindowCommand,
  type CreateMaintenanceWindowCommandInput,
} from '@aws-sdk/client-ssm';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callRaw } from '../support/raw-client.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { snapshotStore } from '../support/snapshot.js';

const NODE = 'mi-0123456789abcdef0';

function windowInput(
  name: string,
  extra: Partial<CreateMaintenanceWindowCommandInput> = {},
): CreateMaintenanceWindowCommandInput {
  return {
    Name: name,
    Schedule: 'cron(30 3 ? * MON-FRI *)',
    Duration: 2,
    Cutoff: 1,
    AllowUnassociatedTargets: true,
    ...extra,
  };
}

describe('restart on the same data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mado-restart-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every window, target, task and tag, and the generated admin key', async () => {
    const first = await startServerProcess({ dataDir, adminFromEnv: false });
    const credentials = {
      accessKeyId: /AWS_ACCESS_KEY_ID=(\S+)/.exec(first.output())![1]!,
      secretAccessKey: /AWS_SECRET_ACCESS_KEY=(\S+)/.exec(first.output())![1]!,
    };
    const ssm = first.client(credentials);
    const { WindowId } = await ssm.send(
      new CreateMaintenanceWindowCommand(
        windowInput('survivor', { Tags: [{ Key: 'env', Value: 'prod' }], ScheduleTimezone: 'Europe/Berlin' }),
      ),
    );
    const { WindowTargetId } = await ssm.send(
      new RegisterTargetWithMaintenanceWindowCommand({
        WindowId,
        ResourceType: 'INSTANCE',
        Targets: [{ Key: 'InstanceIds', Values: [NODE] }],
      }),
    );
    await ssm.send(
      new RegisterTaskWithMaintenanceWindowCommand({
        WindowId,
        TaskArn: 'AWS-RunShellScript',
        TaskType: 'RUN_COMMAND',
        Targets: [{ Key: 'WindowTargetIds', Values: [WindowTargetId!] }],
        MaxConcurrency: '2',
        MaxErrors: '1',
        TaskInvocationParameters: { RunCommand: { Parameters: { commands: ['uptime'] } } },
      }),
    );
    const before = await snapshotStore(ssm);
    expect(await first.stop()).toBe(0);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    const second = await startServerProcess({ dataDir, adminFromEnv: false });
    try {
      expect(second.output()).not.toContain('AWS_SECRET_ACCESS_KEY=');
      expect(await snapshotStore(second.client(credentials))).toEqual(before);
    } finally {
      await second.stop();
    }
  });
});

describe('pagination, idempotency and quotas', () => {
  let server: ServerProcess;

  beforeAll(async () => {
    server = await startServerProcess({
      env: {
        MADO_QUOTA_MAINTENANCE_WINDOWS: '30',
        MADO_QUOTA_TARGETS_PER_WINDOW: '2',
        MADO_QUOTA_TASKS_PER_WINDOW: '1',
      },
    });
    const ssm = server.client();
    for (let index = 0; index < 25; index += 1) {
      await ssm.send(new CreateMaintenanceWindowCommand(windowInput(`page-${String(index).padStart(2, '0')}`)));
    }
  });

  afterAll(async () => {
    await server.dispose();
  });

  it('pages through every window in creation order with fresh tokens', async () => {
    const ssm = server.client();
    const seen: string[] = [];
    const tokens = new Set<string>();
    let token: string | undefined;
    do {
      const page = await ssm.send(new DescribeMaintenanceWindowsCommand({ MaxResults: 10, NextToken: token }));
      seen.push(...page.WindowIdentities!.map((window) => window.Name!));
      token = page.NextToken;
      if (token !== undefined) {
        expect(tokens.has(token)).toBe(false);
        tokens.add(token);
      }
    } while (token !== undefined);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, index) => `page-${String(index).padStart(2, '0')}`));
    expect(tokens.size).toBe(2);
  });

  it('keeps a page stable when windows are created between pages', async () => {
    const ssm = server.client();
    const first = await ssm.send(
      new DescribeMaintenanceWindowsCommand({ MaxResults: 10, Filters: [{ Key: 'Name', Values: ['page-'] }] }),
    );
    await ssm.send(new CreateMaintenanceWindowCommand(windowInput('page-late')));
    const second = await ssm.send(
      new DescribeMaintenanceWindowsCommand({
        MaxResults: 10,
        Filters: [{ Key: 'Name', Values: ['page-'] }],
        NextToken: first.NextToken,
      }),
    );
    expect(second.WindowIdentities!.map((window) => window.Name)).toEqual(
      Array.from({ length: 10 }, (_, index) => `page-${String(index + 10).padStart(2, '0')}`),
    );
  });

  it('refuses a token used for a different listing', async () => {
    const ssm = server.client();
    const page = await ssm.send(new DescribeMaintenanceWindowsCommand({ MaxResults: 10 }));
    const response = await callRaw(server.url, 'AmazonSSM.DescribeMaintenanceWindows', {
      MaxResults: 10,
      NextToken: page.NextToken,
      Filters: [{ Key: 'Enabled', Values: ['true'] }],
    });
    expect(response.body.__type).toBe('ValidationException');
    const otherOperation = await callRaw(server.url, 'AmazonSSM.DescribeMaintenanceWindowSchedule', {
      WindowId: page.WindowIdentities![0]!.WindowId,
      NextToken: page.NextToken,
    });
    expect(otherOperation.body.__type).toBe('ValidationException');
  });

  it('answers a retried create with the same id and creates nothing more', async () => {
    const ssm = server.client();
    const input = windowInput('idempotent', { ClientToken: 'retry-token-1' });
    const first = await ssm.send(new CreateMaintenanceWindowCommand(input));
    const again = await ssm.send(new CreateMaintenanceWindowCommand(input));
    expect(again.WindowId).toBe(first.WindowId);
    const named = await ssm.send(
      new DescribeMaintenanceWindowsCommand({ Filters: [{ Key: 'Name', Values: ['idempotent'] }] }),
    );
    expect(named.WindowIdentities).toHaveLength(1);
  });

  it('refuses a reused token with a different request', async () => {
    const ssm = server.client();
    await ssm.send(new CreateMaintenanceWindowCommand(windowInput('token-owner', { ClientToken: 'retry-token-2' })));
    await expect(
      ssm.send(new CreateMaintenanceWindowCommand(windowInput('token-thief', { ClientToken: 'retry-token-2' }))),
    ).rejects.toMatchObject({ name: 'IdempotentParameterMismatch' });
  });

  it('refuses windows, targets and tasks beyond their quotas and changes nothing', async () => {
    const ssm = server.client();
    const existing = (await snapshotStore(ssm)) as unknown[];
    for (let index = existing.length; index < 30; index += 1) {
      await ssm.send(new CreateMaintenanceWindowCommand(windowInput(`fill-${index}`)));
    }
    const full = await snapshotStore(ssm);
    await expect(ssm.send(new CreateMaintenanceWindowCommand(windowInput('one-too-many')))).rejects.toMatchObject({
      name: 'ResourceLimitExceededException',
    });
    // A retry of a create that succeeded earlier still answers: it uses no quota.
    const retried = await ssm.send(
      new CreateMaintenanceWindowCommand(windowInput('idempotent', { ClientToken: 'retry-token-1' })),
    );
    expect(retried.WindowId).toMatch(/^mw-/);
    expect(await snapshotStore(ssm)).toEqual(full);

    const windowId = (full as { window: { WindowId: string } }[])[0]!.window.WindowId;
    const target = {
      WindowId: windowId,
      ResourceType: 'INSTANCE' as const,
      Targets: [{ Key: 'InstanceIds', Values: [NODE] }],
    };
    const { WindowTargetId } = await ssm.send(new RegisterTargetWithMaintenanceWindowCommand(target));
    await ssm.send(new RegisterTargetWithMaintenanceWindowCommand(target));
    await expect(ssm.send(new RegisterTargetWithMaintenanceWindowCommand(target))).rejects.toMatchObject({
      name: 'ResourceLimitExceededException',
    });
    const targets = await ssm.send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: windowId }));
    expect(targets.Targets).toHaveLength(2);

    const task = {
      WindowId: windowId,
      TaskArn: 'AWS-RunShellScript',
      TaskType: 'RUN_COMMAND' as const,
      Targets: [{ Key: 'WindowTargetIds', Values: [WindowTargetId!] }],
      MaxConcurrency: '1',
      MaxErrors: '0',
    };
    await ssm.send(new RegisterTaskWithMaintenanceWindowCommand(task));
    await expect(ssm.send(new RegisterTaskWithMaintenanceWindowCommand(task))).rejects.toMatchObject({
      name: 'ResourceLimitExceededException',
    });
  });

  it('reports healthy and stops cleanly on SIGTERM', async () => {
    const health = await fetch(new URL('/healthz', server.url));
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await server.stop()).toBe(0);
  });
});
