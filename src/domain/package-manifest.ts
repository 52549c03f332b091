/**
 * `manifest.json`, the file at the root of every package archive: which scripts install,
 * uninstall and update the package on which platform and architecture. The shape follows AWS
 * Distributor's manifest (platform → platform version → architecture, with `_any` wildcards),
 * except that an entry names its scripts directly instead of a per-platform zip file, since a Mado
 * package is one archive:
 *
 * ```json
 * {
 *   "schemaVersion": "1.0",
 *   "name": "metrics-agent",            optional; must equal the published name
 *   "version": "2.0.0",                 optional; must equal the published version
 *   "publisher": "Example Corp",        optional
 *   "description": "…",                 optional
 *   "packages": {
 *     "linux": {                        a platform: _any, linux, windows, macos, or a
 *       "_any": {                       distribution (ubuntu, debian, amazon, …); a platform
 *         "_any": {                     version (22.04, 22, _any); an architecture (x86_64,
 *           "install": "install.sh",    arm64, i386, _any)
 *           "uninstall": "uninstall.sh",
 *           "update": "update.sh",      optional: used by "In-place update"
 *           "files": ["bin/", "lib/x"]  optional: the entry's other files; only these and the
 *         }                             scripts are unpacked on the node
 *       }
 *     }
 *   }
 * }
 * ```
 *
 * Validation reports every problem at once, each with the path of the field at fault
 * (`packages.linux._any.x86_64.install`). Pure: the archive's listing is passed in.
 */
import type { PlatformType } from './managed-node.js';

export const MANIFEST_FILE_NAME = 'manifest.json';
export const MANIFEST_SCHEMA_VERSION = '1.0';
/** The wildcard key at each level of `packages`. */
export const ANY = '_any';

export interface PackageEntry {
  readonly install: string;
  readonly uninstall: string;
  readonly update?: string;
  readonly files?: readonly string[];
}

export type PackageEntries = Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, PackageEntry>>>>>>;

export interface PackageManifest {
  readonly schemaVersion: string;
  readonly name?: string;
  readonly version?: string;
  readonly publisher?: string;
  readonly description?: string;
  readonly packages: PackageEntries;
}

export interface ManifestProblem {
  /** Path of the field in manifest.json, e.g. `packages.linux._any.x86_64.install`. */
  readonly field: string;
  readonly message: string;
}

export type ManifestCheck =
  | { readonly ok: true; readonly manifest: PackageManifest }
  | { readonly ok: false; readonly problems: readonly ManifestProblem[] };

/** What the archive holds, by normalised path (no `./`, no trailing `/`). */
export type ArchiveListing = ReadonlyMap<string, 'file' | 'directory'>;

const PLATFORM_KEY = /^(_any|[a-z][a-z0-9_-]{0,63})$/;
const PLATFORM_VERSION_KEY = /^(_any|[0-9A-Za-z][0-9A-Za-z._-]{0,63})$/;
const ARCHITECTURE_KEY = /^(_any|[a-z0-9][a-z0-9_]{0,31})$/;
const MAX_ENTRIES = 100;
const MAX_FILES_PER_ENTRY = 1000;
const MAX_PATH_LENGTH = 512;
const TOP_LEVEL_FIELDS = ['schemaVersion', 'name', 'version', 'publisher', 'description', 'packages'];
const ENTRY_FIELDS = ['install', 'uninstall', 'update', 'files'];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fieldPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** Why `path` cannot name a file inside a package, or undefined when it can. */
export function archivePathProblem(path: string): string | undefined {
  if (path === '') {
    return 'must not be empty';
  }
  if (path.length > MAX_PATH_LENGTH) {
    return `must be at most ${MAX_PATH_LENGTH} characters`;
  }
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) {
    return 'must be a path relative to the archive root, not an absolute path';
  }
  if (path.includes('\\')) {
    return 'must use "/" as the separator';
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(path)) {
    return 'must not contain control characters';
  }
  const segments = path
    .replace(/^(\.\/)+/, '')
    .replace(/\/$/, '')
    .split('/');
  if (segments.some((segment) => segment === '..')) {
    return 'must not contain ".." (it must stay inside the package)';
  }
  if (segments.some((segment) => segment === '' || segment === '.')) {
    return 'must not contain empty or "." segments';
  }
  return undefined;
}

