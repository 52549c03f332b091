/**
 * API access keys: create, list, delete, and the bootstrap admin key. The key ring is the
 * in-memory view the authenticator reads on every request; every change here refreshes it.
 *
 * Secrets are sealed with the master key (SecretBox, the key id as associated data) before they
 * reach the store, and stay sealed in the ring: `KeyRing.secretOf` opens one only for SigV4
 * verification. Sealing here rather than in the store's row mapping keeps the store free of
 * keys and crypto (it stores what it is given), and keeps the plaintext out of every listing.
 */
import { ConflictError, NotFoundError } from '../domain/errors.js';
import type { AccessKey, AccessKeyInfo, AccessRole, StoredAccessKey } from '../domain/access-key.js';
import { randomString } from '../shared/ids.js';
import type { Store } from '../store/store.js';
import type { SecretBox } from './secret-box.js';
import type { ServiceContext } from './service-context.js';

/**
 * Setting that says whether the secrets in `access_keys` are still in clear: migration 0008 sets
 * it to 'plaintext' and `sealPlaintextSecrets` to 'sealed', in the transaction that seals them.
 */
export const SECRETS_FORM_SETTING = 'access-key-secrets';

const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Access keys in memory, secrets sealed, for signature checks without a store read per request. */
export class KeyRing {
  private keys = new Map<string, StoredAccessKey>();

  constructor(private readonly box: SecretBox) {}

  /**
   * Replaces the keys, after checking that every secret opens.
   * @throws SecretBoxError naming the access key whose secret does not open (tampered row).
   */
  replaceAll(keys: readonly StoredAccessKey[]): void {
    for (const key of keys) {
      this.open(key);
    }
    this.keys = new Map(keys.map((key) => [key.accessKeyId, key]));
  }

  get(accessKeyId: string): StoredAccessKey | undefined {
    return this.keys.get(accessKeyId);
  }

  /** The secret in clear, for SigV4 verification only; undefined for an unknown key. */
  secretOf(accessKeyId: string): string | undefined {
    const key = this.keys.get(accessKeyId);
    return key === undefined ? undefined : this.open(key);
  }

  /** The key as the store keeps it: its secret sealed, bound to its id. */
  seal(key: AccessKey): StoredAccessKey {
    const { secretAccessKey, ...info } = key;
    return { ...info, sealedSecret: this.box.seal(secretAccessKey, key.accessKeyId) };
  }

  private open(key: StoredAccessKey): string {
    try {
      return this.box.open(key.sealedSecret, key.accessKeyId);
    } catch (error) {
      throw new Error(
        `The stored secret of access key ${key.accessKeyId} does not open with the master key: the row was altered or the key file replaced.`,
        { cause: error },
      );
    }
  }

  get size(): number {
    return this.keys.size;
  }
}

export interface BootstrapOutcome {
  /** Present when a new admin key was generated; its secret is shown once. */
  readonly generated?: AccessKey;
  /** Present when the key came from the environment. */
  readonly fromEnvironment?: string;
}

export class AccessKeyService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly ring: KeyRing,
  ) {}

  /** Loads the keys into the ring. */
  async load(): Promise<void> {
    this.ring.replaceAll(await this.ctx.store.listAccessKeys());
  }

  /**
   * Seals the secrets an older Mado stored in clear (once: migration 0008 marks them, this clears
   * the mark in the same transaction). Run at start, before `bootstrap` and `load`.
   * @returns how many secrets were sealed.
   */
  async sealPlaintextSecrets(): Promise<number> {
    return this.ctx.store.transaction(async (store: Store) => {
      if ((await store.getSetting(SECRETS_FORM_SETTING)) !== 'plaintext') {
        return 0;
      }
      const keys = await store.listAccessKeys();
      for (const key of keys) {
        const { sealedSecret: secretAccessKey, ...info } = key;
        await store.upsertAccessKey(this.ring.seal({ ...info, secretAccessKey }));
      }
      await store.putSetting(SECRETS_FORM_SETTING, 'sealed');
      return keys.length;
    });
  }

  /**
   * Makes sure an admin key exists: the one given by the environment (created or updated),
   * else a generated one on first start.
   */
  async bootstrap(
    fromEnvironment?: { accessKeyId: string; secretAccessKey: string },
    beforeStoring?: (generated: AccessKey) => void,
  ): Promise<BootstrapOutcome> {
    const now = this.ctx.clock.now().getTime();
    if (fromEnvironment !== undefined) {
      await this.ctx.store.upsertAccessKey(
        this.ring.seal({
          ...fromEnvironment,
          role: 'admin',
          description: 'Bootstrap admin key (from MADO_ADMIN_ACCESS_KEY_ID)',
          createdAt: now,
        }),
      );
      await this.load();
      return { fromEnvironment: fromEnvironment.accessKeyId };
    }
    const existing = await this.ctx.store.listAccessKeys();
    if (existing.some((key) => key.role === 'admin')) {
      await this.load();
      return {};
    }
    const generated = this.newKey('admin', 'Bootstrap admin key', now);
    // E.g. written to the admin credentials file: a key that could not be handed over is not stored.
    beforeStoring?.(generated);
    await this.ctx.store.insertAccessKey(this.ring.seal(generated));
    await this.load();
    return { generated };
  }

  async create(role: AccessRole, description: string | undefined): Promise<AccessKey> {
    const key = this.newKey(role, description, this.ctx.clock.now().getTime());
    await this.ctx.store.insertAccessKey(this.ring.seal(key));
    await this.load();
    return key;
  }

  async list(): Promise<AccessKeyInfo[]> {
    return (await this.ctx.store.listAccessKeys()).map(({ sealedSecret: _sealed, ...info }) => info);
  }

  /**
   * Deletes a key; it stops working at once.
   * @throws NotFoundError; ConflictError when it is the last admin key.
   */
  async delete(accessKeyId: string): Promise<void> {
    await this.ctx.store.transaction(async (store) => {
      const keys = await store.listAccessKeys();
      const key = keys.find((candidate) => candidate.accessKeyId === accessKeyId);
      if (key === undefined) {
        throw new NotFoundError('AccessKey', accessKeyId, `Access key ${accessKeyId} does not exist.`);
      }
      if (key.role === 'admin' && keys.filter((candidate) => candidate.role === 'admin').length === 1) {
        throw new ConflictError(`Access key ${accessKeyId} is the last admin key; create another admin key first.`);
      }
      await store.deleteAccessKey(accessKeyId);
    });
    await this.load();
  }

  private newKey(role: AccessRole, description: string | undefined, now: number): AccessKey {
    return {
      accessKeyId: `AKIA${randomString(16, KEY_ID_ALPHABET)}`,
      secretAccessKey: randomString(40, SECRET_ALPHABET),
      role,
      description,
      createdAt: now,
    };
  }
}
