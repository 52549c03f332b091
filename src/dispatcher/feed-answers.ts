/**
 * The requests a node may make over its connection (agent releases and packages, each with a
 * `requestId`) and the error answer of each: every request gets exactly one answer of its own
 * answer type, so an error answer ends the agent's wait with a message instead of a timeout.
 */
import type { AgentMessage, ServerMessage } from '../protocol/agent-protocol.js';

export type FeedRequest = Extract<
  AgentMessage,
  { type: 'releaseRequest' | 'releaseChunkRequest' | 'packageRequest' | 'packageChunkRequest' }
>;

/** The answer to `message` that carries `error` instead of data. */
export function errorAnswer(message: FeedRequest, error: string): ServerMessage {
  const { requestId } = message;
  switch (message.type) {
    case 'releaseRequest':
      return { type: 'release', requestId, error };
    case 'releaseChunkRequest':
      return { type: 'releaseChunk', requestId, version: message.version, offset: message.offset, error };
    case 'packageRequest':
      return { type: 'package', requestId, error };
    case 'packageChunkRequest':
      return {
        type: 'packageChunk',
        requestId,
        name: message.name,
        version: message.version,
        index: message.index,
        error,
      };
  }
}
