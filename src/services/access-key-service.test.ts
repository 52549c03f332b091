import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { AccessKeyService, KeyRing, SECRETS_FORM_SETTING } from './access-key-service.js';
import { SecretBox } from './secret-box.js';
import { DEFAULT_QUOTAS } from './service-context.js';

const NOW = Date.parse('2024-01-15T12:00:00Z');
const clock: Clock = { now: () => new Date(NOW), sleep: () => Promise.resolve() };
const OLD_SECRET = 'OldPlaintextSecretFromAnOlderMado0000001';

let directory: string;
let store: Store;
let box: SecretBox;
let ring: KeyRing;
let keys: AccessKeyService;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'mado-access-key-service-'));
  store = openSqliteStore({ filename: join(directory, 'mado.db') }, NOW).store;
  box = new SecretBox(randomBytes(32));
  ring = new KeyRing(box);
  keys = new AccessKeyService(
    { store, clock, logger: silentLogger, quotas: DEFAULT_QUOTAS, accountId: '123456789012' },
    ring,
  );
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('AccessKeyService secrets', () => {
  it('stores a created key sealed and opens it only through the ring', async () => {
    const created = await keys.create('operator', 'CI');
    const [stored] = await store.listAccessKeys();
    expect(stored!.sealedSecret).not.toContain(created.secretAccessKey);
    expect(box.open(stored!.sealedSecret, created.accessKeyId)).toBe(created.secretAccessKey);
    expect(ring.secretOf(created.accessKeyId)).toBe(created.secretAccessKey);
    expect(ring.secretOf('AKIAUNKNOWN000000000')).toBeUndefined();
    expect(await keys.list()).toEqual([
      { accessKeyId: created.accessKeyId, role: 'operator', description: 'CI', createdAt: NOW },
    ]);
  });

  it('seals secrets an older Mado stored in clear, once', async () => {
    // What migration 0008 leaves of an older store: the secret in clear, the mark 'plaintext'.
    await store.insertAccessKey({
      accessKeyId: 'AKIAOLDKEY0000000001',
      sealedSecret: OLD_SECRET,
      role: 'admin',
      createdAt: NOW,
    });
    expect(await store.getSetting(SECRETS_FORM_SETTING)).toBe('plaintext');
    expect(await keys.sealPlaintextSecrets()).toBe(1);
    expect(await store.getSetting(SECRETS_FORM_SETTING)).toBe('sealed');
    const [stored] = await store.listAccessKeys();
    expect(stored!.sealedSecret).toMatch(/^v1:/);
    await keys.load();
    expect(ring.secretOf('AKIAOLDKEY0000000001')).toBe(OLD_SECRET);
    expect(await keys.sealPlaintextSecrets()).toBe(0);
    expect((await store.listAccessKeys())[0]!.sealedSecret).toBe(stored!.sealedSecret);
  });

  it('refuses to load a key whose stored secret does not open, naming the key', async () => {
    await keys.sealPlaintextSecrets();
    await store.insertAccessKey({
      accessKeyId: 'AKIAALTERED000000001',
      sealedSecret: new SecretBox(randomBytes(32)).seal('x'.repeat(40), 'AKIAALTERED000000001'),
      role: 'operator',
      createdAt: NOW,
    });
    await expect(keys.load()).rejects.toThrow(
      'The stored secret of access key AKIAALTERED000000001 does not open with the master key',
    );
  });

  it('does not store a generated admin key that could not be handed over', async () => {
    await expect(
      keys.bootstrap(undefined, () => {
        throw new Error('credentials file exists');
      }),
    ).rejects.toThrow('credentials file exists');
    expect(await store.listAccessKeys()).toEqual([]);
  });

  it('hands a generated admin key over before storing it, sealed', async () => {
    let handedOver: string | undefined;
    const outcome = await keys.bootstrap(undefined, (key) => {
      handedOver = key.secretAccessKey;
    });
    expect(handedOver).toBe(outcome.generated!.secretAccessKey);
    expect(ring.secretOf(outcome.generated!.accessKeyId)).toBe(handedOver);
  });
});
