-- Mado schema, version 4: command documents created through the API and their versions.
-- Amazon-owned documents ship with the code and are not stored. A document's tags live in
-- `tags` (resource_type 'Document', resource_id = the document name).

CREATE TABLE documents (
  name TEXT PRIMARY KEY,
  document_type TEXT NOT NULL,
  owner TEXT NOT NULL,
  default_version INTEGER NOT NULL,
  latest_version INTEGER NOT NULL,
  version_counter INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);

-- One row per version. `parameters`, `platform_types`, `requires` and `attachments` are JSON;
-- `platform_types` is a JSON list of strings, matched with LIKE '%"Linux"%' by ListDocuments.
CREATE TABLE document_versions (
  name TEXT NOT NULL,
  document_version INTEGER NOT NULL,
  version_name TEXT,
  display_name TEXT,
  content TEXT NOT NULL,
  document_format TEXT NOT NULL,
  hash TEXT NOT NULL,
  schema_version TEXT NOT NULL,
  description TEXT,
  parameters TEXT NOT NULL,
  platform_types TEXT NOT NULL,
  target_type TEXT,
  requires TEXT,
  attachments TEXT,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, document_version)
);
-- Version names are unique per document (NULLs, versions without a name, do not collide).
CREATE UNIQUE INDEX document_versions_by_version_name ON document_versions (name, version_name);
CREATE INDEX document_versions_by_hash ON document_versions (name, hash);
