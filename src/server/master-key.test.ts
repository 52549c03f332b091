import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { MasterKeyLocation } from './config-secrets.js';
import { openMasterKey, verifyMasterKey } from './master-key.js';

let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'mado-master-key-'));
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

const inDataDir = (): MasterKeyLocation => ({ path: join(directory, 'master.key'), source: 'data-dir' });
const given = (path: string): MasterKeyLocation => ({ path, source: 'file' });

describe('openMasterKey', () => {
  it('creates <data-dir>/master.key once: 32 random bytes, 0600', () => {
    const first = openMasterKey(inDataDir());
    expect(first.created).toBe(true);
    expect(statSync(inDataDir().path).mode & 0o777).toBe(0o600);
    expect(readFileSync(inDataDir().path)).toHaveLength(32);
    const again = openMasterKey(inDataDir());
    expect(again.created).toBe(false);
    expect(again.box.checkValue()).toBe(first.box.checkValue());
  });

  it('never creates a key file named by --master-key-file', () => {
    const path = join(directory, 'given.key');
    expect(() => openMasterKey(given(path))).toThrow(
      `Master key file "${path}" (--master-key-file / MADO_MASTER_KEY_FILE) does not exist.`,
    );
    expect(existsSync(path)).toBe(false);
  });

  it('accepts a 0400 key file and refuses one group or others may read, naming path and mode', () => {
    const path = join(directory, 'given.key');
    writeFileSync(path, randomBytes(32), { mode: 0o400 });
    expect(openMasterKey(given(path)).created).toBe(false);
    chmodSync(path, 0o644);
    expect(() => openMasterKey(given(path))).toThrow(
      `Master key file "${path}" (--master-key-file / MADO_MASTER_KEY_FILE) has invalid permissions (0644)`,
    );
    chmodSync(path, 0o640);
    expect(() => openMasterKey(given(path))).toThrow('has invalid permissions (0640)');
  });

  it('refuses a key file that is not 32 bytes', () => {
    const path = join(directory, 'given.key');
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    expect(() => openMasterKey(given(path))).toThrow('must hold exactly 32 raw bytes; it holds 45');
  });
});

describe('verifyMasterKey', () => {
  it('records the key on first use and refuses another key later, naming the key file', async () => {
    const { store } = openSqliteStore({ filename: join(directory, 'mado.db') }, 0);
    try {
      const original = openMasterKey(inDataDir());
      await verifyMasterKey(store, inDataDir(), original);
      await verifyMasterKey(store, inDataDir(), openMasterKey(inDataDir()));
      const path = join(directory, 'other.key');
      writeFileSync(path, randomBytes(32), { mode: 0o600 });
      await expect(verifyMasterKey(store, given(path), openMasterKey(given(path)))).rejects.toThrow(
        `Master key file "${path}" (--master-key-file / MADO_MASTER_KEY_FILE) holds a different master key`,
      );
    } finally {
      await store.close();
    }
  });

  it('removes a key file it just created when the store was sealed with another', async () => {
    const { store } = openSqliteStore({ filename: join(directory, 'mado.db') }, 0);
    try {
      await verifyMasterKey(store, inDataDir(), openMasterKey(inDataDir()));
      rmSync(inDataDir().path);
      await expect(verifyMasterKey(store, inDataDir(), openMasterKey(inDataDir()))).rejects.toThrow(
        `Master key file "${inDataDir().path}" was missing, but the secrets in this data directory were sealed`,
      );
      expect(existsSync(inDataDir().path)).toBe(false);
    } finally {
      await store.close();
    }
  });
});
