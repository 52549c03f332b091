/**
 * Agent releases (issue 5, item 3): publishing bundles, listing them newest first, and serving
 * them to nodes in chunks (the agent gateway reads through `find` and `readChunk`).
 *
 * A release's version comes from the caller or from the bundle's marker line
 * (`BUNDLE_VERSION_MARKER`, written by scripts/build-agent.mjs); when both are present they
 * must agree, because the version a node reports after updating is the one inside the bundle.
 * Releases are immutable: publishing a known version again is accepted only with the same
 * bytes (and changes nothing).
 */
import { createHash } from 'node:crypto';
import {
  bundleVersionOf,
  isAgentVersion,
  latestOf,
  MAX_AGENT_VERSION_LENGTH,
  newestFirst,
  type AgentRelease,
} from '../domain/agent-release.js';
import { ValidationError } from '../domain/errors.js';
import type { ServiceContext } from './service-context.js';
import { contentBytes, contentSize, type UploadContent } from './uploaded-file.js';

export interface AgentReleaseOptions {
  /** Largest bundle accepted (MADO_MAX_UPLOAD_BYTES). */
  readonly maxBundleBytes: number;
}

export const DEFAULT_AGENT_RELEASE_OPTIONS = {
  maxBundleBytes: 32 * 1024 * 1024,
} as const satisfies AgentReleaseOptions;

export interface AgentReleaseView extends AgentRelease {
  /** The newest release by version: what a blank AWS-UpdateSSMAgent version installs. */
  readonly isLatest: boolean;
}

export interface PublishOutcome {
  readonly release: AgentRelease;
  /** False when this exact bundle was already published under this version. */
  readonly created: boolean;
}

/** Bundles kept in memory for chunked downloads: the ones a fleet update reads over and over. */
const CACHED_BUNDLES = 2;

export class AgentReleaseService {
  private readonly cache = new Map<string, Uint8Array>();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly options: AgentReleaseOptions = DEFAULT_AGENT_RELEASE_OPTIONS,
  ) {}

  /**
   * Publishes a bundle as `version` (default: the version its marker line declares).
   * @throws ValidationError for an empty or oversized bundle, a missing or malformed version, a
   *   version that contradicts the bundle's marker, or a version already published with other bytes.
   */
  async publish(upload: UploadContent, version?: string): Promise<PublishOutcome> {
    const sizeBytes = contentSize(upload);
    if (sizeBytes === 0) {
      throw ValidationError.field('content', 'The bundle is empty.');
    }
    if (sizeBytes > this.options.maxBundleBytes) {
      throw ValidationError.field(
        'content',
        `The bundle has ${sizeBytes} bytes; at most ${this.options.maxBundleBytes} are accepted (limit MADO_MAX_UPLOAD_BYTES=${this.options.maxBundleBytes}).`,
      );
    }
    // A bundle is one file (no archive to unpack); the store keeps it whole, within the limit above.
    const content = await contentBytes(upload);
    const marked = bundleVersionOf(Buffer.from(content.subarray(0, 1024)).toString('utf8'));
    const chosen = version ?? marked;
    if (chosen === undefined) {
      throw ValidationError.field(
        'version',
        'The bundle declares no version (it has no "// mado-agent-version:" line after its #! line); give the version explicitly.',
      );
    }
    if (!isAgentVersion(chosen)) {
      throw ValidationError.field(
        'version',
        `Member must be an agent version: 3 or 4 numbers separated by dots, optionally followed by -pre.release (e.g. 1.2.0, 3.2.1798.0, 1.2.0-rc.1), at most ${MAX_AGENT_VERSION_LENGTH} characters`,
        chosen,
      );
    }
    if (marked !== undefined && marked !== chosen) {
      throw ValidationError.field(
        'version',
        `The bundle declares version ${marked}, not ${chosen}: a node would report ${marked} after installing it. Publish it as ${marked}, or build it with --version ${chosen}.`,
        chosen,
      );
    }
    const release: AgentRelease = {
      version: chosen,
      sha256: createHash('sha256').update(content).digest('hex'),
      sizeBytes: content.length,
      publishedAt: this.ctx.clock.now().getTime(),
    };
    if (await this.ctx.store.insertAgentRelease(release, content)) {
      this.ctx.logger.info({ version: release.version, sha256: release.sha256 }, 'agent release published');
      return { release, created: true };
    }
    const existing = await this.ctx.store.getAgentRelease(chosen);
    if (existing !== undefined && existing.sha256 === release.sha256) {
      return { release: existing, created: false };
    }
    throw ValidationError.field(
      'version',
      `Agent release ${chosen} is already published with other content (sha256 ${existing?.sha256 ?? 'unknown'}). Releases never change: publish the new bundle under a new version.`,
      chosen,
    );
  }

  /**
   * At server start: publishes the server's own agent bundle unless its version is known, under
   * the version the bundle declares (`fallbackVersion`, the server's AGENT_VERSION, for a bundle
   * that declares none). A known version with other bytes (a rebuild without a version bump) is
   * kept as it was and logged, since nodes may already run it.
   */
  async publishOwnBundle(content: Uint8Array, fallbackVersion: string): Promise<AgentRelease | undefined> {
    const declared = bundleVersionOf(Buffer.from(content.subarray(0, 1024)).toString('utf8'));
    try {
      const outcome = await this.publish(content, declared === undefined ? fallbackVersion : undefined);
      return outcome.release;
    } catch (error) {
      if (error instanceof ValidationError) {
        this.ctx.logger.warn({ reason: error.message }, "the server's own agent bundle was not published");
        return undefined;
      }
      throw error;
    }
  }

  /** Every release, newest version first. */
  async list(): Promise<AgentReleaseView[]> {
    const releases = newestFirst(await this.ctx.store.listAgentReleases());
    return releases.map((release, index) => ({ ...release, isLatest: index === 0 }));
  }

  async latest(): Promise<AgentRelease | undefined> {
    return latestOf(await this.ctx.store.listAgentReleases());
  }

  /** The newest version, for IsLatestVersion in DescribeInstanceInformation. */
  async latestVersion(): Promise<string | undefined> {
    return (await this.latest())?.version;
  }

  /** A named release, or the latest when `version` is undefined. */
  async find(version: string | undefined): Promise<AgentRelease | undefined> {
    return version === undefined ? this.latest() : this.ctx.store.getAgentRelease(version);
  }

  /** Up to `length` bytes of a release's bundle from `offset`; undefined for an unknown version. */
  async readChunk(version: string, offset: number, length: number): Promise<Uint8Array | undefined> {
    let bundle = this.cache.get(version);
    if (bundle === undefined) {
      bundle = await this.ctx.store.readAgentReleaseContent(version);
      if (bundle === undefined) {
        return undefined;
      }
      this.cache.set(version, bundle);
      while (this.cache.size > CACHED_BUNDLES) {
        this.cache.delete(this.cache.keys().next().value!);
      }
    } else {
      // Most recently used last.
      this.cache.delete(version);
      this.cache.set(version, bundle);
    }
    return bundle.subarray(Math.min(offset, bundle.length), Math.min(offset + length, bundle.length));
  }
}
