/**
 * The `mado` command. `mado server` runs the control plane; the other commands talk to a
 * running server through its signed HTTP API, as any SSM client would.
 */
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { loadServerConfig, type ServerFlags } from '../server/config.js';
import { createLogger } from '../server/pino-logger.js';
import { startServer } from '../server/server.js';
import { redactPostgresUrl } from '../server/store-migration.js';
import { SELF_SIGNED_CERT_FILE, TLS_DIR } from '../server/tls-identity.js';
import { systemClock } from '../shared/clock.js';
import { addActivationCommands } from './activation-commands.js';
import { addAgentCommands } from './agent-commands.js';
import { ApiClient, clientSettingsFrom } from './api-client.js';
import { addAuditCommand } from './audit-commands.js';
import { addCommandCommands } from './command-commands.js';
import { addInventoryCommand, addPackageCommands } from './package-commands.js';
import { addReleaseCommands } from './release-commands.js';
import { addStoreCommands } from './store-commands.js';

const VERSION = '0.1.0';

async function runServer(flags: ServerFlags): Promise<void> {
  const config = loadServerConfig(flags, process.env);
  const logger = createLogger(config.logLevel);
  if (!config.authEnabled) {
    const warning =
      'WARNING: authentication is disabled (--insecure-disable-auth). Anyone who can reach this port can change every maintenance window. Never use this outside a sandbox.';
    console.error(warning);
    logger.warn({}, warning);
  }
  if (config.tls.mode === 'off' && config.tls.insecureHttp) {
    const warning =
      'WARNING: serving plain HTTP on a non-loopback address (--insecure-http). Anyone on the path can read the traffic and impersonate this server to agents.';
    console.error(warning);
    logger.warn({}, warning);
  }
  const server = await startServer(config, systemClock, logger);
  const fingerprint = server.fingerprint();
  const lines = [
    `Mado server ${VERSION}`,
    `API:             ${server.url}`,
    ...(fingerprint === undefined ? [] : [`Fingerprint:     ${fingerprint}`]),
    `Console:         ${server.consoleUrl}`,
    `Data directory:  ${config.dataDir}`,
    `Store:           ${config.databaseUrl === undefined ? `SQLite, ${join(config.dataDir, 'mado.db')}` : `PostgreSQL, ${redactPostgresUrl(config.databaseUrl)}`}`,
  ];
  const credentialsFile = config.secrets.adminCredentialsFile;
  if (server.bootstrap.generated !== undefined && credentialsFile !== undefined) {
    lines.push(
      `Admin credentials: ${server.bootstrap.generated.accessKeyId}, secret written to ${credentialsFile} (0600)`,
    );
  } else if (server.bootstrap.generated !== undefined) {
    const key = server.bootstrap.generated;
    lines.push(
      'Admin credentials (shown once; store them now):',
      `  AWS_ACCESS_KEY_ID=${key.accessKeyId}`,
      `  AWS_SECRET_ACCESS_KEY=${key.secretAccessKey}`,
    );
  } else if (server.bootstrap.fromEnvironment !== undefined) {
    lines.push(`Admin access key: ${server.bootstrap.fromEnvironment} (from MADO_ADMIN_ACCESS_KEY_ID)`);
  }
  // The self-signed certificate is trusted by naming it, as a user would (--ca-bundle).
  const caBundle =
    config.tls.mode === 'self-signed' ? ` --ca-bundle ${join(config.dataDir, TLS_DIR, SELF_SIGNED_CERT_FILE)}` : '';
  lines.push(
    `Try: aws ssm describe-maintenance-windows --endpoint-url ${server.url} --region ${config.defaultRegion}${caBundle}`,
  );
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  // TLS (issue #10): certificate rotation without dropping connections.
  process.on('SIGHUP', () => server.reloadTls());
}

function print(value: unknown, json: boolean, table: () => string): void {
  console.log(json ? JSON.stringify(value, null, 2) : table());
}