/** `./a/b/` → `a/b`: the form listings and manifest paths are compared in. */
export function normaliseArchivePath(path: string): string {
  return path.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

function optionalText(
  raw: Record<string, unknown>,
  key: string,
  max: number,
  problems: ManifestProblem[],
): string | undefined {
  const value = raw[key];
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.push({ field: key, message: 'must be a string' });
    return undefined;
  }
  if (value.length > max) {
    problems.push({ field: key, message: `must be at most ${max} characters` });
    return undefined;
  }
  return value;
}

function checkScript(
  entry: Record<string, unknown>,
  key: 'install' | 'uninstall' | 'update',
  at: string,
  listing: ArchiveListing | undefined,
  problems: ManifestProblem[],
): string | undefined {
  const value = entry[key];
  const field = fieldPath(at, key);
  if (value === undefined) {
    if (key !== 'update') {
      problems.push({ field, message: `is required: the path of the ${key} script in the archive` });
    }
    return undefined;
  }
  if (typeof value !== 'string') {
    problems.push({ field, message: 'must be a string: the path of a script in the archive' });
    return undefined;
  }
  const problem = archivePathProblem(value);
  if (problem !== undefined) {
    problems.push({ field, message: `"${value}" ${problem}` });
    return undefined;
  }
  if (value.endsWith('/')) {
    problems.push({ field, message: `"${value}" names a directory; it must name a script file` });
    return undefined;
  }
  if (listing !== undefined) {
    const kind = listing.get(normaliseArchivePath(value));
    if (kind === undefined) {
      problems.push({ field, message: `"${value}" is not in the archive` });
      return undefined;
    }
    if (kind !== 'file') {
      problems.push({ field, message: `"${value}" is a directory in the archive; it must be a script file` });
      return undefined;
    }
  }
  return normaliseArchivePath(value);
}

function checkFiles(
  entry: Record<string, unknown>,
  at: string,
  listing: ArchiveListing | undefined,
  problems: ManifestProblem[],
): string[] | undefined {
  const value = entry.files;
  const field = fieldPath(at, 'files');
  if (value === undefined) {
    return undefined;
  }
  if (!Array.isArray(value) || value.length === 0) {
    problems.push({ field, message: 'must be a non-empty list of paths in the archive' });
    return undefined;
  }
  if (value.length > MAX_FILES_PER_ENTRY) {
    problems.push({ field, message: `must list at most ${MAX_FILES_PER_ENTRY} paths` });
    return undefined;
  }
  const files: string[] = [];
  value.forEach((item: unknown, index) => {
    const itemField = `${field}[${index}]`;
    if (typeof item !== 'string') {
      problems.push({ field: itemField, message: 'must be a string: a path in the archive' });
      return;
    }
    const problem = archivePathProblem(item);
    if (problem !== undefined) {
      problems.push({ field: itemField, message: `"${item}" ${problem}` });
      return;
    }
    if (listing !== undefined && !listing.has(normaliseArchivePath(item))) {
      problems.push({ field: itemField, message: `"${item}" is not in the archive` });
      return;
    }
    files.push(normaliseArchivePath(item));
  });
  return files;
}

function checkEntry(
  raw: unknown,
  at: string,
  listing: ArchiveListing | undefined,
  problems: ManifestProblem[],
): PackageEntry | undefined {
  if (!isObject(raw)) {
    problems.push({ field: at, message: 'must be an object with install, uninstall and optionally update and files' });
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!ENTRY_FIELDS.includes(key)) {
      problems.push({
        field: fieldPath(at, key),
        message: `is not an entry field (expected ${ENTRY_FIELDS.join(', ')})`,
      });
    }
  }
  const before = problems.length;
  const install = checkScript(raw, 'install', at, listing, problems);
  const uninstall = checkScript(raw, 'uninstall', at, listing, problems);
  const update = checkScript(raw, 'update', at, listing, problems);
  const files = checkFiles(raw, at, listing, problems);
  if (problems.length > before || install === undefined || uninstall === undefined) {
    return undefined;
  }
  return {
    install,
    uninstall,
    ...(update === undefined ? {} : { update }),
    ...(files === undefined ? {} : { files }),
  };
}

