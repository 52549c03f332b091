/**
 * Fetches agent releases from the server over the worker's authenticated connection
 * (`releaseRequest` → `release`, `releaseChunkRequest` → `releaseChunk`), through the worker's
 * request channel (server-requests.ts: a request waits for a connection and is sent again after
 * a reconnect until answered or timed out). A download is checked against the size and SHA-256
 * the server announced before it is returned.
 */
import { createHash } from 'node:crypto';
import { RELEASE_CHUNK_BYTES, type ReleaseInfo } from '../protocol/agent-protocol.js';
import type { ServerRequests } from './server-requests.js';

/** A failure to get a release, in words for the step's output. */
export class ReleaseFetchError extends Error {
  override readonly name = 'ReleaseFetchError';
}

/** How long one request may wait for its answer (a connection may be coming back). */
export const RELEASE_REQUEST_TIMEOUT_MS = 60_000;

export class ReleaseClient {
  constructor(
    private readonly requests: Pick<ServerRequests, 'request'>,
    private readonly timeoutMs = RELEASE_REQUEST_TIMEOUT_MS,
  ) {}

  /** The release named `version`, or the latest when undefined. @throws ReleaseFetchError */
  async find(version: string | undefined, signal: AbortSignal): Promise<ReleaseInfo> {
    const answer = await this.requests.request(
      { type: 'releaseRequest', ...(version === undefined ? {} : { version }) },
      'release',
      { timeoutMs: this.timeoutMs, signal },
    );
    if (answer.release === undefined) {
      throw new ReleaseFetchError(answer.error ?? 'the server answered without a release');
    }
    if (version !== undefined && answer.release.version !== version) {
      throw new ReleaseFetchError(`the server answered with release ${answer.release.version}, not ${version}`);
    }
    return answer.release;
  }

  /** Downloads a release and checks its size and SHA-256. @throws ReleaseFetchError */
  async download(release: ReleaseInfo, signal: AbortSignal): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let offset = 0;
    while (offset < release.sizeBytes) {
      const length = Math.min(RELEASE_CHUNK_BYTES, release.sizeBytes - offset);
      const answer = await this.requests.request(
        { type: 'releaseChunkRequest', version: release.version, offset, length },
        'releaseChunk',
        { timeoutMs: this.timeoutMs, signal },
      );
      if (answer.data === undefined) {
        throw new ReleaseFetchError(answer.error ?? 'the server answered without data');
      }
      const data = Buffer.from(answer.data, 'base64');
      if (answer.version !== release.version || answer.offset !== offset || data.length === 0 || data.length > length) {
        throw new ReleaseFetchError(
          `the server sent ${data.length} bytes of ${answer.version} at offset ${answer.offset} for ${length} bytes of ${release.version} at ${offset}`,
        );
      }
      chunks.push(data);
      offset += data.length;
    }
    const bundle = Buffer.concat(chunks);
    const sha256 = createHash('sha256').update(bundle).digest('hex');
    if (bundle.length !== release.sizeBytes || sha256 !== release.sha256) {
      throw new ReleaseFetchError(
        `checksum mismatch: expected ${release.sizeBytes} bytes with sha256 ${release.sha256}, got ${bundle.length} bytes with sha256 ${sha256}`,
      );
    }
    return bundle;
  }
}
