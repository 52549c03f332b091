import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadServerConfig } from './config.js';

describe('loadServerConfig: secrets at rest', () => {
  it('keeps the master key in the data directory and prints the admin key by default', () => {
    expect(loadServerConfig({ dataDir: '/srv/mado' }, {}).secrets).toEqual({
      masterKey: { path: '/srv/mado/master.key', source: 'data-dir' },
    });
  });

  it('takes the master key file from the flag over the environment', () => {
    const env = { MADO_MASTER_KEY_FILE: '/etc/mado/env.key' };
    expect(loadServerConfig({}, env).secrets.masterKey).toEqual({ path: '/etc/mado/env.key', source: 'file' });
    expect(loadServerConfig({ masterKeyFile: 'flag.key' }, env).secrets.masterKey).toEqual({
      path: resolve('flag.key'),
      source: 'file',
    });
  });

  it('takes the admin credentials file from the flag over the environment', () => {
    const env = { MADO_ADMIN_CREDENTIALS_FILE: '/root/env-credentials' };
    expect(loadServerConfig({}, env).secrets.adminCredentialsFile).toBe('/root/env-credentials');
    expect(loadServerConfig({ adminCredentialsFile: 'creds' }, env).secrets.adminCredentialsFile).toBe(
      resolve('creds'),
    );
  });

  it('refuses an admin credentials file together with an admin key from the environment', () => {
    const env = { MADO_ADMIN_ACCESS_KEY_ID: 'AKIAADMIN00000000001', MADO_ADMIN_SECRET_ACCESS_KEY: 'x'.repeat(40) };
    expect(() => loadServerConfig({ adminCredentialsFile: 'creds' }, env)).toThrow(ConfigError);
    expect(() => loadServerConfig({ adminCredentialsFile: 'creds' }, env)).toThrow(
      '--admin-credentials-file / MADO_ADMIN_CREDENTIALS_FILE cannot be combined with MADO_ADMIN_ACCESS_KEY_ID',
    );
  });
});
