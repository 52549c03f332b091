-- Mado schema on PostgreSQL, version 1: the whole schema of SQLite migrations 0001-0008 at once,
-- in PostgreSQL types. The queries are shared with SQLite (src/store/common), so:
-- - times are UTC epoch milliseconds in BIGINT, as the Store interface speaks them; keyset
--   cursors compare the same numbers on both backends;
-- - flags are SMALLINT 0/1 (checked);
-- - text that is sorted or compared (ids, names) uses the "C" collation, so that ORDER BY and
--   keyset conditions follow code points exactly as on SQLite, whatever the database's locale;
-- - structured SSM values stay JSON text: no query reads inside them, and jsonb would reorder
--   the keys of values echoed back to clients (SendCommand parameters, task parameters);
-- - bytes (agent bundles, package pieces) are BYTEA.

CREATE TABLE windows (
  window_id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  description TEXT,
  schedule TEXT NOT NULL,
  schedule_timezone TEXT,
  schedule_offset INTEGER,
  start_date TEXT,
  end_date TEXT,
  duration INTEGER NOT NULL,
  cutoff INTEGER NOT NULL,
  allow_unassociated_targets SMALLINT NOT NULL CHECK (allow_unassociated_targets IN (0, 1)),
  enabled SMALLINT NOT NULL CHECK (enabled IN (0, 1)),
  schedule_anchor_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  modified_at BIGINT NOT NULL
);
CREATE INDEX windows_by_creation ON windows (created_at, window_id);
CREATE INDEX windows_by_name ON windows (name);

