import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlreadyExistsError, NotFoundError, ValidationError } from '../domain/errors.js';
import { PACKAGE_CHUNK_BYTES } from '../domain/package.js';
import type { Clock } from '../shared/clock.js';
import { silentLogger } from '../shared/logger.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { InventoryService } from './inventory-service.js';
import { readPackageArchive } from './package-archive.js';
import { contentStream } from './uploaded-file.js';
import { PackageService } from './package-service.js';
import { DEFAULT_QUOTAS } from './service-context.js';

let now = Date.UTC(2024, 0, 15, 12, 0, 0);
const clock: Clock = { now: () => new Date(now), sleep: () => Promise.resolve() };

let directory: string;
let store: Store;
let packages: PackageService;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'mado-packages-'));
  store = openSqliteStore({ filename: join(directory, 'mado.db') }, now).store;
  const ctx = { store, clock, logger: silentLogger, quotas: DEFAULT_QUOTAS, accountId: '123456789012' };
  packages = new PackageService(ctx);
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

const MANIFEST = {
  schemaVersion: '1.0',
  publisher: 'Tests',
  packages: { linux: { _any: { _any: { install: 'install.sh', uninstall: 'uninstall.sh' } } } },
};

/** A .tar.gz of the files given (path → content; a path ending in "@" becomes a symlink). */
async function archive(files: Record<string, string>): Promise<Buffer> {
  const source = mkdtempSync(join(directory, 'src-'));
  for (const [path, content] of Object.entries(files)) {
    const target = join(source, path.replace(/@$/, ''));
    mkdirSync(join(target, '..'), { recursive: true });
    if (path.endsWith('@')) {
      symlinkSync(content, target);
    } else {
      writeFileSync(target, content);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of createTar(
    { gzip: true, cwd: source, portable: true },
    readdirSync(source),
  ) as AsyncIterable<Buffer>) {
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

const validPackage = (manifest: unknown = MANIFEST) =>
  archive({ 'manifest.json': JSON.stringify(manifest), 'install.sh': 'echo i', 'uninstall.sh': 'echo u' });

async function thrown(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('PackageService.publish', () => {
  it('stores the version with its checksum and validated manifest, in pieces', async () => {
    const bytes = await validPackage();
    const published = await packages.publish('sample', '1.0.0', bytes);
    expect(published).toEqual({
      name: 'sample',
      version: '1.0.0',
      manifest: MANIFEST,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sizeBytes: bytes.length,
      chunkCount: Math.ceil(bytes.length / PACKAGE_CHUNK_BYTES),
      createdAt: now,
    });
    expect(await store.readPackageChunk('sample', '1.0.0', 0)).toEqual(new Uint8Array(bytes));
  });

  it('refuses a version that exists, whatever its content', async () => {
    await packages.publish('sample', '1.0.0', await validPackage());
    const error = await thrown(
      packages.publish('sample', '1.0.0', await validPackage({ ...MANIFEST, publisher: 'X' })),
    );
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(error.message).toBe(
      'Package sample version 1.0.0 already exists; versions cannot be replaced (delete it first, or publish a new version).',
    );
  });

  it.each([
    ['a name with a slash', 'a/b', '1.0.0', 'name'],
    ['a version with a space', 'sample', '1 0', 'version'],
    ['an empty version', 'sample', '', 'version'],
  ])('refuses %s, naming the field', async (_what, name, version, field) => {
    const error = await thrown(packages.publish(name, version, await validPackage()));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).violations[0]?.field).toBe(field);
  });

  it.each([
    ['an empty archive', async () => Buffer.alloc(0), 'The archive is empty.'],
    ['text', async () => Buffer.from('hello'), 'The archive is not a gzip-compressed tar file (.tar.gz).'],
    [
      'a symbolic link',
      () => archive({ 'manifest.json': '{}', 'evil@': '/etc/passwd' }),
      'The archive entry "evil" is a SymbolicLink; a package may hold only files and directories (no links or devices).',
    ],
  ])('refuses %s as InvalidPackageArchive', async (_what, make, message) => {
    const error = await thrown(packages.publish('sample', '1.0.0', await make()));
    expect(error).toMatchObject({ reason: 'PackageArchive', message });
  });

  it('refuses an archive whose checksum is not the one given', async () => {
    const error = await thrown(packages.publish('sample', '1.0.0', await validPackage(), 'ab'.repeat(32)));
    expect(error).toMatchObject({ reason: 'PackageArchive' });
    expect(error.message).toContain('it was changed or cut short in transit');
  });

  it.each([
    [
      'no manifest.json',
      () => archive({ 'install.sh': 'x' }),
      'manifest.json: the archive has no manifest.json at its root',
    ],
    [
      'a manifest that is not JSON',
      () => archive({ 'manifest.json': '{schemaVersion' }),
      'manifest.json: is not valid JSON',
    ],
    [
      'a manifest nested 10,000 deep',
      () => archive({ 'manifest.json': `{"schemaVersion":${'['.repeat(10_000)}${']'.repeat(10_000)}}` }),
      'manifest.json: is nested deeper than 64 levels.',
    ],
    [
      'a manifest naming a missing script',
      () => archive({ 'manifest.json': JSON.stringify(MANIFEST), 'install.sh': 'x' }),
      'manifest.json: packages.linux._any._any.uninstall: "uninstall.sh" is not in the archive',
    ],
    [
      'a manifest for another version',
      () => validPackage({ ...MANIFEST, version: '9.9.9' }),
      'manifest.json: version: is "9.9.9" but the package is published as version "1.0.0"',
    ],
  ])('refuses %s as InvalidPackageManifest, naming the field', async (_what, make, message) => {
    const error = await thrown(packages.publish('sample', '1.0.0', await make()));
    expect(error).toMatchObject({ reason: 'PackageManifest' });
    expect(error.message).toContain(message);
    expect(await store.listPackageVersions()).toEqual([]);
  });
});

describe('PackageService listings', () => {
  beforeEach(async () => {
    for (const version of ['1.9.0', '1.10.0', '1.2.0']) {
      now += 1000;
      await packages.publish('sample', version, await validPackage());
    }
    await packages.publish('other', '0.1.0', await validPackage({ ...MANIFEST, description: 'Other' }));
  });

  it('resolves a blank version to the latest by version order, not by publication time', async () => {
    expect((await packages.getVersion('sample', '')).version).toBe('1.10.0');
    expect((await packages.getVersion('sample')).version).toBe('1.10.0');
    expect((await packages.getVersion('sample', '1.2.0')).version).toBe('1.2.0');
  });

  it('lists versions newest first and packages by name', async () => {
    expect((await packages.listVersions('sample')).map((version) => version.version)).toEqual([
      '1.10.0',
      '1.9.0',
      '1.2.0',
    ]);
    expect(await packages.listPackages()).toEqual([
      expect.objectContaining({ name: 'other', latestVersion: '0.1.0', versionCount: 1, description: 'Other' }),
      expect.objectContaining({ name: 'sample', latestVersion: '1.10.0', versionCount: 3, publisher: 'Tests' }),
    ]);
    expect((await packages.listPackages('sam')).map((summary) => summary.name)).toEqual(['sample']);
  });

  it('names what is missing', async () => {
    expect(await thrown(packages.getVersion('nope'))).toEqual(new NotFoundError('Package', 'nope'));
    const error = await thrown(packages.getVersion('sample', '3.0.0'));
    expect(error).toMatchObject({ resource: 'PackageVersion' });
    expect(error.message).toBe('Package sample has no version 3.0.0 (it has 1.10.0, 1.9.0, 1.2.0).');
  });

  it('deletes a version, and the package with its last version', async () => {
    await packages.deleteVersion('other', '0.1.0');
    expect((await packages.listPackages()).map((summary) => summary.name)).toEqual(['sample']);
    await expect(packages.deleteVersion('other', '0.1.0')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('readPackageArchive', () => {
  it('lists files and their parent directories and reads the manifest', async () => {
    const reading = await readPackageArchive(
      contentStream(await archive({ 'manifest.json': '{"a":1}', 'bin/tool': 'x', 'install.sh': 'y' })),
    );
    expect(reading).toEqual({
      ok: true,
      listing: new Map([
        ['bin', 'directory'],
        ['bin/tool', 'file'],
        ['install.sh', 'file'],
        ['manifest.json', 'file'],
      ]),
      manifestText: '{"a":1}',
    });
  });
});

describe('InventoryService', () => {
  const NODE = 'mi-0123456789abcdef0';
  let inventory: InventoryService;

  beforeEach(async () => {
    inventory = new InventoryService({ store, clock, logger: silentLogger, quotas: DEFAULT_QUOTAS, accountId: '1' });
    await store.registerManagedNode(
      { instanceId: NODE, activationId: 'a', iamRole: 'r', publicKey: 'k', registeredAt: now },
      new Map(),
    );
  });

  it('answers an empty list before the node reported anything', async () => {
    expect(await inventory.listApplications(NODE, 'AWS:Application')).toEqual({ entries: [] });
  });

  it('shows the reported packages as AWS:Application entries, filtered', async () => {
    await store.putApplicationInventory(NODE, {
      capturedAt: now,
      applications: [
        { name: 'zeta', version: '1.0.0', installedAt: Date.UTC(2024, 0, 1, 9, 30, 0, 250), publisher: 'Z' },
        { name: 'alpha', version: '2.0.0', installedAt: Date.UTC(2024, 0, 2), architecture: 'x86_64' },
      ],
    });
    const all = await inventory.listApplications(NODE, 'AWS:Application');
    expect(all.entries).toEqual([
      {
        Name: 'alpha',
        Version: '2.0.0',
        ApplicationType: 'Mado package',
        InstalledTime: '2024-01-02T00:00:00Z',
        PackageId: 'alpha-2.0.0',
        Architecture: 'x86_64',
      },
      {
        Name: 'zeta',
        Version: '1.0.0',
        ApplicationType: 'Mado package',
        InstalledTime: '2024-01-01T09:30:00Z',
        PackageId: 'zeta-1.0.0',
        Publisher: 'Z',
      },
    ]);
    const filtered = await inventory.listApplications(NODE, 'AWS:Application', [
      { key: 'AWS:Application.Name', values: ['ze'], type: 'BeginWith' },
    ]);
    expect(filtered.entries.map((entry) => entry.Name)).toEqual(['zeta']);
    const exists = await inventory.listApplications(NODE, 'AWS:Application', [
      { key: 'Publisher', values: ['x'], type: 'Exists' },
    ]);
    expect(exists.entries.map((entry) => entry.Name)).toEqual(['zeta']);
  });

  it('refuses other inventory types, unknown attributes and unknown nodes', async () => {
    await expect(inventory.listApplications(NODE, 'AWS:Network')).rejects.toMatchObject({
      reason: 'InventoryType',
    });
    await expect(
      inventory.listApplications(NODE, 'AWS:Application', [{ key: 'Colour', values: ['x'], type: 'Equal' }]),
    ).rejects.toMatchObject({ reason: 'BadFilter' });
    await expect(inventory.listApplications('mi-00000000000000000', 'AWS:Application')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});
