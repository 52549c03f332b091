/**
 * What an open node asks the gateway for, besides running commands: agent releases and packages
 * (release-feed.ts, package-feed.ts), answered through the node's outbox (node-outbox.ts) so
 * each request gets exactly one answer, an error included; and its inventory of installed
 * packages, recorded in the store.
 */
import type { AgentMessage } from '../protocol/agent-protocol.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';
import { errorAnswer, type FeedRequest } from './feed-answers.js';
import type { NodeOutbox } from './node-outbox.js';
import { PackageFeed } from './package-feed.js';
import { ReleaseFeed, type AgentReleaseSource } from './release-feed.js';

export class NodeRequests {
  private packageFeedInstance: PackageFeed | undefined;
  private releaseFeedInstance: ReleaseFeed | undefined;

  constructor(
    private readonly store: Store,
    private readonly releases: AgentReleaseSource,
    private readonly logger: Logger,
    private readonly maxRequestsPerNode: number,
  ) {}

  /** Records the node's inventory report; resolves once it is stored. */
  async recordInventory(nodeId: string, message: Extract<AgentMessage, { type: 'inventory' }>): Promise<void> {
    await this.packageFeed.recordInventory(nodeId, message);
  }

  /** Queues the answer to one request on the node's outbox, or answers at once that it is busy. */
  serve(outbox: NodeOutbox, nodeId: string, message: FeedRequest): void {
    const queued = outbox.serve(async () => {
      try {
        const answer =
          message.type === 'packageRequest' || message.type === 'packageChunkRequest'
            ? await this.packageFeed.answer(nodeId, message)
            : await this.releaseFeed.answer(nodeId, message);
        return JSON.stringify(answer);
      } catch (error) {
        // The feeds answer their own failures; this is a last resort so the request is answered.
        this.logger.error({ err: error, nodeId }, 'answering an agent request failed');
        return JSON.stringify(errorAnswer(message, 'The server could not answer this request; try again.'));
      }
    });
    if (!queued) {
      const limit = this.maxRequestsPerNode;
      this.logger.debug({ nodeId, type: message.type, limit }, 'agent request refused: too many outstanding');
      outbox.send(
        JSON.stringify(
          errorAnswer(
            message,
            `The server is already answering ${limit} requests of this node; ask again when one is answered.`,
          ),
        ),
      );
    }
  }

  /** Package requests and inventory reports (created on first use, over the gateway's store). */
  private get packageFeed(): PackageFeed {
    this.packageFeedInstance ??= new PackageFeed(this.store, this.logger);
    return this.packageFeedInstance;
  }

  /** Release requests (created on first use, over the gateway's release source). */
  private get releaseFeed(): ReleaseFeed {
    this.releaseFeedInstance ??= new ReleaseFeed(this.releases, this.logger);
    return this.releaseFeedInstance;
  }
}
