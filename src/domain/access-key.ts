/** API access keys: who may call the API, and with which role (DESIGN: Security). */

export type AccessRole = 'admin' | 'operator' | 'read-only';
export const ACCESS_ROLES: readonly AccessRole[] = ['admin', 'operator', 'read-only'];

export interface AccessKey {
  readonly accessKeyId: string;
  /** Needed in clear to recompute SigV4 signatures (HMAC), so it cannot be stored hashed. */
  readonly secretAccessKey: string;
  readonly role: AccessRole;
  readonly description?: string;
  readonly createdAt: number;
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
