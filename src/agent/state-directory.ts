/**
 * The agent's state directory: who this node is and what it has promised to run.
 *
 *   <state-dir>/            mode 0700
 *     identity.json         {serverUrl, nodeId, registeredAt}, mode 0600
 *     node-key.pem          Ed25519 private key (PKCS8 PEM), mode 0600: the node's secret
 *     server-trust.json     pinned server certificate fingerprints, mode 0600 (server-trust.ts)
 *     journal/              one file per accepted command (see journal.ts)
 *     work/                 per-invocation scratch directories (scripts, default working dir)
 *
 * Both identity files are written atomically, the key first: `identity.json` is the commit
 * marker of a registration. The agent refuses to run when a file is missing, unreadable,
 * malformed, or open to the group or to others (on Windows, where modes mean nothing, the
 * directory's ACL is the administrator's responsibility).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { ensureDirectory, writeFileAtomic } from './atomic-file.js';
import { parseNodePrivateKey } from './node-key.js';
import { insecureUrlProblem, loadTrust, TRUST_FILE, type ServerTrust } from './server-trust.js';

export const IDENTITY_FILE = 'identity.json';
export const NODE_KEY_FILE = 'node-key.pem';
export const JOURNAL_DIR = 'journal';
export const WORK_DIR = 'work';

export interface NodeIdentity {
  /** The server's base URL as given at registration (`http://` or `https://`). */
  readonly serverUrl: string;
  readonly nodeId: string;
  /** ISO 8601 instant of the registration. */
  readonly registeredAt: string;
}

const IdentitySchema = z.object({
  serverUrl: z.string().regex(/^https?:\/\//),
  nodeId: z.string().regex(/^mi-[0-9a-f]{17}$/),
  registeredAt: z.string(),
});

export interface LoadedState {
  readonly stateDir: string;
  readonly identity: NodeIdentity;
  readonly privateKey: KeyObject;
  /** How the server is trusted (issue #10). */
  readonly trust: ServerTrust;
}

/** Why the state directory cannot be used, in words an operator can act on. */
export class StateDirectoryError extends Error {
  override readonly name = 'StateDirectoryError';
}

const checksModes = process.platform !== 'win32';

function describeMode(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

/** @throws StateDirectoryError when `path` is open to the group or others. */
function assertPrivateFile(path: string): void {
  if (!checksModes) {
    return;
  }
  const mode = statSync(path).mode;
  if ((mode & 0o077) !== 0) {
    throw new StateDirectoryError(
      `${path} is accessible to group or others (mode ${describeMode(mode)}); it holds this node's credentials. ` +
        `Fix it with: chmod 600 ${path}`,
    );
  }
}

/** True when the directory holds a registration (identity.json exists), valid or not. */
export function hasRegistration(stateDir: string): boolean {
  return existsSync(join(stateDir, IDENTITY_FILE));
}

/**
 * Reads and checks the registration.
 * @throws StateDirectoryError naming the file and the fix.
 */
export function loadState(stateDir: string): LoadedState {
  const identityPath = join(stateDir, IDENTITY_FILE);
  const keyPath = join(stateDir, NODE_KEY_FILE);
  if (!existsSync(stateDir)) {
    throw new StateDirectoryError(
      `The state directory ${stateDir} does not exist. Register this node first: ` +
        `mado agent register --server URL --activation-id ID --activation-code CODE --state-dir ${stateDir}`,
    );
  }
  for (const [path, what] of [
    [identityPath, 'identity.json'],
    [keyPath, 'node-key.pem'],
  ] as const) {
    if (!existsSync(path)) {
      throw new StateDirectoryError(
        `${what} is missing in ${stateDir}, so this node is not registered. Register it first: ` +
          `mado agent register --server URL --activation-id ID --activation-code CODE --state-dir ${stateDir}`,
      );
    }
  }
  if (checksModes) {
    const dirMode = statSync(stateDir).mode;
    if ((dirMode & 0o022) !== 0) {
      throw new StateDirectoryError(
        `${stateDir} is writable by group or others (mode ${describeMode(dirMode)}), so its files could be ` +
          `replaced. Fix it with: chmod 700 ${stateDir}`,
      );
    }
  }
  assertPrivateFile(identityPath);
  assertPrivateFile(keyPath);

  let identity: NodeIdentity;
  try {
    const parsed = IdentitySchema.safeParse(JSON.parse(readFileSync(identityPath, 'utf8')));
    if (!parsed.success) {
      throw new Error(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
    }
    identity = parsed.data;
  } catch (error) {
    throw new StateDirectoryError(
      `${identityPath} is not a valid registration (${(error as Error).message}). Register again with --force.`,
      { cause: error },
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = parseNodePrivateKey(readFileSync(keyPath, 'utf8'));
  } catch (error) {
    throw new StateDirectoryError(
      `${keyPath} does not hold a usable key (${(error as Error).message}). Register again with --force.`,
      { cause: error },
    );
  }
  let trust: ServerTrust;
  try {
    trust = loadTrust(stateDir);
  } catch (error) {
    throw new StateDirectoryError(
      `${join(stateDir, TRUST_FILE)} is not valid (${(error as Error).message}). Register again with --force.`,
      { cause: error },
    );
  }
  const problem = insecureUrlProblem(identity.serverUrl, trust.insecureHttp);
  if (problem !== undefined) {
    throw new StateDirectoryError(`${problem} Register again with --force.`);
  }
  return { stateDir, identity, privateKey, trust };
}

/** Writes a new registration: the directory (0700), the key, then the identity (both 0600). */
export function saveRegistration(stateDir: string, identity: NodeIdentity, privateKeyPem: string): void {
  ensureDirectory(stateDir, 0o700);
  writeFileAtomic(join(stateDir, NODE_KEY_FILE), privateKeyPem, 0o600);
  writeFileAtomic(join(stateDir, IDENTITY_FILE), `${JSON.stringify(identity, null, 2)}\n`, 0o600);
}
