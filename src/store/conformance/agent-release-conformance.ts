/**
 * The agent release part of the store conformance suite (`describeStoreConformance` calls it
 * inside its own describe block, with the fresh store of each test).
 */
import { describe, expect, it } from 'vitest';
import type { AgentRelease } from '../../domain/agent-release.js';
import type { Store } from '../store.js';

const PUBLISHED_AT = Date.UTC(2024, 0, 15, 12, 0, 0);

function aRelease(version: string, overrides: Partial<AgentRelease> = {}): AgentRelease {
  return { version, sha256: 'ab'.repeat(32), sizeBytes: 3, publishedAt: PUBLISHED_AT, ...overrides };
}

export function describeAgentReleaseConformance(current: () => Store): void {
  describe('agent releases', () => {
    it('stores a release with its bundle and returns both exactly', async () => {
      const store = current();
      const bytes = new Uint8Array([0, 1, 2, 255, 10, 13]);
      const release = aRelease('1.2.0-rc.1', { sizeBytes: bytes.length, publishedAt: PUBLISHED_AT + 7 });
      expect(await store.insertAgentRelease(release, bytes)).toBe(true);
      expect(await store.getAgentRelease('1.2.0-rc.1')).toEqual(release);
      expect(await store.readAgentReleaseContent('1.2.0-rc.1')).toEqual(bytes);
    });

    it('keeps the first bundle of a version and reports that nothing was inserted', async () => {
      const store = current();
      await store.insertAgentRelease(aRelease('1.0.0'), new Uint8Array([1, 2, 3]));
      expect(await store.insertAgentRelease(aRelease('1.0.0', { sha256: 'cd'.repeat(32) }), new Uint8Array([9]))).toBe(
        false,
      );
      expect((await store.getAgentRelease('1.0.0'))?.sha256).toBe('ab'.repeat(32));
      expect(await store.readAgentReleaseContent('1.0.0')).toEqual(new Uint8Array([1, 2, 3]));
    });

    it('lists every release without its bundle and answers undefined for an unknown version', async () => {
      const store = current();
      await store.insertAgentRelease(aRelease('1.10.0'), new Uint8Array([1]));
      await store.insertAgentRelease(aRelease('1.9.0'), new Uint8Array([2]));
      const listed = await store.listAgentReleases();
      expect(listed.map((release) => release.version).sort()).toEqual(['1.10.0', '1.9.0']);
      expect(listed[0]).not.toHaveProperty('content');
      expect(await store.getAgentRelease('2.0.0')).toBeUndefined();
      expect(await store.readAgentReleaseContent('2.0.0')).toBeUndefined();
    });
  });
}
