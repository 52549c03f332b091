-- Mado schema, version 5: agent releases. The bundle's bytes live in the row itself (a ~1 MB
-- BLOB; BYTEA on PostgreSQL): publishing is one atomic insert, every server sharing the store
-- serves the same bytes, and a backup of the database holds them. Releases are immutable.

CREATE TABLE agent_releases (
  version TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  published_at BIGINT NOT NULL,
  content BLOB NOT NULL
);
