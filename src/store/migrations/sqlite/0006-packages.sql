-- Mado schema, version 6: the package store (Distributor) and what each node reports installed.
--
-- A package is the set of its versions (no row of its own): it exists while one version does.
-- Versions are immutable. The archive's bytes live in the database, in pieces of 1 MiB
-- (`package_chunks`; BYTEA on PostgreSQL): publishing and deleting are single transactions, every
-- server sharing the store serves the same bytes, a backup holds them, and an agent's download
-- reads one piece per request instead of the whole archive.

CREATE TABLE package_versions (
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  manifest TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  chunk_count INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, version)
);

CREATE TABLE package_chunks (
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  chunk_index INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (name, version, chunk_index)
);

-- The latest inventory a node reported, per inventory type (`AWS:Application`): `entries` is the
-- JSON list of installed applications. Kept after deregistration, like the node's history.
CREATE TABLE node_inventory (
  instance_id TEXT NOT NULL,
  type_name TEXT NOT NULL,
  captured_at BIGINT NOT NULL,
  entries TEXT NOT NULL,
  PRIMARY KEY (instance_id, type_name)
);
