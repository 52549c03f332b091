/**
 * `mado migrate-store` end to end: a real server on SQLite is given windows, targets, tasks,
 * tags, a document, an activation and an access key through @aws-sdk/client-ssm and `mado keys`;
 * it is stopped, its store copied into PostgreSQL with the CLI, and a server started on
 * PostgreSQL with the same data directory (its master key) answers the same, the copied key
 * signing requests. A second copy into the now full store is refused and changes nothing; bad
 * flags are named. Needs MADO_TEST_DATABASE_URL (test/support/postgres.ts).
 */
import {
  CreateActivationCommand,
  CreateDocumentCommand,
  CreateMaintenanceWindowCommand,
  DescribeActivationsCommand,
  DescribeMaintenanceWindowTargetsCommand,
  DescribeMaintenanceWindowTasksCommand,
  DescribeMaintenanceWindowsCommand,
  GetDocumentCommand,
  ListTagsForResourceCommand,
  RegisterTargetWithMaintenanceWindowCommand,
  RegisterTaskWithMaintenanceWindowCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSuccess, runMado } from '../support/mado-cli.js';
import {
  adminQuery,
  dropSchema,
  newSchemaName,
  POSTGRES_SKIP_REASON,
  TEST_DATABASE_URL,
  urlWithSchema,
} from '../support/postgres.js';
import { startServerProcess, type Credentials, type ServerProcess } from '../support/server-process.js';

const DOCUMENT = JSON.stringify({
  schemaVersion: '2.2',
  description: 'Prints the uptime',
  mainSteps: [{ action: 'aws:runShellScript', name: 'uptime', inputs: { runCommand: ['uptime'] } }],
});

/** Everything the test reads back through the API, to compare before and after the copy. */
async function snapshot(ssm: SSMClient, windowId: string) {
  return {
    windows: (await ssm.send(new DescribeMaintenanceWindowsCommand({}))).WindowIdentities,
    targets: (await ssm.send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: windowId }))).Targets,
    tasks: (await ssm.send(new DescribeMaintenanceWindowTasksCommand({ WindowId: windowId }))).Tasks,
    tags: (await ssm.send(new ListTagsForResourceCommand({ ResourceType: 'MaintenanceWindow', ResourceId: windowId })))
      .TagList,
    document: await ssm
      .send(new GetDocumentCommand({ Name: 'Fleet-Uptime' }))
      .then(({ $metadata: _, ...rest }) => rest),
    activations: (await ssm.send(new DescribeActivationsCommand({}))).ActivationList,
  };
}