CREATE TABLE window_targets (
  window_target_id TEXT COLLATE "C" PRIMARY KEY,
  window_id TEXT COLLATE "C" NOT NULL,
  resource_type TEXT COLLATE "C" NOT NULL,
  targets TEXT NOT NULL,
  owner_information TEXT COLLATE "C",
  name TEXT,
  description TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX window_targets_by_window ON window_targets (window_id, created_at, window_target_id);

CREATE TABLE window_tasks (
  window_task_id TEXT COLLATE "C" PRIMARY KEY,
  window_id TEXT COLLATE "C" NOT NULL,
  task_type TEXT COLLATE "C" NOT NULL,
  task_arn TEXT COLLATE "C" NOT NULL,
  targets TEXT NOT NULL,
  has_instance_targets SMALLINT NOT NULL CHECK (has_instance_targets IN (0, 1)),
  service_role_arn TEXT,
  task_parameters TEXT,
  task_invocation_parameters TEXT,
  priority INTEGER NOT NULL,
  max_concurrency TEXT NOT NULL,
  max_errors TEXT NOT NULL,
  logging_info TEXT,
  name TEXT,
  description TEXT,
  cutoff_behavior TEXT,
  alarm_configuration TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX window_tasks_by_window ON window_tasks (window_id, created_at, window_task_id);
CREATE INDEX window_tasks_with_instance_targets ON window_tasks (has_instance_targets) WHERE has_instance_targets = 1;

-- One row per due time of a window: the unique key is what makes a double start impossible,
-- whichever server fires it.
CREATE TABLE window_executions (
  window_execution_id TEXT COLLATE "C" PRIMARY KEY,
  window_id TEXT COLLATE "C" NOT NULL,
  scheduled_at BIGINT NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  status_details TEXT,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  plan TEXT,
  cancel_requested SMALLINT NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
  UNIQUE (window_id, scheduled_at)
);
CREATE INDEX window_executions_by_window ON window_executions (window_id, started_at, window_execution_id);
CREATE INDEX window_executions_unfinished ON window_executions (scheduled_at, window_execution_id)
  WHERE status IN ('PENDING', 'IN_PROGRESS', 'CANCELLING');
CREATE INDEX window_executions_by_end ON window_executions (ended_at);

CREATE TABLE task_executions (
  task_execution_id TEXT COLLATE "C" PRIMARY KEY,
  window_execution_id TEXT COLLATE "C" NOT NULL,
  window_task_id TEXT COLLATE "C" NOT NULL,
  task_arn TEXT NOT NULL,
  task_type TEXT NOT NULL,
  service_role TEXT NOT NULL,
  task_parameters TEXT NOT NULL,
  priority INTEGER NOT NULL,
  max_concurrency TEXT NOT NULL,
  max_errors TEXT NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  status_details TEXT,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  alarm_configuration TEXT,
  triggered_alarms TEXT,
  cutoff_behavior TEXT,
  run_targets TEXT,
  ended_inside_window SMALLINT CHECK (ended_inside_window IN (0, 1))
);
CREATE INDEX task_executions_by_window_execution ON task_executions (window_execution_id, started_at, task_execution_id);

CREATE TABLE task_invocations (
  invocation_id TEXT COLLATE "C" PRIMARY KEY,
  task_execution_id TEXT COLLATE "C" NOT NULL,
  window_execution_id TEXT COLLATE "C" NOT NULL,
  execution_id TEXT COLLATE "C",
  task_type TEXT NOT NULL,
  parameters TEXT NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  status_details TEXT,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  owner_information TEXT,
  window_target_id TEXT,
  instance_id TEXT COLLATE "C"
);
CREATE INDEX task_invocations_by_task_execution ON task_invocations (task_execution_id, started_at, invocation_id);
CREATE INDEX task_invocations_by_window_execution ON task_invocations (window_execution_id);
CREATE INDEX task_invocations_by_command ON task_invocations (execution_id);

CREATE TABLE tags (
  resource_type TEXT COLLATE "C" NOT NULL,
  resource_id TEXT COLLATE "C" NOT NULL,
  tag_key TEXT COLLATE "C" NOT NULL,
  tag_value TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (resource_type, resource_id, tag_key)
);

CREATE TABLE idempotency_records (
  scope TEXT COLLATE "C" NOT NULL,
  token TEXT COLLATE "C" NOT NULL,
  request_hash TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (scope, token)
);
CREATE INDEX idempotency_records_by_age ON idempotency_records (created_at);

-- Secrets are sealed with the server's master key (a file beside the server, never here).
CREATE TABLE access_keys (
  access_key_id TEXT COLLATE "C" PRIMARY KEY,
  sealed_secret TEXT NOT NULL,
  role TEXT NOT NULL,
  description TEXT,
  created_at BIGINT NOT NULL
);

CREATE TABLE settings (
  name TEXT COLLATE "C" PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE audit_log (
  audit_id TEXT COLLATE "C" PRIMARY KEY,
  at BIGINT NOT NULL,
  access_key_id TEXT COLLATE "C",
  operation TEXT COLLATE "C" NOT NULL,
  resource_id TEXT,
  outcome TEXT COLLATE "C" NOT NULL,
  detail TEXT,
  source_ip TEXT,
  target TEXT,
  request_id TEXT
);
CREATE INDEX audit_log_by_time ON audit_log (at);
CREATE INDEX audit_log_by_key ON audit_log (access_key_id, at);
CREATE INDEX audit_log_by_operation ON audit_log (operation, at);
CREATE INDEX audit_log_by_outcome ON audit_log (outcome, at);

CREATE TABLE activations (
  activation_id TEXT COLLATE "C" PRIMARY KEY,
  activation_code_hash TEXT NOT NULL,
  description TEXT,
  default_instance_name TEXT COLLATE "C",
  iam_role TEXT COLLATE "C" NOT NULL,
  registration_limit INTEGER NOT NULL,
  registrations_count INTEGER NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  deleted SMALLINT NOT NULL CHECK (deleted IN (0, 1)),
  tags TEXT NOT NULL
);
CREATE INDEX activations_by_creation ON activations (created_at, activation_id);

CREATE TABLE managed_nodes (
  instance_id TEXT COLLATE "C" PRIMARY KEY,
  activation_id TEXT COLLATE "C" NOT NULL,
  name TEXT,
  iam_role TEXT NOT NULL,
  public_key TEXT NOT NULL,
  registered_at BIGINT NOT NULL,
  facts TEXT,
  last_ping_at BIGINT,
  deregistered_at BIGINT
);

CREATE TABLE resource_groups (
  name TEXT COLLATE "C" PRIMARY KEY,
  description TEXT,
  targets TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE commands (
  command_id TEXT COLLATE "C" PRIMARY KEY,
  document_name TEXT COLLATE "C" NOT NULL,
  requested_at BIGINT NOT NULL,
  status TEXT COLLATE "C" NOT NULL,
  status_details TEXT COLLATE "C" NOT NULL,
  target_count INTEGER NOT NULL,
  completed_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  delivery_timed_out_count INTEGER NOT NULL,
  cancel_requested SMALLINT NOT NULL CHECK (cancel_requested IN (0, 1)),
  -- The request as given and the resolved steps, as JSON.
  definition TEXT NOT NULL
);
CREATE INDEX commands_by_time ON commands (requested_at, command_id);
CREATE INDEX commands_by_status ON commands (status);

CREATE TABLE command_invocations (
  command_id TEXT COLLATE "C" NOT NULL,
  instance_id TEXT COLLATE "C" NOT NULL,
  instance_name TEXT NOT NULL,
  document_name TEXT COLLATE "C" NOT NULL,
  status_details TEXT COLLATE "C" NOT NULL,
  requested_at BIGINT NOT NULL,
  dispatched_at BIGINT,
  delivered_at BIGINT,
  ended_at BIGINT,
  -- Per-step results without the full output (which is in invocation_outputs).
  plugins TEXT NOT NULL,
  window_task_invocation_id TEXT,
  PRIMARY KEY (command_id, instance_id)
);
CREATE INDEX command_invocations_by_node ON command_invocations (instance_id, requested_at);
CREATE INDEX command_invocations_by_time ON command_invocations (requested_at, command_id, instance_id);
CREATE INDEX command_invocations_by_status ON command_invocations (status_details);

CREATE TABLE invocation_outputs (
  command_id TEXT COLLATE "C" NOT NULL,
  instance_id TEXT COLLATE "C" NOT NULL,
  plugin_name TEXT COLLATE "C" NOT NULL,
  stdout TEXT NOT NULL,
  stderr TEXT NOT NULL,
  PRIMARY KEY (command_id, instance_id, plugin_name)
);

CREATE TABLE documents (
  name TEXT COLLATE "C" PRIMARY KEY,
  document_type TEXT COLLATE "C" NOT NULL,
  owner TEXT NOT NULL,
  default_version INTEGER NOT NULL,
  latest_version INTEGER NOT NULL,
  version_counter INTEGER NOT NULL,
  created_at BIGINT NOT NULL
);

-- `platform_types` is a JSON list of strings, matched with LIKE '%"Linux"%' by ListDocuments.
CREATE TABLE document_versions (
  name TEXT COLLATE "C" NOT NULL,
  document_version INTEGER NOT NULL,
  version_name TEXT COLLATE "C",
  display_name TEXT,
  content TEXT NOT NULL,
  document_format TEXT NOT NULL,
  hash TEXT COLLATE "C" NOT NULL,
  schema_version TEXT NOT NULL,
  description TEXT,
  parameters TEXT NOT NULL,
  platform_types TEXT COLLATE "C" NOT NULL,
  target_type TEXT COLLATE "C",
  requires TEXT,
  attachments TEXT,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, document_version)
);
CREATE UNIQUE INDEX document_versions_by_version_name ON document_versions (name, version_name);
CREATE INDEX document_versions_by_hash ON document_versions (name, hash);

CREATE TABLE agent_releases (
  version TEXT COLLATE "C" PRIMARY KEY,
  sha256 TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  published_at BIGINT NOT NULL,
  content BYTEA NOT NULL
);

CREATE TABLE package_versions (
  name TEXT COLLATE "C" NOT NULL,
  version TEXT COLLATE "C" NOT NULL,
  manifest TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  chunk_count INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (name, version)
);

CREATE TABLE package_chunks (
  name TEXT COLLATE "C" NOT NULL,
  version TEXT COLLATE "C" NOT NULL,
  chunk_index INTEGER NOT NULL,
  data BYTEA NOT NULL,
  PRIMARY KEY (name, version, chunk_index)
);

CREATE TABLE node_inventory (
  instance_id TEXT COLLATE "C" NOT NULL,
  type_name TEXT COLLATE "C" NOT NULL,
  captured_at BIGINT NOT NULL,
  entries TEXT NOT NULL,
  PRIMARY KEY (instance_id, type_name)
);
