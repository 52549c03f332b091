/**
 * Secrets at rest, against the real server process: a data directory that group or others may
 * access is refused at start, and the database files are created readable by their owner only;
 * no access-key secret and no activation code is in the database files (secrets are sealed with
 * the master key, kept in its own file; codes are hashed); a master key file others may read, or
 * another key than the store's, is refused at start; a generated admin key can be handed over in
 * a credentials file instead of the banner; secrets an older Mado stored in clear are sealed.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateActivationCommand, DescribeMaintenanceWindowsCommand } from '@aws-sdk/client-ssm';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { callRaw } from '../support/raw-client.js';
import {
  ADMIN,
  REPO_ROOT,
  startServerProcess,
  type Credentials,
  type ServerProcess,
} from '../support/server-process.js';

describe('data directory and database file permissions', () => {
  const scratch: string[] = [];
  afterEach(() => {
    for (const path of scratch.splice(0)) {
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('refuses to start on a 0755 data directory, naming its path and mode', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'mado-secrets-'));
    scratch.push(dataDir);
    chmodSync(dataDir, 0o755);
    await expect(startServerProcess({ dataDir })).rejects.toThrow(
      `Data directory "${dataDir}" (--data-dir / MADO_DATA_DIR) has invalid permissions (0755)`,
    );
    expect(statSync(join(dataDir)).mode & 0o777).toBe(0o755);
  });

  it('creates a missing data directory 0700 and the database files 0600', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'mado-secrets-'));
    scratch.push(parent);
    const dataDir = join(parent, 'data');
    const server = await startServerProcess({ dataDir });
    try {
      await server.client().send(new DescribeMaintenanceWindowsCommand({}));
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      for (const file of ['mado.db', 'mado.db-wal', 'mado.db-shm']) {
        expect({ file, mode: statSync(join(dataDir, file)).mode & 0o777 }).toEqual({ file, mode: 0o600 });
      }
    } finally {
      await server.stop();
    }
  });
});

const DB_FILES = ['mado.db', 'mado.db-wal', 'mado.db-shm'];

/** The database files' bytes as they are now (a live copy, as a backup tool would take). */
function databaseBytes(dataDir: string): Buffer {
  return Buffer.concat(
    DB_FILES.filter((file) => existsSync(join(dataDir, file))).map((file) => readFileSync(join(dataDir, file))),
  );
}

function expectNoneIn(bytes: Buffer, secrets: Record<string, string>): void {
  for (const [name, secret] of Object.entries(secrets)) {
    expect({ name, found: bytes.includes(Buffer.from(secret, 'utf8')) }).toEqual({ name, found: false });
  }
}

async function createAccessKey(server: ServerProcess, role: string, as: Credentials = ADMIN): Promise<Credentials> {
  const answer = await callRaw(server.url, 'Mado.CreateAccessKey', { Role: role }, { credentials: as });
  expect(answer.status).toBe(200);
  const key = answer.body.AccessKey as { AccessKeyId: string; SecretAccessKey: string };
  return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
}

function privateDir(scratch: string[]): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'mado-secrets-'));
  scratch.push(dataDir);
  return dataDir;
}

