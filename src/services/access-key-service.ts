/**
 * API access keys: create, list, delete, and the bootstrap admin key. The key ring is the
 * in-memory view the authenticator reads on every request; every change here refreshes it.
 */
import { ConflictError, NotFoundError } from '../domain/errors.js';
import type { AccessKey, AccessRole } from '../domain/access-key.js';
import { randomString } from '../shared/ids.js';
import type { ServiceContext } from './service-context.js';

const KEY_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Access keys in memory, for signature checks without a store read per request. */
export class KeyRing {
  private keys = new Map<string, AccessKey>();

  replaceAll(keys: readonly AccessKey[]): void {
    this.keys = new Map(keys.map((key) => [key.accessKeyId, key]));
  }

  get(accessKeyId: string): AccessKey | undefined {
    return this.keys.get(accessKeyId);
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
   * Makes sure an admin key exists: the one given by the environment (created or updated),
   * else a generated one on first start.
   */
  async bootstrap(fromEnvironment?: { accessKeyId: string; secretAccessKey: string }): Promise<BootstrapOutcome> {
    const now = this.ctx.clock.now().getTime();
    if (fromEnvironment !== undefined) {
      await this.ctx.store.upsertAccessKey({
        ...fromEnvironment,
        role: 'admin',
        description: 'Bootstrap admin key (from MADO_ADMIN_ACCESS_KEY_ID)',
        createdAt: now,
      });
      await this.load();
      return { fromEnvironment: fromEnvironment.accessKeyId };
    }
    const existing = await this.ctx.store.listAccessKeys();
    if (existing.some((key) => key.role === 'admin')) {
      await this.load();
      return {};
    }
    const generated = this.newKey('admin', 'Bootstrap admin key', now);
    await this.ctx.store.insertAccessKey(generated);
    await this.load();
    return { generated };
  }

  async create(role: AccessRole, description: string | undefined): Promise<AccessKey> {
    const key = this.newKey(role, description, this.ctx.clock.now().getTime());
    await this.ctx.store.insertAccessKey(key);
    await this.load();
    return key;
  }

  async list(): Promise<AccessKey[]> {
    return this.ctx.store.listAccessKeys();
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
