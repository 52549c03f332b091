/**
 * Secrets at rest (issue #10): where the master key that seals the stored access-key secrets is
 * kept, and where the generated bootstrap admin key is handed over instead of the banner.
 */
import { join, resolve } from 'node:path';
import { ConfigError, EnvReader } from './config-values.js';

/**
 * `data-dir`: `<data-dir>/master.key`, created (random, 0600) on first start. `file`: the
 * operator's file (--master-key-file / MADO_MASTER_KEY_FILE), which must exist.
 */
export interface MasterKeyLocation {
  readonly path: string;
  readonly source: 'data-dir' | 'file';
}

export interface SecretsConfig {
  readonly masterKey: MasterKeyLocation;
  /**
   * Where the generated bootstrap admin key is written (AWS credentials-file format, 0600, never
   * overwritten) instead of being printed in the banner; printed when undefined.
   */
  readonly adminCredentialsFile?: string;
}

/** The secrets flags as parsed by the CLI. */
export interface SecretsFlags {
  readonly masterKeyFile?: string;
  readonly adminCredentialsFile?: string;
}

export const MASTER_KEY_FILE_NAME = 'master.key';

/** @throws ConfigError naming the flag or variable at fault. */
export function loadSecretsConfig(flags: SecretsFlags, environment: NodeJS.ProcessEnv, dataDir: string): SecretsConfig {
  const env = new EnvReader(environment);
  const masterKeyFile = flags.masterKeyFile ?? env.text('MADO_MASTER_KEY_FILE');
  const credentialsFile = flags.adminCredentialsFile ?? env.text('MADO_ADMIN_CREDENTIALS_FILE');
  if (credentialsFile !== undefined && env.text('MADO_ADMIN_ACCESS_KEY_ID') !== undefined) {
    throw new ConfigError(
      '--admin-credentials-file / MADO_ADMIN_CREDENTIALS_FILE cannot be combined with MADO_ADMIN_ACCESS_KEY_ID: ' +
        'the file receives a generated admin key, and the environment already names one.',
    );
  }
  return Object.freeze({
    masterKey: Object.freeze(
      masterKeyFile === undefined
        ? { path: join(dataDir, MASTER_KEY_FILE_NAME), source: 'data-dir' as const }
        : { path: resolve(masterKeyFile), source: 'file' as const },
    ),
    ...(credentialsFile === undefined ? {} : { adminCredentialsFile: resolve(credentialsFile) }),
  });
}
