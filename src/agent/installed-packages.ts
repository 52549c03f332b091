/**
 * What this node has installed through `aws:configurePackage`, kept in the state directory:
 *
 *   <state-dir>/packages/                 0700
 *     installed.json                      0600  {"packages": {"<name>": InstalledPackage}}: the
 *                                               node's inventory, written atomically after each change
 *     <name>/<version>/                         the unpacked files of an installed version; its
 *                                               uninstall script runs from here later
 *     .staging/                                 downloads and unpacking in progress (emptied at start)
 *   <state-dir>/package-data/<name>/      0700  MADO_PACKAGE_DATA_DIR: the package's own place for
 *                                               data that outlives versions (the agent never
 *                                               deletes it; uninstall scripts may)
 *
 * Names and versions are checked against the package patterns before they name a directory, so
 * no path can hide in one.
 */
import { existsSync, readFileSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  isPackageName,
  isPackageVersion,
  type ApplicationInventory,
  type InstalledApplication,
} from '../domain/package.js';
import type { PackageEntry } from '../domain/package-manifest.js';
import { ensureDirectory, writeFileAtomic } from './atomic-file.js';

export const PACKAGES_DIR = 'packages';
export const PACKAGE_DATA_DIR = 'package-data';
const INSTALLED_FILE = 'installed.json';
const STAGING_DIR = '.staging';

export interface InstalledPackage {
  readonly name: string;
  readonly version: string;
  readonly installedAt: number;
  readonly publisher?: string;
  readonly description?: string;
  /** The manifest entry that was installed, as `platform/version/architecture`. */
  readonly platform: string;
  /** This node's architecture when the package was installed. */
  readonly architecture: string;
  /** The installed entry: its uninstall script is what removes the package. */
  readonly entry: PackageEntry;
}

const EntrySchema = z.object({
  install: z.string(),
  uninstall: z.string(),
  update: z.string().optional(),
  files: z.array(z.string()).optional(),
});

const InstalledSchema = z.object({
  packages: z.record(
    z.string(),
    z.object({
      name: z.string().refine(isPackageName),
      version: z.string().refine(isPackageVersion),
      installedAt: z.number(),
      publisher: z.string().optional(),
      description: z.string().optional(),
      platform: z.string(),
      architecture: z.string(),
      entry: EntrySchema,
    }),
  ),
});

function assertSafe(name: string, version?: string): void {
  if (!isPackageName(name) || (version !== undefined && !isPackageVersion(version))) {
    throw new Error(`Unsafe package name or version: ${JSON.stringify([name, version])}`);
  }
}

export class InstalledPackages {
  private readonly packages = new Map<string, InstalledPackage>();
  /** Set when installed.json could not be read at start and was set aside. */
  readonly loadProblem: string | undefined;

  private constructor(
    private readonly root: string,
    private readonly dataRoot: string,
    now: number,
  ) {
    ensureDirectory(root, 0o700);
    rmSync(join(root, STAGING_DIR), { recursive: true, force: true });
    const file = join(root, INSTALLED_FILE);
    if (!existsSync(file)) {
      return;
    }
    try {
      const parsed = InstalledSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
      for (const installed of Object.values(parsed.packages)) {
        this.packages.set(installed.name, installed);
      }
    } catch (error) {
      // Unreadable: kept for inspection under another name, and the node starts with an empty
      // inventory rather than refusing every package command.
      const aside = `${file}.unreadable-${now}`;
      renameSync(file, aside);
      this.loadProblem = `${file} could not be read (${(error as Error).message}); it was moved to ${aside}.`;
    }
  }

  /** Opens (creating if needed) the package state of a state directory. */
  static open(stateDir: string, now: number): InstalledPackages {
    return new InstalledPackages(join(stateDir, PACKAGES_DIR), join(stateDir, PACKAGE_DATA_DIR), now);
  }

  get(name: string): InstalledPackage | undefined {
    return this.packages.get(name);
  }

  list(): InstalledPackage[] {
    return [...this.packages.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Records `installed` as the node's version of the package (written before it returns). */
  put(installed: InstalledPackage): void {
    assertSafe(installed.name, installed.version);
    this.packages.set(installed.name, installed);
    this.save();
  }

  /** Forgets the package (written before it returns). */
  remove(name: string): void {
    this.packages.delete(name);
    this.save();
  }

  /** Where a version's files are unpacked. */
  versionDir(name: string, version: string): string {
    assertSafe(name, version);
    return join(this.root, name, version);
  }

  /** The package's data directory (created on first use, 0700). */
  dataDir(name: string): string {
    assertSafe(name);
    const dir = join(this.dataRoot, name);
    ensureDirectory(this.dataRoot, 0o700);
    ensureDirectory(dir, 0o700);
    return dir;
  }

  /** A fresh directory for one download (removed by the caller, or at the next start). */
  stagingDir(tag: string): string {
    const dir = join(this.root, STAGING_DIR, tag.replace(/[^A-Za-z0-9._-]/g, '_'));
    rmSync(dir, { recursive: true, force: true });
    ensureDirectory(join(this.root, STAGING_DIR), 0o700);
    ensureDirectory(dir, 0o700);
    return dir;
  }

  /** Removes a version's files, and the package's directory when no version is left. */
  removeVersionDir(name: string, version: string): void {
    rmSync(this.versionDir(name, version), { recursive: true, force: true });
    try {
      rmdirSync(join(this.root, name));
    } catch {
      // Not empty (another version's files) or already gone: nothing to do.
    }
  }

  /** The inventory the agent reports: every installed package. */
  inventory(capturedAt: number): ApplicationInventory {
    return {
      capturedAt,
      applications: this.list().map((installed): InstalledApplication => ({
        name: installed.name,
        version: installed.version,
        installedAt: installed.installedAt,
        architecture: installed.architecture,
        ...(installed.publisher === undefined ? {} : { publisher: installed.publisher }),
        ...(installed.description === undefined ? {} : { summary: installed.description.slice(0, 1024) }),
      })),
    };
  }

  private save(): void {
    const packages = Object.fromEntries(this.list().map((installed) => [installed.name, installed]));
    writeFileAtomic(join(this.root, INSTALLED_FILE), `${JSON.stringify({ packages }, null, 2)}\n`, 0o600);
  }
}
