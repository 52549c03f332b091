/**
 * The package store queries of the Kysely store (`package_versions`, `package_chunks`) and the
 * node inventory (`node_inventory`). Dialect-neutral; `KyselyStore` runs the ones that change
 * several rows inside a transaction.
 */
import type { ApplicationInventory, InstalledApplication, PackageVersion } from '../../domain/package.js';
import { APPLICATION_INVENTORY_TYPE } from '../../domain/package.js';
import type { PackageManifest } from '../../domain/package-manifest.js';
import type { Db } from './query-kit.js';
import type { PackageVersionsTable } from './schema.js';

function rowToPackageVersion(row: PackageVersionsTable): PackageVersion {
  return {
    name: row.name,
    version: row.version,
    manifest: JSON.parse(row.manifest) as PackageManifest,
    sha256: row.sha256,
    sizeBytes: Number(row.size_bytes),
    chunkCount: Number(row.chunk_count),
    createdAt: Number(row.created_at),
  };
}

export async function insertPackageVersion(
  db: Db,
  version: PackageVersion,
  chunks: readonly Uint8Array[],
): Promise<void> {
  await db
    .insertInto('package_versions')
    .values({
      name: version.name,
      version: version.version,
      manifest: JSON.stringify(version.manifest),
      sha256: version.sha256,
      size_bytes: version.sizeBytes,
      chunk_count: version.chunkCount,
      created_at: version.createdAt,
    })
    .execute();
  // One row per statement: a piece is up to 1 MiB, and a multi-row insert would hold them all.
  for (const [index, data] of chunks.entries()) {
    await db
      .insertInto('package_chunks')
      .values({ name: version.name, version: version.version, chunk_index: index, data })
      .execute();
  }
}

export async function getPackageVersion(db: Db, name: string, version: string): Promise<PackageVersion | undefined> {
  const row = await db
    .selectFrom('package_versions')
    .selectAll()
    .where('name', '=', name)
    .where('version', '=', version)
    .executeTakeFirst();
  return row === undefined ? undefined : rowToPackageVersion(row);
}

export async function listPackageVersions(db: Db, name?: string): Promise<PackageVersion[]> {
  let query = db.selectFrom('package_versions').selectAll();
  if (name !== undefined) {
    query = query.where('name', '=', name);
  }
  const rows = await query.orderBy('name').orderBy('created_at').orderBy('version').execute();
  return rows.map(rowToPackageVersion);
}

export async function readPackageChunk(
  db: Db,
  name: string,
  version: string,
  index: number,
): Promise<Uint8Array | undefined> {
  const row = await db
    .selectFrom('package_chunks')
    .select('data')
    .where('name', '=', name)
    .where('version', '=', version)
    .where('chunk_index', '=', index)
    .executeTakeFirst();
  return row === undefined ? undefined : new Uint8Array(row.data);
}

export async function deletePackageVersion(db: Db, name: string, version: string): Promise<boolean> {
  await db.deleteFrom('package_chunks').where('name', '=', name).where('version', '=', version).execute();
  const result = await db
    .deleteFrom('package_versions')
    .where('name', '=', name)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function putApplicationInventory(
  db: Db,
  instanceId: string,
  inventory: ApplicationInventory,
): Promise<void> {
  const values = {
    instance_id: instanceId,
    type_name: APPLICATION_INVENTORY_TYPE,
    captured_at: inventory.capturedAt,
    entries: JSON.stringify(inventory.applications),
  };
  await db
    .insertInto('node_inventory')
    .values(values)
    .onConflict((conflict) =>
      conflict
        .columns(['instance_id', 'type_name'])
        .doUpdateSet({ captured_at: values.captured_at, entries: values.entries }),
    )
    .execute();
}

export async function getApplicationInventory(db: Db, instanceId: string): Promise<ApplicationInventory | undefined> {
  const row = await db
    .selectFrom('node_inventory')
    .select(['captured_at', 'entries'])
    .where('instance_id', '=', instanceId)
    .where('type_name', '=', APPLICATION_INVENTORY_TYPE)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : { capturedAt: Number(row.captured_at), applications: JSON.parse(row.entries) as InstalledApplication[] };
}