if (TEST_DATABASE_URL === undefined) {
  describe.skip(`mado migrate-store (${POSTGRES_SKIP_REASON})`, () => {
    it('is not run', () => {});
  });
} else {
  describe('mado migrate-store from SQLite to PostgreSQL', () => {
    const schema = newSchemaName();
    const url = urlWithSchema(schema);
    let sqliteServer: ServerProcess;
    let postgresServer: ServerProcess | undefined;
    let windowId: string;
    let before: Awaited<ReturnType<typeof snapshot>>;
    let operator: Credentials;

    beforeAll(async () => {
      sqliteServer = await startServerProcess();
      const ssm = sqliteServer.client();
      windowId = (
        await ssm.send(
          new CreateMaintenanceWindowCommand({
            Name: 'nightly-patching',
            Schedule: 'cron(0 2 ? * SUN *)',
            ScheduleTimezone: 'Asia/Tokyo',
            Duration: 3,
            Cutoff: 1,
            AllowUnassociatedTargets: false,
            Tags: [{ Key: 'team', Value: 'platform' }],
          }),
        )
      ).WindowId!;
      const target = await ssm.send(
        new RegisterTargetWithMaintenanceWindowCommand({
          WindowId: windowId,
          ResourceType: 'INSTANCE',
          Targets: [{ Key: 'tag:Env', Values: ['prod'] }],
          Name: 'prod',
        }),
      );
      await ssm.send(
        new RegisterTaskWithMaintenanceWindowCommand({
          WindowId: windowId,
          TaskArn: 'AWS-RunShellScript',
          TaskType: 'RUN_COMMAND',
          Targets: [{ Key: 'WindowTargetIds', Values: [target.WindowTargetId!] }],
          Priority: 1,
          MaxConcurrency: '2',
          MaxErrors: '0',
          TaskInvocationParameters: { RunCommand: { Parameters: { commands: ['uptime'] } } },
        }),
      );
      await ssm.send(new CreateDocumentCommand({ Name: 'Fleet-Uptime', Content: DOCUMENT, DocumentType: 'Command' }));
      await ssm.send(new CreateActivationCommand({ IamRole: 'MadoNodeRole', RegistrationLimit: 5 }));
      const created = await runMado(
        ['keys', 'create', '--role', 'operator', '--endpoint-url', sqliteServer.url],
        sqliteServer.cliEnv(),
      );
      expectSuccess(created);
      operator = {
        accessKeyId: /^AccessKeyId:\s+(\S+)$/m.exec(created.stdout)![1]!,
        secretAccessKey: /^SecretAccessKey:\s+(\S+)/m.exec(created.stdout)![1]!,
      };
      before = await snapshot(ssm, windowId);
      await sqliteServer.stop();
    }, 120_000);

    afterAll(async () => {
      await postgresServer?.stop();
      await sqliteServer?.dispose();
      await dropSchema(schema);
    });

    it('names the flag that is wrong and copies nothing', async () => {
      const badUrl = await runMado(['migrate-store', '--from', sqliteServer.dataDir, '--to', 'mysql://db/x']);
      expect(badUrl.exitCode).toBe(1);
      expect(badUrl.stderr).toContain('--to: scheme must be postgres:// or postgresql://');
      const noStore = await runMado(['migrate-store', '--from', '/nonexistent/mado-data', '--to', url]);
      expect(noStore.exitCode).toBe(1);
      expect(noStore.stderr).toContain('--from: no Mado store in /nonexistent/mado-data');
      const tables = await adminQuery(
        'SELECT COUNT(*)::int AS n FROM information_schema.tables WHERE table_schema = $1',
        [schema],
      );
      expect(tables.rows).toEqual([{ n: 0 }]);
    });

    it('copies every table and says how many rows went over', async () => {
      const run = await runMado(['migrate-store', '--from', sqliteServer.dataDir, '--to', url, '--json']);
      expectSuccess(run);
      const outcome = JSON.parse(run.stdout) as { tables: { table: string; rows: number }[]; totalRows: number };
      const rows = Object.fromEntries(outcome.tables.map((table) => [table.table, table.rows]));
      expect(rows).toMatchObject({ windows: 1, window_targets: 1, window_tasks: 1, documents: 1, activations: 1 });
      // The admin key from the environment and the operator's key.
      expect(rows.access_keys).toBe(2);
      // The agent bundle shipped with this build, published at the server's start.
      expect(rows.agent_releases).toBe(1);
      expect(outcome.totalRows).toBe(outcome.tables.reduce((sum, table) => sum + table.rows, 0));
      expect(run.stdout).not.toContain('password');
    });

    it('serves the same store from PostgreSQL, the copied keys signing requests', async () => {
      postgresServer = await startServerProcess({ dataDir: sqliteServer.dataDir, env: { MADO_DATABASE_URL: url } });
      expect(postgresServer.output()).toContain('Store:           PostgreSQL');
      expect(await snapshot(postgresServer.client(), windowId)).toEqual(before);
      const windows = await postgresServer.client(operator).send(new DescribeMaintenanceWindowsCommand({}));
      expect(windows.WindowIdentities?.map((window) => window.WindowId)).toEqual([windowId]);
    });

    it('refuses to copy into a store that holds data, and changes nothing there', async () => {
      const countBefore = await adminQuery(`SELECT COUNT(*)::int AS n FROM ${schema}.windows`);
      const run = await runMado(['migrate-store', '--from', sqliteServer.dataDir, '--to', url]);
      expect(run.exitCode).toBe(1);
      expect(run.stderr).toContain('The PostgreSQL store already holds data');
      expect((await adminQuery(`SELECT COUNT(*)::int AS n FROM ${schema}.windows`)).rows).toEqual(countBefore.rows);
    });
  });
}
