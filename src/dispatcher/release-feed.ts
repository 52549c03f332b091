/**
 * The gateway's release side: answers an agent's `releaseRequest` (which version, its checksum and
 * size; no version is the latest) and `releaseChunkRequest` (up to RELEASE_CHUNK_BYTES of the
 * bundle from an offset) for `aws:updateSsmAgent`. Every request gets exactly one answer, an
 * error included; nothing here throws to the gateway.
 */
import type { AgentRelease } from '../domain/agent-release.js';
import type { AgentMessage, ServerMessage } from '../protocol/agent-protocol.js';
import type { Logger } from '../shared/logger.js';
import { errorAnswer } from './feed-answers.js';

/** Where the gateway finds agent releases (the agent release service). */
export interface AgentReleaseSource {
  /** A named release, or the latest when `version` is undefined. */
  find(version: string | undefined): Promise<AgentRelease | undefined>;
  /** Up to `length` bytes of a release's bundle from `offset`; undefined for an unknown version. */
  readChunk(version: string, offset: number, length: number): Promise<Uint8Array | undefined>;
}

export const NO_RELEASES: AgentReleaseSource = {
  find: () => Promise.resolve(undefined),
  readChunk: () => Promise.resolve(undefined),
};

type ReleaseRequest = Extract<AgentMessage, { type: 'releaseRequest' | 'releaseChunkRequest' }>;

export class ReleaseFeed {
  constructor(
    private readonly releases: AgentReleaseSource,
    private readonly logger: Logger,
  ) {}

  /** The answer to one release request from node `nodeId`. */
  async answer(nodeId: string, message: ReleaseRequest): Promise<ServerMessage> {
    try {
      return message.type === 'releaseRequest' ? await this.describe(message) : await this.chunk(message);
    } catch (error) {
      this.logger.error({ err: error, nodeId }, 'could not read an agent release');
      return errorAnswer(
        message,
        message.type === 'releaseRequest'
          ? 'The server could not read its agent releases; try again.'
          : 'The server could not read the release; try again.',
      );
    }
  }

  private async describe(message: Extract<ReleaseRequest, { type: 'releaseRequest' }>): Promise<ServerMessage> {
    const release = await this.releases.find(message.version);
    if (release === undefined) {
      return errorAnswer(
        message,
        message.version === undefined
          ? 'No agent release is published on the server.'
          : `Agent release ${message.version} is not published on the server.`,
      );
    }
    return {
      type: 'release',
      requestId: message.requestId,
      release: { version: release.version, sha256: release.sha256, sizeBytes: release.sizeBytes },
    };
  }

  private async chunk(message: Extract<ReleaseRequest, { type: 'releaseChunkRequest' }>): Promise<ServerMessage> {
    const chunk = await this.releases.readChunk(message.version, message.offset, message.length);
    if (chunk === undefined) {
      return errorAnswer(message, `Agent release ${message.version} is not published on the server.`);
    }
    return {
      type: 'releaseChunk',
      requestId: message.requestId,
      version: message.version,
      offset: message.offset,
      data: Buffer.from(chunk).toString('base64'),
    };
  }
}
