/**
 * The server's data directory holds the database and, by default, the master key that seals its
 * secrets (master.key), so it must belong to its owner alone. Invariant: the server never starts
 * on a directory that grants any permission to group or others (mode & 0o077 must be 0); a
 * missing directory is created 0700.
 */
import { mkdirSync, statSync } from 'node:fs';
import { ConfigError } from './config.js';

/**
 * Creates `dataDir` (0700) if missing and refuses one that group or others may access.
 * @throws ConfigError naming the path, its mode and the fix.
 */
export function ensurePrivateDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (process.platform === 'win32') {
    return; // POSIX modes do not describe Windows ACLs.
  }
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    throw new ConfigError(
      `Data directory "${dataDir}" (--data-dir / MADO_DATA_DIR) has invalid permissions (0${mode.toString(8)}): ` +
        `group and others must have no access; it should be u=rwx (0700). Fix it with: chmod 700 "${dataDir}"`,
    );
  }
}
