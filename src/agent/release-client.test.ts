import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RELEASE_CHUNK_BYTES, type ReleaseInfo } from '../protocol/agent-protocol.js';
import { ReleaseClient, ReleaseFetchError } from './release-client.js';
import type { ServerRequests } from './server-requests.js';

type Request = Parameters<ServerRequests['request']>[0];

/** Answers release requests from `bundles`, recording the chunk requests. */
function serverOf(bundles: Record<string, Buffer>, tamper?: (data: Buffer) => Buffer) {
  const asked: Request[] = [];
  const requests = {
    request: (message: Request) => {
      asked.push(message);
      if (message.type === 'releaseRequest') {
        const versions = Object.keys(bundles);
        const version = message.version ?? versions.at(-1);
        const bundle = version === undefined ? undefined : bundles[version];
        return Promise.resolve(
          bundle === undefined
            ? { type: 'release', requestId: 'r', error: `Agent release ${version} is not published on the server.` }
            : {
                type: 'release',
                requestId: 'r',
                release: {
                  version,
                  sha256: createHash('sha256').update(bundle).digest('hex'),
                  sizeBytes: bundle.length,
                },
              },
        );
      }
      if (message.type === 'releaseChunkRequest') {
        const data = bundles[message.version]!.subarray(message.offset, message.offset + message.length);
        return Promise.resolve({
          type: 'releaseChunk',
          requestId: 'r',
          version: message.version,
          offset: message.offset,
          data: (tamper?.(data) ?? data).toString('base64'),
        });
      }
      return Promise.reject(new Error(`unexpected ${message.type}`));
    },
  } as unknown as Pick<ServerRequests, 'request'>;
  return { requests, asked };
}

const signal = new AbortController().signal;

describe('release client', () => {
  it('finds the latest or a named release and says why one is missing', async () => {
    const { requests } = serverOf({ '1.0.0': Buffer.from('a'), '1.1.0': Buffer.from('b') });
    const client = new ReleaseClient(requests);
    expect((await client.find(undefined, signal)).version).toBe('1.1.0');
    expect((await client.find('1.0.0', signal)).version).toBe('1.0.0');
    await expect(client.find('2.0.0', signal)).rejects.toThrow(
      new ReleaseFetchError('Agent release 2.0.0 is not published on the server.'),
    );
  });

  it('downloads a bundle larger than one chunk piece by piece and checks it', async () => {
    const bundle = Buffer.alloc(RELEASE_CHUNK_BYTES * 2 + 10, 7);
    const { requests, asked } = serverOf({ '1.1.0': bundle });
    const client = new ReleaseClient(requests);
    const release = await client.find('1.1.0', signal);
    expect((await client.download(release, signal)).equals(bundle)).toBe(true);
    expect(asked.filter((message) => message.type === 'releaseChunkRequest')).toEqual([
      { type: 'releaseChunkRequest', version: '1.1.0', offset: 0, length: RELEASE_CHUNK_BYTES },
      { type: 'releaseChunkRequest', version: '1.1.0', offset: RELEASE_CHUNK_BYTES, length: RELEASE_CHUNK_BYTES },
      { type: 'releaseChunkRequest', version: '1.1.0', offset: RELEASE_CHUNK_BYTES * 2, length: 10 },
    ]);
  });

  it('refuses a bundle whose bytes do not match the announced checksum', async () => {
    const { requests } = serverOf({ '1.1.0': Buffer.from('the real bundle') }, (data) =>
      Buffer.from(data.toString().toUpperCase()),
    );
    const client = new ReleaseClient(requests);
    const release: ReleaseInfo = await client.find('1.1.0', signal);
    await expect(client.download(release, signal)).rejects.toThrow(/checksum mismatch: expected 15 bytes with sha256/);
  });
});
