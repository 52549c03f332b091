/**
 * The agent release queries of the Kysely store (`agent_releases`). Dialect-neutral. Releases
 * are immutable: there is no update, and an insert of a known version changes nothing.
 */
import type { AgentRelease } from '../../domain/agent-release.js';
import type { Db } from './query-kit.js';

const METADATA = ['version', 'sha256', 'size_bytes', 'published_at'] as const;

function rowToRelease(row: {
  version: string;
  sha256: string;
  size_bytes: number;
  published_at: number;
}): AgentRelease {
  return {
    version: row.version,
    sha256: row.sha256,
    sizeBytes: Number(row.size_bytes),
    publishedAt: Number(row.published_at),
  };
}

export async function insertAgentRelease(db: Db, release: AgentRelease, content: Uint8Array): Promise<boolean> {
  const result = await db
    .insertInto('agent_releases')
    .values({
      version: release.version,
      sha256: release.sha256,
      size_bytes: release.sizeBytes,
      published_at: release.publishedAt,
      content,
    })
    .onConflict((conflict) => conflict.column('version').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

export async function getAgentRelease(db: Db, version: string): Promise<AgentRelease | undefined> {
  const row = await db.selectFrom('agent_releases').select(METADATA).where('version', '=', version).executeTakeFirst();
  return row === undefined ? undefined : rowToRelease(row);
}

export async function listAgentReleases(db: Db): Promise<AgentRelease[]> {
  const rows = await db.selectFrom('agent_releases').select(METADATA).orderBy('version').execute();
  return rows.map(rowToRelease);
}

export async function readAgentReleaseContent(db: Db, version: string): Promise<Uint8Array | undefined> {
  const row = await db.selectFrom('agent_releases').select('content').where('version', '=', version).executeTakeFirst();
  return row === undefined ? undefined : new Uint8Array(row.content);
}