/** Checks one level of `packages`: an object of keys matching `pattern`, each checked by `inner`. */
function checkLevel<T>(
  raw: unknown,
  at: string,
  what: string,
  pattern: RegExp,
  inner: (value: unknown, at: string) => T | undefined,
  problems: ManifestProblem[],
): Record<string, T> | undefined {
  if (!isObject(raw) || Object.keys(raw).length === 0) {
    problems.push({ field: at, message: `must be an object with at least one ${what} (or "${ANY}")` });
    return undefined;
  }
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(raw)) {
    const field = fieldPath(at, key);
    if (!pattern.test(key)) {
      problems.push({ field, message: `"${key}" is not a valid ${what} (expected "${ANY}" or ${pattern.source})` });
      continue;
    }
    const checked = inner(value, field);
    if (checked !== undefined) {
      out[key] = checked;
    }
  }
  return out;
}

/**
 * Validates a parsed manifest.json for the package `expected.name` version `expected.version`;
 * with `listing`, also that every path it names is in the archive.
 */
export function checkPackageManifest(
  raw: unknown,
  expected: { readonly name: string; readonly version: string },
  listing?: ArchiveListing,
): ManifestCheck {
  const problems: ManifestProblem[] = [];
  if (!isObject(raw)) {
    return { ok: false, problems: [{ field: '(root)', message: 'must be a JSON object' }] };
  }
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL_FIELDS.includes(key)) {
      problems.push({ field: key, message: `is not a manifest field (expected ${TOP_LEVEL_FIELDS.join(', ')})` });
    }
  }
  if (raw.schemaVersion !== MANIFEST_SCHEMA_VERSION) {
    problems.push({
      field: 'schemaVersion',
      message:
        raw.schemaVersion === undefined
          ? `is required and must be "${MANIFEST_SCHEMA_VERSION}"`
          : `must be "${MANIFEST_SCHEMA_VERSION}" (got ${JSON.stringify(raw.schemaVersion)})`,
    });
  }
  const name = optionalText(raw, 'name', 128, problems);
  if (name !== undefined && name !== expected.name) {
    problems.push({ field: 'name', message: `is "${name}" but the package is published as "${expected.name}"` });
  }
  const version = optionalText(raw, 'version', 128, problems);
  if (version !== undefined && version !== expected.version) {
    problems.push({
      field: 'version',
      message: `is "${version}" but the package is published as version "${expected.version}"`,
    });
  }
  const publisher = optionalText(raw, 'publisher', 256, problems);
  const description = optionalText(raw, 'description', 1024, problems);
  let entryCount = 0;
  const packages = checkLevel(
    raw.packages,
    'packages',
    'platform',
    PLATFORM_KEY,
    (versions, at) =>
      checkLevel(
        versions,
        at,
        'platform version',
        PLATFORM_VERSION_KEY,
        (architectures, versionAt) =>
          checkLevel(
            architectures,
            versionAt,
            'architecture',
            ARCHITECTURE_KEY,
            (entry, entryAt) => {
              entryCount += 1;
              return checkEntry(entry, entryAt, listing, problems);
            },
            problems,
          ),
        problems,
      ),
    problems,
  );
  if (entryCount > MAX_ENTRIES) {
    problems.push({ field: 'packages', message: `must have at most ${MAX_ENTRIES} entries (has ${entryCount})` });
  }
  if (problems.length > 0 || packages === undefined) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    manifest: {
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      ...(name === undefined ? {} : { name }),
      ...(version === undefined ? {} : { version }),
      ...(publisher === undefined ? {} : { publisher }),
      ...(description === undefined ? {} : { description }),
      packages,
    },
  };
}

