/**
 * The agent's installed releases and the update in flight, kept in the state directory:
 *
 *   <state-dir>/releases/            0700
 *     <version>/mado-agent.cjs       a bundle installed by aws:updateSsmAgent (checksum verified)
 *     current.json                   {version, path}: the bundle the supervisor starts the worker
 *                                    from; absent: the script the supervisor itself runs from
 *     update.json                    the self-update in flight (`UpdateRecord`)
 *
 * Who writes what (so that a crash anywhere leaves a state the next start understands):
 * - the worker installs a bundle, then writes update.json in phase `switching` and exits with
 *   EXIT_SWITCH_RELEASE;
 * - the supervisor alone writes current.json: to the new bundle when it starts the trial, back to
 *   the old one when it rolls back; it moves update.json to `confirmed` or `rolled-back`;
 * - the worker that reports the invocation's outcome (journal) removes update.json.
 * Every file is written atomically (atomic-file.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { isAgentVersion } from '../domain/agent-release.js';
import { ensureDirectory, writeFileAtomic } from './atomic-file.js';

export const RELEASES_DIR = 'releases';
const CURRENT_FILE = 'current.json';
const UPDATE_FILE = 'update.json';
const BUNDLE_FILE = 'mado-agent.cjs';

/** A bundle to run the worker from; `path` null: the script the supervisor itself runs from. */
export interface BundleRef {
  readonly version: string;
  readonly path: string | null;
}

/**
 * `switching`: the new bundle is installed and the worker asked to restart into it (the
 * supervisor starts it on trial); `confirmed`: it started and connected within the bound;
 * `rolled-back`: it did not (`reason` says why), the old bundle runs again.
 */
export type UpdatePhase = 'switching' | 'confirmed' | 'rolled-back';

export interface UpdateRecord {
  readonly version: 1;
  /** The invocation whose `aws:updateSsmAgent` step asked for the update. */
  readonly commandId: string;
  readonly stepIndex: number;
  readonly from: BundleRef;
  readonly to: { readonly version: string; readonly path: string };
  readonly phase: UpdatePhase;
  readonly requestedAt: number;
  /** The step's output up to the restart; the outcome's lines are appended to it. */
  readonly stdout: string;
  readonly reason?: string;
  readonly decidedAt?: number;
}

const VersionSchema = z.string().refine(isAgentVersion);
const BundleRefSchema = z.object({ version: VersionSchema, path: z.string().min(1).nullable() });
const UpdateRecordSchema = z.object({
  version: z.literal(1),
  commandId: z.string().regex(/^[0-9A-Za-z-]{36}$/),
  stepIndex: z.number().int().nonnegative(),
  from: BundleRefSchema,
  to: z.object({ version: VersionSchema, path: z.string().min(1) }),
  phase: z.enum(['switching', 'confirmed', 'rolled-back']),
  requestedAt: z.number(),
  stdout: z.string(),
  reason: z.string().optional(),
  decidedAt: z.number().optional(),
});

function readJson(path: string): unknown {
  if (!existsSync(path)) {
    return undefined;
  }
  return JSON.parse(readFileSync(path, 'utf8')) as unknown;
}

export class ReleaseState {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = join(stateDir, RELEASES_DIR);
  }

  /** Where the bundle of `version` is (or would be) installed. */
  bundlePath(version: string): string {
    if (!isAgentVersion(version)) {
      throw new Error(`not an agent version: ${JSON.stringify(version)}`);
    }
    return join(this.dir, version, BUNDLE_FILE);
  }

  /**
   * The bundle the worker runs from; undefined when none is recorded (the supervisor's own
   * script). @throws when current.json exists but is not readable: the caller decides.
   */
  readCurrent(): BundleRef | undefined {
    const value = readJson(join(this.dir, CURRENT_FILE));
    return value === undefined ? undefined : this.checked(BundleRefSchema.parse(value));
  }

  /** Only bundles installed here are ever run: a path elsewhere means the file was tampered with. */
  private checked<T extends { readonly version: string; readonly path: string | null }>(ref: T): T {
    if (ref.path !== null && ref.path !== this.bundlePath(ref.version)) {
      throw new Error(`${ref.path} is not where release ${ref.version} is installed (${this.bundlePath(ref.version)})`);
    }
    return ref;
  }

  /** Records the bundle to run (undefined or a null path: the supervisor's own script). */
  writeCurrent(ref: BundleRef | undefined): void {
    ensureDirectory(this.dir, 0o700);
    const path = join(this.dir, CURRENT_FILE);
    if (ref === undefined || ref.path === null) {
      rmSync(path, { force: true });
      return;
    }
    writeFileAtomic(path, JSON.stringify(ref), 0o600);
  }

  /** The update in flight. @throws when update.json exists but is not readable. */
  readUpdate(): UpdateRecord | undefined {
    const value = readJson(join(this.dir, UPDATE_FILE));
    if (value === undefined) {
      return undefined;
    }
    const record = UpdateRecordSchema.parse(value);
    this.checked(record.from);
    this.checked(record.to);
    return record;
  }

  writeUpdate(record: UpdateRecord): void {
    ensureDirectory(this.dir, 0o700);
    writeFileAtomic(join(this.dir, UPDATE_FILE), JSON.stringify(record), 0o600);
  }

  removeUpdate(): void {
    rmSync(join(this.dir, UPDATE_FILE), { force: true });
  }

  /** Installs a (verified) bundle as `releases/<version>/mado-agent.cjs`, atomically; returns its path. */
  install(version: string, bundle: Uint8Array): string {
    const path = this.bundlePath(version);
    ensureDirectory(this.dir, 0o700);
    mkdirSync(join(this.dir, version), { recursive: true, mode: 0o700 });
    writeFileAtomic(path, bundle, 0o600);
    return path;
  }

  /** Removes one installed release (a bundle that failed its trial). */
  remove(version: string): void {
    rmSync(dirname(this.bundlePath(version)), { recursive: true, force: true });
  }

  /** Removes installed releases other than `keep` (by version). */
  prune(keep: readonly string[]): string[] {
    if (!existsSync(this.dir)) {
      return [];
    }
    const removed: string[] = [];
    for (const entry of readdirSync(this.dir, { withFileTypes: true })) {
      if (entry.isDirectory() && isAgentVersion(entry.name) && !keep.includes(entry.name)) {
        rmSync(join(this.dir, entry.name), { recursive: true, force: true });
        removed.push(entry.name);
      }
    }
    return removed;
  }
}