describe('secrets in the database files', () => {
  const scratch: string[] = [];
  afterEach(() => {
    for (const path of scratch.splice(0)) {
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('keeps no access-key secret and no activation code in clear, and the master key 0600 beside them', async () => {
    const dataDir = privateDir(scratch);
    const server = await startServerProcess({ dataDir });
    try {
      const operator = await createAccessKey(server, 'operator');
      const readOnly = await createAccessKey(server, 'read-only');
      const activation = await server.client().send(new CreateActivationCommand({ IamRole: 'MadoNode' }));
      // The sealed secrets still verify signatures.
      for (const key of [operator, readOnly]) {
        await expect(server.client(key).send(new DescribeMaintenanceWindowsCommand({}))).resolves.toBeDefined();
      }
      const secrets = {
        admin: ADMIN.secretAccessKey,
        operator: operator.secretAccessKey,
        readOnly: readOnly.secretAccessKey,
        activationCode: activation.ActivationCode!,
      };
      expectNoneIn(databaseBytes(dataDir), secrets);
      await server.stop();
      expectNoneIn(databaseBytes(dataDir), secrets);
      expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
      expect(readFileSync(join(dataDir, 'master.key'))).toHaveLength(32);
    } finally {
      await server.stop();
    }
  });

  it('seals the secrets an older Mado stored in clear at first start, and they still verify requests', async () => {
    const dataDir = privateDir(scratch);
    // A store as Mado with schema version 7 left it: access-key secrets in clear.
    const old = new BetterSqlite3(join(dataDir, 'mado.db'));
    old.pragma('journal_mode = WAL');
    old.exec(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const migrations = join(REPO_ROOT, 'src', 'store', 'migrations', 'sqlite');
    for (const file of readdirSync(migrations)
      .sort()
      .filter((name) => Number(name.slice(0, 4)) <= 7)) {
      old.exec(readFileSync(join(migrations, file), 'utf8'));
      old.prepare('INSERT INTO schema_migrations VALUES (?, ?, 0)').run(Number(file.slice(0, 4)), file);
    }
    const legacy = { accessKeyId: 'AKIAOLDADMIN00000001', secretAccessKey: 'OldPlaintextAdminSecret00000000000000001' };
    const legacyOperator = {
      accessKeyId: 'AKIAOLDOPER000000001',
      secretAccessKey: 'OldPlaintextOperatorSecret00000000000001',
    };
    const insert = old.prepare(
      'INSERT INTO access_keys (access_key_id, secret_access_key, role, description, created_at) VALUES (?, ?, ?, NULL, 0)',
    );
    insert.run(legacy.accessKeyId, legacy.secretAccessKey, 'admin');
    insert.run(legacyOperator.accessKeyId, legacyOperator.secretAccessKey, 'operator');
    old.close();
    expect(databaseBytes(dataDir).includes(legacy.secretAccessKey)).toBe(true);

    const server = await startServerProcess({ dataDir, adminFromEnv: false });
    try {
      expect(server.output()).not.toContain('Admin credentials');
      await expect(server.client(legacy).send(new DescribeMaintenanceWindowsCommand({}))).resolves.toBeDefined();
      await expect(
        server.client(legacyOperator).send(new DescribeMaintenanceWindowsCommand({})),
      ).resolves.toBeDefined();
      await server.stop();
      expectNoneIn(databaseBytes(dataDir), {
        admin: legacy.secretAccessKey,
        operator: legacyOperator.secretAccessKey,
      });
    } finally {
      await server.stop();
    }
    // Sealed once: a second start opens them as they are.
    const again = await startServerProcess({ dataDir, adminFromEnv: false });
    try {
      await expect(again.client(legacy).send(new DescribeMaintenanceWindowsCommand({}))).resolves.toBeDefined();
    } finally {
      await again.stop();
    }
  });
});

describe('master key file', () => {
  const scratch: string[] = [];
  afterEach(() => {
    for (const path of scratch.splice(0)) {
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('refuses to start with a 0644 master key file, naming its path and mode', async () => {
    const dataDir = privateDir(scratch);
    const keyFile = join(dataDir, 'given.key');
    writeFileSync(keyFile, randomBytes(32), { mode: 0o644 });
    chmodSync(keyFile, 0o644);
    await expect(startServerProcess({ dataDir, args: ['--master-key-file', keyFile] })).rejects.toThrow(
      `Master key file "${keyFile}" (--master-key-file / MADO_MASTER_KEY_FILE) has invalid permissions (0644)`,
    );
    expect(existsSync(join(dataDir, 'mado.db'))).toBe(false);
  });

  it('refuses to start with another master key than the store was sealed with, naming the key file', async () => {
    const dataDir = privateDir(scratch);
    const original = join(dataDir, 'original.key');
    const other = join(dataDir, 'other.key');
    writeFileSync(original, randomBytes(32), { mode: 0o600 });
    writeFileSync(other, randomBytes(32), { mode: 0o600 });
    const first = await startServerProcess({ dataDir, env: { MADO_MASTER_KEY_FILE: original } });
    const operator = await createAccessKey(first, 'operator');
    await first.stop();
    await expect(startServerProcess({ dataDir, env: { MADO_MASTER_KEY_FILE: other } })).rejects.toThrow(
      `Master key file "${other}" (--master-key-file / MADO_MASTER_KEY_FILE) holds a different master key from the one the secrets in this data directory were sealed with`,
    );
    expect(existsSync(join(dataDir, 'master.key'))).toBe(false);
    const back = await startServerProcess({ dataDir, env: { MADO_MASTER_KEY_FILE: original } });
    try {
      await expect(back.client(operator).send(new DescribeMaintenanceWindowsCommand({}))).resolves.toBeDefined();
    } finally {
      await back.stop();
    }
  });
});

describe('--admin-credentials-file', () => {
  const scratch: string[] = [];
  afterEach(() => {
    for (const path of scratch.splice(0)) {
      rmSync(path, { recursive: true, force: true });
    }
  });

  it('writes the generated admin key to a new 0600 file, and the banner names the file, not the secret', async () => {
    const dataDir = privateDir(scratch);
    const file = join(privateDir(scratch), 'admin-credentials');
    const server = await startServerProcess({ dataDir, adminFromEnv: false, args: ['--admin-credentials-file', file] });
    try {
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const match =
        /^\[default\]\naws_access_key_id=(AKIA[A-Z2-7]{16})\naws_secret_access_key=([A-Za-z0-9]{40})\n$/.exec(
          readFileSync(file, 'utf8'),
        );
      expect(match).not.toBeNull();
      const admin = { accessKeyId: match![1]!, secretAccessKey: match![2]! };
      expect(server.output()).toContain(`Admin credentials: ${admin.accessKeyId}, secret written to ${file} (0600)`);
      expect(server.output()).not.toContain(admin.secretAccessKey);
      const operator = await createAccessKey(server, 'operator', admin);
      const activation = await server.client(admin).send(new CreateActivationCommand({ IamRole: 'MadoNode' }));
      expectNoneIn(databaseBytes(dataDir), {
        admin: admin.secretAccessKey,
        operator: operator.secretAccessKey,
        activationCode: activation.ActivationCode!,
      });
    } finally {
      await server.stop();
    }
  });

  it('refuses an existing credentials file and stores no admin key', async () => {
    const dataDir = privateDir(scratch);
    const file = join(privateDir(scratch), 'admin-credentials');
    writeFileSync(file, 'kept\n', { mode: 0o600 });
    await expect(
      startServerProcess({ dataDir, adminFromEnv: false, args: ['--admin-credentials-file', file] }),
    ).rejects.toThrow(
      `Admin credentials file "${file}" (--admin-credentials-file / MADO_ADMIN_CREDENTIALS_FILE) exists already, and Mado never overwrites it`,
    );
    expect(readFileSync(file, 'utf8')).toBe('kept\n');
    // No key was stored: the next start generates one (printed, without the flag).
    const server = await startServerProcess({ dataDir, adminFromEnv: false });
    try {
      expect(server.output()).toContain('Admin credentials (shown once; store them now):');
    } finally {
      await server.stop();
    }
  });
});
