/**
 * The gateway's package side: answers an agent's `packageRequest` (which version, its checksum,
 * size and manifest; a blank version is the latest by version order) and `packageChunkRequest`
 * (one stored piece of the archive), and records the `inventory` a node reports. Every request
 * gets exactly one answer, an error included; nothing here throws to the gateway.
 */
import type { ApplicationInventory } from '../domain/package.js';
import { compareVersions, latestVersion } from '../domain/package-version-order.js';
import type { AgentMessage, ServerMessage } from '../protocol/agent-protocol.js';
import type { Logger } from '../shared/logger.js';
import type { Store } from '../store/store.js';
import { errorAnswer } from './feed-answers.js';

type PackageRequest = Extract<AgentMessage, { type: 'packageRequest' | 'packageChunkRequest' }>;
type InventoryReport = Extract<AgentMessage, { type: 'inventory' }>;

export class PackageFeed {
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  /** The answer to one package request from node `nodeId`. */
  async answer(nodeId: string, message: PackageRequest): Promise<ServerMessage> {
    try {
      return message.type === 'packageRequest' ? await this.describe(message) : await this.chunk(message);
    } catch (error) {
      this.logger.error({ err: error, nodeId, name: message.name }, 'could not read the package store');
      return errorAnswer(message, 'The server could not read its package store; try again.');
    }
  }

  private async describe(message: Extract<PackageRequest, { type: 'packageRequest' }>): Promise<ServerMessage> {
    const { requestId, name } = message;
    let version = message.version;
    if (version === '') {
      const versions = await this.store.listPackageVersions(name);
      const latest = latestVersion(versions.map((candidate) => candidate.version));
      if (latest === undefined) {
        return { type: 'package', requestId, error: `Package ${name} is not published on the server.` };
      }
      version = latest;
    }
    const found = await this.store.getPackageVersion(name, version);
    if (found === undefined) {
      const others = (await this.store.listPackageVersions(name))
        .map((candidate) => candidate.version)
        .sort((a, b) => compareVersions(b, a));
      return {
        type: 'package',
        requestId,
        error:
          others.length === 0
            ? `Package ${name} is not published on the server.`
            : `Package ${name} has no version ${version} on the server (published: ${others.join(', ')}).`,
      };
    }
    return {
      type: 'package',
      requestId,
      package: {
        name: found.name,
        version: found.version,
        sha256: found.sha256,
        sizeBytes: found.sizeBytes,
        chunkCount: found.chunkCount,
        manifest: found.manifest as unknown as Record<string, unknown>,
      },
    };
  }

  private async chunk(message: Extract<PackageRequest, { type: 'packageChunkRequest' }>): Promise<ServerMessage> {
    const data = await this.store.readPackageChunk(message.name, message.version, message.index);
    if (data === undefined) {
      return errorAnswer(
        message,
        `Package ${message.name} ${message.version} has no piece ${message.index} on the server (deleted meanwhile?).`,
      );
    }
    const { requestId, name, version, index } = message;
    return { type: 'packageChunk', requestId, name, version, index, data: Buffer.from(data).toString('base64') };
  }

  /** Keeps what the node reports it has installed (the latest report wins). */
  async recordInventory(nodeId: string, message: InventoryReport): Promise<void> {
    const inventory: ApplicationInventory = {
      capturedAt: message.capturedAt,
      applications: message.applications.map((application) => ({
        name: application.name,
        version: application.version,
        installedAt: application.installedAt,
        ...(application.publisher === undefined ? {} : { publisher: application.publisher }),
        ...(application.architecture === undefined ? {} : { architecture: application.architecture }),
        ...(application.summary === undefined ? {} : { summary: application.summary }),
      })),
    };
    await this.store.putApplicationInventory(nodeId, inventory);
    this.logger.debug({ nodeId, applications: inventory.applications.length }, 'inventory recorded');
  }
}
