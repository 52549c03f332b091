/**
 * Hands the generated bootstrap admin key over in a file (--admin-credentials-file /
 * MADO_ADMIN_CREDENTIALS_FILE) rather than in the banner, where logs and terminals would keep it.
 * The file is in the AWS shared credentials format, so `AWS_SHARED_CREDENTIALS_FILE=FILE aws …`
 * uses it as it is.
 *
 * Invariants: the file is created, never overwritten (O_EXCL), readable by its owner only
 * (0600), and on disk (fsync) before the key is stored: a key that could not be handed over is
 * never stored.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { AccessKey } from '../domain/access-key.js';
import { ConfigError } from './config-values.js';

/** @throws ConfigError naming the file when it exists or cannot be created. */
export function writeAdminCredentialsFile(path: string, key: AccessKey): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EEXIST'
        ? 'exists already, and Mado never overwrites it: move it away or name another file'
        : `cannot be created (${code ?? String(error)})`;
    throw new ConfigError(
      `Admin credentials file "${path}" (--admin-credentials-file / MADO_ADMIN_CREDENTIALS_FILE) ${reason}. ` +
        'No admin key was stored.',
      { cause: error },
    );
  }
  try {
    writeSync(fd, `[default]\naws_access_key_id=${key.accessKeyId}\naws_secret_access_key=${key.secretAccessKey}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
