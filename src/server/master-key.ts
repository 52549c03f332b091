/**
 * The master key that seals the access-key secrets in the store (services/secret-box.ts). It is
 * kept in its own file so that a copy of the database alone reveals no secret.
 *
 * Invariants:
 * - the key file is 32 raw bytes and grants nothing to group or others (mode & 0o077 == 0);
 *   anything else is refused at start with a ConfigError naming the path and the fix;
 * - `<data-dir>/master.key` is created only when absent (O_EXCL, 0600, random); a file named by
 *   --master-key-file / MADO_MASTER_KEY_FILE is never created;
 * - a store whose secrets were sealed with another key is refused at start (its key check value
 *   differs), before any request could fail with SignatureDoesNotMatch.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { MASTER_KEY_BYTES, SecretBox } from '../services/secret-box.js';
import type { Store } from '../store/store.js';
import type { MasterKeyLocation } from './config-secrets.js';
import { ConfigError } from './config-values.js';

/** Setting holding the master key's check value (SecretBox.checkValue). */
export const MASTER_KEY_CHECK_SETTING = 'master-key-check';

export interface OpenedMasterKey {
  readonly box: SecretBox;
  /** Whether this start created the file (`<data-dir>/master.key` only). */
  readonly created: boolean;
}

function named(location: MasterKeyLocation): string {
  return location.source === 'file'
    ? `Master key file "${location.path}" (--master-key-file / MADO_MASTER_KEY_FILE)`
    : `Master key file "${location.path}"`;
}

function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/** Creates the file with a random key unless it exists; @returns whether it was created. */
function createIfAbsent(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    if (isErrorCode(error, 'EEXIST')) {
      return false;
    }
    throw error;
  }
  try {
    writeSync(fd, randomBytes(MASTER_KEY_BYTES));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Reads (creating `<data-dir>/master.key` on first start) and checks the master key file.
 * @throws ConfigError naming the path: missing, readable by group or others, or not 32 bytes.
 */
export function openMasterKey(location: MasterKeyLocation): OpenedMasterKey {
  const created = location.source === 'data-dir' && createIfAbsent(location.path);
  let mode: number;
  try {
    mode = statSync(location.path).mode & 0o777;
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) {
      throw new ConfigError(
        `${named(location)} does not exist. Give the key file the store's secrets were sealed with, ` +
          `or make a new one with: (umask 077; head -c 32 /dev/urandom > "${location.path}")`,
      );
    }
    throw error;
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new ConfigError(
      `${named(location)} has invalid permissions (0${mode.toString(8)}): group and others must have no access; ` +
        `it should be 0600 or 0400. Fix it with: chmod 600 "${location.path}"`,
    );
  }
  const key = readFileSync(location.path);
  if (key.length !== MASTER_KEY_BYTES) {
    throw new ConfigError(
      `${named(location)} must hold exactly ${MASTER_KEY_BYTES} raw bytes; it holds ${key.length}. ` +
        `Make one with: (umask 077; head -c 32 /dev/urandom > "${location.path}")`,
    );
  }
  const box = new SecretBox(key);
  key.fill(0);
  return { box, created };
}

/**
 * Records the key's check value in a store that has none, and refuses a store that records
 * another key's. A key file created by this start is removed again when refused, so that the
 * original can be put back in its place.
 * @throws ConfigError naming the key file.
 */
export async function verifyMasterKey(
  store: Store,
  location: MasterKeyLocation,
  opened: OpenedMasterKey,
): Promise<void> {
  const expected = opened.box.checkValue();
  const recorded = await store.putSettingIfAbsent(MASTER_KEY_CHECK_SETTING, expected);
  if (recorded === expected) {
    return;
  }
  if (opened.created) {
    unlinkSync(location.path);
    throw new ConfigError(
      `${named(location)} was missing, but the secrets in this data directory were sealed with a master key: ` +
        `put the original master.key back (from your backup). Without it the stored access keys cannot be used; ` +
        `see "Access keys" in the README for starting over.`,
    );
  }
  throw new ConfigError(
    `${named(location)} holds a different master key from the one the secrets in this data directory were ` +
      `sealed with: start with the original key file. Without it the stored access keys cannot be used; ` +
      `see "Access keys" in the README for starting over.`,
  );
}
