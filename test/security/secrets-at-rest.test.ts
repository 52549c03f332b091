/**
 * Secrets at rest, against the real server process: a data directory that group or others may
 * access is refused at start, and the database files are created readable by their owner only.
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeMaintenanceWindowsCommand } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { startServerProcess } from '../support/server-process.js';

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
