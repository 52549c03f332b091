/** API access keys: who may call the API, and with which role (DESIGN: Security). */

export type AccessRole = 'admin' | 'operator' | 'read-only';
export const ACCESS_ROLES: readonly AccessRole[] = ['admin', 'operator', 'read-only'];

/** What may be shown about an access key: everything but its secret. */
export interface AccessKeyInfo {
  readonly accessKeyId: string;
  readonly role: AccessRole;
  readonly description?: string;
  readonly createdAt: number;
}

/** An access key with its secret in clear: only when it is created, and never stored so. */
export interface AccessKey extends AccessKeyInfo {
  /** Needed in clear to recompute SigV4 signatures (HMAC), so it cannot be stored hashed. */
  readonly secretAccessKey: string;
}

/**
 * An access key as the store keeps it: the secret sealed (encrypted) with the server's master
 * key, opened only to verify a signature (services/secret-box.ts).
 */
export interface StoredAccessKey extends AccessKeyInfo {
  readonly sealedSecret: string;
}

/** What each role may do with an operation, by the operation's kind. */
export type OperationAccess = 'read' | 'write' | 'admin';

export function roleAllows(role: AccessRole, access: OperationAccess): boolean {
  switch (role) {
    case 'admin':
      return true;
    case 'operator':
      return access !== 'admin';
    case 'read-only':
      return access === 'read';
  }
}
