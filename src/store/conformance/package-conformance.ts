/**
 * The package store and inventory part of the store conformance suite (`describeStoreConformance`
 * calls it inside its own describe block, with the fresh store of each test).
 */
import { describe, expect, it } from 'vitest';
import type { ApplicationInventory, PackageVersion } from '../../domain/package.js';
import type { Store } from '../store.js';

const PUBLISHED_AT = Date.UTC(2024, 0, 15, 12, 0, 0);

function aPackageVersion(name: string, version: string, overrides: Partial<PackageVersion> = {}): PackageVersion {
  return {
    name,
    version,
    manifest: {
      schemaVersion: '1.0',
      publisher: 'Example Corp',
      packages: {
        linux: { _any: { _any: { install: 'install.sh', uninstall: 'uninstall.sh', update: 'update.sh' } } },
      },
    },
    sha256: 'ab'.repeat(32),
    sizeBytes: 6,
    chunkCount: 2,
    createdAt: PUBLISHED_AT,
    ...overrides,
  };
}

const CHUNKS = [new Uint8Array([0, 1, 2, 255]), new Uint8Array([10, 13])];

export function describePackageConformance(current: () => Store): void {
  describe('packages', () => {
    it('stores a version with its archive pieces and returns them exactly', async () => {
      const store = current();
      const version = aPackageVersion('metrics-agent', '1.0.0', { createdAt: PUBLISHED_AT + 7 });
      await store.insertPackageVersion(version, CHUNKS);
      expect(await store.getPackageVersion('metrics-agent', '1.0.0')).toEqual(version);
      expect(await store.readPackageChunk('metrics-agent', '1.0.0', 0)).toEqual(CHUNKS[0]);
      expect(await store.readPackageChunk('metrics-agent', '1.0.0', 1)).toEqual(CHUNKS[1]);
      expect(await store.readPackageChunk('metrics-agent', '1.0.0', 2)).toBeUndefined();
    });

    it('refuses a version that is stored already and keeps the first one', async () => {
      const store = current();
      await store.insertPackageVersion(aPackageVersion('p', '1.0.0'), CHUNKS);
      await expect(
        store.insertPackageVersion(aPackageVersion('p', '1.0.0', { sha256: 'cd'.repeat(32) }), [new Uint8Array([9])]),
      ).rejects.toThrow();
      expect((await store.getPackageVersion('p', '1.0.0'))?.sha256).toBe('ab'.repeat(32));
      expect(await store.readPackageChunk('p', '1.0.0', 0)).toEqual(CHUNKS[0]);
    });

    it('lists versions by package, then publication time, optionally of one package', async () => {
      const store = current();
      await store.insertPackageVersion(aPackageVersion('b', '2.0.0', { createdAt: PUBLISHED_AT + 2 }), CHUNKS);
      await store.insertPackageVersion(aPackageVersion('a', '1.0.0', { createdAt: PUBLISHED_AT + 1 }), CHUNKS);
      await store.insertPackageVersion(aPackageVersion('b', '10.0.0', { createdAt: PUBLISHED_AT + 1 }), CHUNKS);
      const all = await store.listPackageVersions();
      expect(all.map((version) => `${version.name}@${version.version}`)).toEqual(['a@1.0.0', 'b@10.0.0', 'b@2.0.0']);
      expect((await store.listPackageVersions('b')).map((version) => version.version)).toEqual(['10.0.0', '2.0.0']);
      expect(await store.listPackageVersions('none')).toEqual([]);
    });

    it('deletes a version with its archive and leaves the others', async () => {
      const store = current();
      await store.insertPackageVersion(aPackageVersion('p', '1.0.0'), CHUNKS);
      await store.insertPackageVersion(aPackageVersion('p', '2.0.0'), CHUNKS);
      expect(await store.deletePackageVersion('p', '1.0.0')).toBe(true);
      expect(await store.deletePackageVersion('p', '1.0.0')).toBe(false);
      expect(await store.getPackageVersion('p', '1.0.0')).toBeUndefined();
      expect(await store.readPackageChunk('p', '1.0.0', 0)).toBeUndefined();
      expect(await store.readPackageChunk('p', '2.0.0', 1)).toEqual(CHUNKS[1]);
    });

    it('keeps the last application inventory a node reported', async () => {
      const store = current();
      expect(await store.getApplicationInventory('mi-00000000000000001')).toBeUndefined();
      const first: ApplicationInventory = {
        capturedAt: PUBLISHED_AT,
        applications: [{ name: 'metrics-agent', version: '1.0.0', installedAt: PUBLISHED_AT - 5, publisher: 'X' }],
      };
      const second: ApplicationInventory = {
        capturedAt: PUBLISHED_AT + 60_000,
        applications: [
          { name: 'metrics-agent', version: '2.0.0', installedAt: PUBLISHED_AT + 50_000, architecture: 'x86_64' },
        ],
      };
      await store.putApplicationInventory('mi-00000000000000001', first);
      await store.putApplicationInventory('mi-00000000000000002', first);
      await store.putApplicationInventory('mi-00000000000000001', second);
      expect(await store.getApplicationInventory('mi-00000000000000001')).toEqual(second);
      expect(await store.getApplicationInventory('mi-00000000000000002')).toEqual(first);
    });
  });
}
