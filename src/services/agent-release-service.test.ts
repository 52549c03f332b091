import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../domain/errors.js';
import { FakeClock } from '../shared/fake-clock.js';
import { silentLogger } from '../shared/logger.js';
import { openSqliteStore } from '../store/sqlite/sqlite-store.js';
import type { Store } from '../store/store.js';
import { AgentReleaseService } from './agent-release-service.js';
import { DEFAULT_QUOTAS } from './service-context.js';

const NOW = Date.parse('2024-01-15T12:00:00Z');

let directory: string;
let store: Store;
let clock: FakeClock;
let releases: AgentReleaseService;

function bundle(version: string | undefined, body = 'console.log("agent");'): Buffer {
  const marker = version === undefined ? '' : `// mado-agent-version: ${version}\n`;
  return Buffer.from(`#!/usr/bin/env node\n${marker}${body}\n`);
}

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'mado-release-service-'));
  store = openSqliteStore({ filename: join(directory, 'mado.db') }, NOW).store;
  clock = new FakeClock(NOW);
  releases = new AgentReleaseService(
    { store, clock, logger: silentLogger, quotas: DEFAULT_QUOTAS, accountId: '123456789012' },
    { maxBundleBytes: 1024 },
  );
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

describe('AgentReleaseService', () => {
  it('publishes a bundle under the version its marker declares, with its checksum and size', async () => {
    const content = bundle('1.1.0');
    const outcome = await releases.publish(content);
    expect(outcome).toEqual({
      created: true,
      release: {
        version: '1.1.0',
        sha256: createHash('sha256').update(content).digest('hex'),
        sizeBytes: content.length,
        publishedAt: NOW,
      },
    });
  });

  it('takes the given version for a bundle without a marker and refuses one without either', async () => {
    expect((await releases.publish(bundle(undefined), '2.0.0')).release.version).toBe('2.0.0');
    await expect(releases.publish(bundle(undefined, 'other'))).rejects.toThrow(/declares no version/);
  });

  it('refuses a version that contradicts the bundle’s marker, naming both', async () => {
    await expect(releases.publish(bundle('1.1.0'), '1.2.0')).rejects.toThrow(
      'The bundle declares version 1.1.0, not 1.2.0: a node would report 1.1.0 after installing it.',
    );
  });

  it('refuses malformed versions, empty and oversized bundles', async () => {
    for (const version of ['1.0', 'v1.0.0', '1.0.0; rm -rf /', '1.0.0+build']) {
      await expect(releases.publish(bundle(undefined), version), version).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(releases.publish(new Uint8Array(0), '1.0.0')).rejects.toThrow('The bundle is empty.');
    await expect(releases.publish(new Uint8Array(1025), '1.0.0')).rejects.toThrow(/at most 1024 are accepted/);
  });

  it('accepts the same bundle again without change and refuses other bytes under a published version', async () => {
    await releases.publish(bundle('1.1.0'));
    clock.set(new Date(NOW + 60_000));
    expect(await releases.publish(bundle('1.1.0'))).toMatchObject({ created: false, release: { publishedAt: NOW } });
    await expect(releases.publish(bundle('1.1.0', 'changed'))).rejects.toThrow(
      /Agent release 1.1.0 is already published with other content/,
    );
  });

  it('lists releases newest version first and marks the latest, whatever the publication order', async () => {
    for (const version of ['1.9.0', '1.10.0', '1.10.0-rc.1', '1.0.0']) {
      await releases.publish(bundle(version));
    }
    const listed = await releases.list();
    expect(listed.map((release) => [release.version, release.isLatest])).toEqual([
      ['1.10.0', true],
      ['1.10.0-rc.1', false],
      ['1.9.0', false],
      ['1.0.0', false],
    ]);
    expect(await releases.latestVersion()).toBe('1.10.0');
    expect((await releases.find(undefined))?.version).toBe('1.10.0');
    expect((await releases.find('1.9.0'))?.version).toBe('1.9.0');
    expect(await releases.find('3.0.0')).toBeUndefined();
  });

  it('has no latest version before anything is published', async () => {
    expect(await releases.latestVersion()).toBeUndefined();
    expect(await releases.list()).toEqual([]);
  });

  it('serves a bundle in chunks, the last one short, and nothing for an unknown version', async () => {
    const content = bundle('1.1.0', 'x'.repeat(100));
    await releases.publish(content);
    const first = await releases.readChunk('1.1.0', 0, 50);
    const rest = await releases.readChunk('1.1.0', 50, 1000);
    expect(Buffer.concat([first!, rest!]).equals(content)).toBe(true);
    expect(await releases.readChunk('1.1.0', content.length, 10)).toHaveLength(0);
    expect(await releases.readChunk('9.9.9', 0, 10)).toBeUndefined();
  });

  it('publishes the server’s own bundle at start once, and logs rather than fails on a conflict', async () => {
    expect((await releases.publishOwnBundle(bundle('1.0.0'), '9.9.9'))?.version).toBe('1.0.0');
    expect((await releases.publishOwnBundle(bundle('1.0.0'), '9.9.9'))?.version).toBe('1.0.0');
    expect(await releases.publishOwnBundle(bundle('1.0.0', 'rebuilt without a version bump'), '9.9.9')).toBeUndefined();
    expect(await releases.list()).toHaveLength(1);
    // A bundle without a version line is taken to be the server's own version.
    expect((await releases.publishOwnBundle(bundle(undefined), '1.0.1'))?.version).toBe('1.0.1');
  });
});
