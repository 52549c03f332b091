/**
 * Seals secrets the store must keep but must not hold in clear (access-key secrets, which SigV4
 * needs in clear and so cannot be hashed), with a 32-byte master key kept outside the store.
 *
 * Envelope: `v1:<base64 iv>:<base64 tag>:<base64 ciphertext>`, AES-256-GCM with a random 96-bit
 * IV per seal. The caller's associated data (the access key's id) is authenticated but not
 * stored: a sealed secret copied onto another key's row does not open there.
 *
 * Invariants: `open` returns a plaintext only if the envelope was made by `seal` with the same
 * key and the same associated data; anything else (another key, tampering, a truncated or
 * unknown envelope) throws SecretBoxError and never returns garbage.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export const MASTER_KEY_BYTES = 32;

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A sealed value that does not open with this key and associated data. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

export class SecretBox {
  private readonly key: Buffer;

  /** @throws RangeError unless `key` is exactly 32 bytes. */
  constructor(key: Uint8Array) {
    if (key.length !== MASTER_KEY_BYTES) {
      throw new RangeError(`a master key is ${MASTER_KEY_BYTES} bytes; got ${key.length}`);
    }
    this.key = Buffer.from(key);
  }

  seal(plaintext: string, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
  }

  /** @throws SecretBoxError when the envelope is malformed, tampered with, or sealed otherwise. */
  open(sealed: string, associatedData: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 4 || parts[0] !== VERSION || !parts.slice(1).every((part) => BASE64.test(part))) {
      throw new SecretBoxError(`not a ${VERSION} sealed secret`);
    }
    const iv = Buffer.from(parts[1]!, 'base64');
    const tag = Buffer.from(parts[2]!, 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new SecretBoxError(`not a ${VERSION} sealed secret`);
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(Buffer.from(parts[3]!, 'base64')), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SecretBoxError('the sealed secret does not open with this master key (wrong key or tampered)', {
        cause: error,
      });
    }
  }

  /**
   * A value that identifies the key without revealing it (HMAC-SHA256 of a fixed label), kept in
   * the store so that a start with another key is refused before any secret is needed.
   */
  checkValue(): string {
    return createHmac('sha256', this.key).update('mado master key check v1').digest('base64');
  }

  /** A 32-byte key for another purpose (HKDF-SHA256, `label` as info): never the master key itself. */
  deriveKey(label: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `mado ${label}`, 32));
  }
}