/** One line per problem: `packages.linux._any.x86_64.install: "x.sh" is not in the archive`. */
export function describeManifestProblems(problems: readonly ManifestProblem[]): string {
  return problems.map((problem) => `${problem.field}: ${problem.message}`).join('; ');
}

/** The platform a node reports, as entry selection needs it. */
export interface NodePlatform {
  readonly platformType: PlatformType;
  /** e.g. "Ubuntu", "Debian GNU/Linux", "Amazon Linux", "macOS". */
  readonly platformName: string;
  /** e.g. "22.04". */
  readonly platformVersion: string;
  /** As `uname -m` says it: x86_64, arm64 / aarch64, i386. */
  readonly architecture: string;
}

export interface SelectedEntry {
  readonly entry: PackageEntry;
  readonly platform: string;
  readonly platformVersion: string;
  readonly architecture: string;
}

const FAMILY_KEYS: Record<PlatformType, readonly string[]> = {
  Linux: ['linux'],
  Windows: ['windows'],
  MacOS: ['macos', 'darwin'],
};

const ARCHITECTURE_ALIASES: Record<string, readonly string[]> = {
  x86_64: ['x86_64', 'amd64', 'x64'],
  amd64: ['x86_64', 'amd64', 'x64'],
  x64: ['x86_64', 'amd64', 'x64'],
  arm64: ['arm64', 'aarch64'],
  aarch64: ['arm64', 'aarch64'],
  i386: ['i386', 'i686', 'x86', '386'],
  i686: ['i386', 'i686', 'x86', '386'],
  ia32: ['i386', 'i686', 'x86', '386'],
};

/** Keys to try for a platform, most specific first: distribution, family, `_any`. */
function platformKeys(node: NodePlatform): string[] {
  const distribution = /^[A-Za-z][A-Za-z0-9]*/.exec(node.platformName.trim())?.[0]?.toLowerCase();
  return [...new Set([...(distribution === undefined ? [] : [distribution]), ...FAMILY_KEYS[node.platformType], ANY])];
}

/** `22.04.3` → `22.04.3`, `22.04`, `22`, `_any`. */
function versionKeys(platformVersion: string): string[] {
  const parts = platformVersion.trim().split('.');
  const keys: string[] = [];
  for (let length = parts.length; length > 0; length -= 1) {
    const key = parts.slice(0, length).join('.');
    if (key !== '') {
      keys.push(key);
    }
  }
  return [...new Set([...keys, ANY])];
}

function architectureKeys(architecture: string): string[] {
  const arch = architecture.trim().toLowerCase();
  return [...new Set([arch, ...(ARCHITECTURE_ALIASES[arch] ?? []), ANY])];
}

/**
 * The manifest entry for a node: the most specific platform key that has an entry for the node
 * (distribution name, then the family `linux` / `windows` / `macos`, then `_any`), inside it the
 * most specific platform version (exact, then ever shorter dotted prefixes, then `_any`), inside
 * that the architecture (exact or an alias such as amd64 for x86_64, then `_any`).
 */
export function selectPackageEntry(manifest: PackageManifest, node: NodePlatform): SelectedEntry | undefined {
  for (const platform of platformKeys(node)) {
    const versions = manifest.packages[platform];
    if (versions === undefined) {
      continue;
    }
    for (const platformVersion of versionKeys(node.platformVersion)) {
      const architectures = versions[platformVersion];
      if (architectures === undefined) {
        continue;
      }
      for (const architecture of architectureKeys(node.architecture)) {
        const entry = architectures[architecture];
        if (entry !== undefined) {
          return { entry, platform, platformVersion, architecture };
        }
      }
    }
  }
  return undefined;
}

/** Every entry's key as `platform/version/architecture`, for messages and listings. */
export function entryKeys(manifest: PackageManifest): string[] {
  return Object.entries(manifest.packages).flatMap(([platform, versions]) =>
    Object.entries(versions).flatMap(([version, architectures]) =>
      Object.keys(architectures).map((architecture) => `${platform}/${version}/${architecture}`),
    ),
  );
}
