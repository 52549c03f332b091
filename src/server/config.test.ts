import { describe, expect, it } from 'vitest';
import { ConfigError, loadServerConfig } from './config.js';

describe('loadServerConfig: SQLite durability', () => {
  it('makes every commit durable by default (synchronous FULL)', () => {
    expect(loadServerConfig({}, {}).sqliteSynchronous).toBe('FULL');
  });

  it('accepts NORMAL, in any case, from MADO_SQLITE_SYNCHRONOUS', () => {
    expect(loadServerConfig({}, { MADO_SQLITE_SYNCHRONOUS: 'normal' }).sqliteSynchronous).toBe('NORMAL');
    expect(loadServerConfig({}, { MADO_SQLITE_SYNCHRONOUS: 'FULL' }).sqliteSynchronous).toBe('FULL');
  });

  it('refuses any other mode, naming the variable', () => {
    expect(() => loadServerConfig({}, { MADO_SQLITE_SYNCHRONOUS: 'OFF' })).toThrow(ConfigError);
    expect(() => loadServerConfig({}, { MADO_SQLITE_SYNCHRONOUS: 'OFF' })).toThrow(
      'MADO_SQLITE_SYNCHRONOUS must be one of FULL, NORMAL; got "OFF".',
    );
  });
});
