/** Agent releases, packages with their archives, and what each node reports installed. */
import type { AgentRelease } from '../../domain/agent-release.js';
import type { ApplicationInventory, PackageVersion } from '../../domain/package.js';

/** Agent releases, packages and inventory. */
/** Agent releases, packages and inventory. */
export interface PackageStore {
  // Agent releases (immutable: a version, once stored, keeps its bytes)
  /**
   * Stores a release with its bundle unless the version is stored already (then nothing changes).
   * @returns whether it was inserted.
   */
  insertAgentRelease(release: AgentRelease, content: Uint8Array): Promise<boolean>;
  getAgentRelease(version: string): Promise<AgentRelease | undefined>;
  /** Every release, without the bundles, ordered by version text (callers order semantically). */
  listAgentReleases(): Promise<AgentRelease[]>;
  /** The bundle of a release. */
  readAgentReleaseContent(version: string): Promise<Uint8Array | undefined>;

  // Packages (versions are immutable; a package exists while one of its versions does)
  /**
   * Stores a version with its archive, given as `PACKAGE_CHUNK_BYTES` pieces, atomically. Not
   * idempotent: a version already stored fails with the backend's constraint error and stores
   * nothing (callers check first, in the same transaction, to answer AlreadyExists).
   */
  insertPackageVersion(version: PackageVersion, chunks: readonly Uint8Array[]): Promise<void>;
  getPackageVersion(name: string, version: string): Promise<PackageVersion | undefined>;
  /**
   * Every version of one package, or of every package, without archives; ordered by name, then
   * publication time (callers order versions semantically).
   */
  listPackageVersions(name?: string): Promise<PackageVersion[]>;
  /** Piece `index` (from 0) of a version's archive; undefined when there is no such piece. */
  readPackageChunk(name: string, version: string, index: number): Promise<Uint8Array | undefined>;
  /** Deletes a version with its archive. @returns whether it existed. */
  deletePackageVersion(name: string, version: string): Promise<boolean>;

  // Inventory (what each node last reported it has installed)
  /** Replaces the node's application inventory. Idempotent. */
  putApplicationInventory(instanceId: string, inventory: ApplicationInventory): Promise<void>;
  getApplicationInventory(instanceId: string): Promise<ApplicationInventory | undefined>;
}