export async function main(argv: readonly string[]): Promise<void> {
  const program = new Command()
    .name('mado')
    .description('Mado: maintenance windows for server fleets, on the AWS Systems Manager API')
    .version(VERSION);

  program
    .command('server')
    .description('run the control plane (the SSM-compatible API), on the embedded SQLite store or PostgreSQL')
    .option('--host <address>', 'address to listen on (env MADO_HOST)', undefined)
    .option('--port <port>', 'port to listen on, 0 for any free port (env MADO_PORT; default 8080)')
    .option('--data-dir <dir>', 'data directory (env MADO_DATA_DIR; default ./data)')
    .option(
      '--database-url <url>',
      'keep the store in PostgreSQL, postgres://user@host:port/database[?schema=name] (env MADO_DATABASE_URL; default: SQLite in the data directory)',
    )
    .addOption(
      new Option('--log-level <level>', 'log level (env MADO_LOG_LEVEL; default info)').choices([
        'fatal',
        'error',
        'warn',
        'info',
        'debug',
        'trace',
        'silent',
      ]),
    )
    .option('--base-path <path>', 'also answer the API under this path prefix (env MADO_BASE_PATH)')
    .option(
      '--max-clock-skew-seconds <seconds>',
      'allowed SigV4 clock skew (env MADO_MAX_CLOCK_SKEW_SECONDS; default 300)',
    )
    .option('--insecure-disable-auth', 'accept unsigned requests (development only; prints a warning)')
    // TLS (issue #10)
    .option('--tls', 'serve HTTPS with a self-signed certificate even on a loopback address (env MADO_TLS=true)')
    .option('--tls-cert <file>', 'PEM certificate (chain) to serve over HTTPS (env MADO_TLS_CERT)')
    .option('--tls-key <file>', 'PEM private key of --tls-cert (env MADO_TLS_KEY)')
    .option(
      '--tls-san <name>',
      'extra DNS name or IP of the self-signed certificate (repeat; env MADO_TLS_SANS, comma-separated)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option(
      '--tls-next-cert <file>',
      'certificate to switch to next: its fingerprint is announced to agents (env MADO_TLS_NEXT_CERT)',
    )
    .option(
      '--insecure-http',
      'serve plain HTTP on a non-loopback address (prints a warning; env MADO_INSECURE_HTTP=true)',
    )
    .option(
      '--allow-any-region',
      'accept signatures scoped to any region, not only MADO_REGION (env MADO_ALLOW_ANY_REGION=true)',
    )
    // Secrets at rest (issue #10)
    .option(
      '--master-key-file <file>',
      'master key sealing stored secrets (env MADO_MASTER_KEY_FILE; default DATA_DIR/master.key)',
    )
    .option(
      '--admin-credentials-file <file>',
      'write a generated admin key to this new file instead of the banner (env MADO_ADMIN_CREDENTIALS_FILE)',
    )
    .action(async (flags: ServerFlags) => runServer(flags));

  const keys = program
    .command('keys')
    .description('manage API access keys (needs an admin key in MADO_ACCESS_KEY_ID / MADO_SECRET_ACCESS_KEY)')
    .option('--endpoint-url <url>', 'server URL (env MADO_ENDPOINT_URL; default http://127.0.0.1:8080)')
    .option('--json', 'print JSON');
  const client = () => new ApiClient(clientSettingsFrom(keys.opts<{ endpointUrl?: string }>(), process.env));
  const json = () => keys.opts<{ json?: boolean }>().json ?? false;

  keys
    .command('create')
    .description('create an access key; its secret is printed once')
    .addOption(
      new Option('--role <role>', 'what the key may do')
        .choices(['admin', 'operator', 'read-only'])
        .default('operator'),
    )
    .option('--description <text>', 'what the key is for')
    .action(async (options: { role: string; description?: string }) => {
      const result = await client().call<{ AccessKey: Record<string, string> }>('Mado.CreateAccessKey', {
        Role: options.role,
        Description: options.description,
      });
      print(result, json(), () =>
        [
          `AccessKeyId:     ${result.AccessKey.AccessKeyId}`,
          `SecretAccessKey: ${result.AccessKey.SecretAccessKey}  (shown once)`,
          `Role:            ${result.AccessKey.Role}`,
        ].join('\n'),
      );
    });

  keys
    .command('list')
    .description('list access keys (secrets are never shown)')
    .action(async () => {
      const result = await client().call<{ AccessKeys: Record<string, string | number>[] }>('Mado.ListAccessKeys');
      print(result, json(), () =>
        result.AccessKeys.map(
          (key) =>
            `${String(key.AccessKeyId).padEnd(22)} ${String(key.Role).padEnd(10)} ${new Date(Number(key.CreatedDate) * 1000).toISOString()}  ${key.Description ?? ''}`,
        ).join('\n'),
      );
    });

  keys
    .command('delete')
    .description('delete an access key; it stops working at once')
    .argument('<access-key-id>')
    .action(async (accessKeyId: string) => {
      await client().call('Mado.DeleteAccessKey', { AccessKeyId: accessKeyId });
      print({ deleted: accessKeyId }, json(), () => `Deleted ${accessKeyId}`);
    });

  addPackageCommands(program);
  addInventoryCommand(program);
  addReleaseCommands(program);
  addCommandCommands(program);
  addAgentCommands(program);
  addActivationCommands(program);
  // Audit log (issue #10, item 11)
  addAuditCommand(program);
  addStoreCommands(program);
  // The program's own options (--version) only before a command, so that `mado releases publish
  // FILE --version V` reaches the command. Set last: commands added before keep their defaults.
  program.enablePositionalOptions();
  await program.parseAsync(argv);
}
