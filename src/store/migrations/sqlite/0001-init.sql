-- Mado schema, version 1: maintenance windows, their targets, tasks and history; tags;
-- idempotency records; access keys; settings; audit log.
-- Portable types only (TEXT, INTEGER, BIGINT); times are UTC epoch milliseconds; booleans are 0/1;
-- structured SSM values are JSON text.

CREATE TABLE windows (
  window_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  schedule TEXT NOT NULL,
  schedule_timezone TEXT,
  schedule_offset INTEGER,
  start_date TEXT,
  end_date TEXT,
  duration INTEGER NOT NULL,
  cutoff INTEGER NOT NULL,
  allow_unassociated_targets INTEGER NOT NULL,
  enabled INTEGER NOT NULL,
  schedule_anchor_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  modified_at BIGINT NOT NULL
);
CREATE INDEX windows_by_creation ON windows (created_at, window_id);
CREATE INDEX windows_by_name ON windows (name);

CREATE TABLE window_targets (
  window_target_id TEXT PRIMARY KEY,
  window_id TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  targets TEXT NOT NULL,
  owner_information TEXT,
  name TEXT,
  description TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX window_targets_by_window ON window_targets (window_id, created_at, window_target_id);

CREATE TABLE window_tasks (
  window_task_id TEXT PRIMARY KEY,
  window_id TEXT NOT NULL,
  task_type TEXT NOT NULL,
  task_arn TEXT NOT NULL,
  targets TEXT NOT NULL,
  has_instance_targets INTEGER NOT NULL,
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

CREATE TABLE window_executions (
  window_execution_id TEXT PRIMARY KEY,
  window_id TEXT NOT NULL,
  scheduled_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  status_details TEXT,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  UNIQUE (window_id, scheduled_at)
);
CREATE INDEX window_executions_by_window ON window_executions (window_id, started_at, window_execution_id);

CREATE TABLE task_executions (
  task_execution_id TEXT PRIMARY KEY,
  window_execution_id TEXT NOT NULL,
  window_task_id TEXT NOT NULL,
  task_arn TEXT NOT NULL,
  task_type TEXT NOT NULL,
  service_role TEXT NOT NULL,
  task_parameters TEXT NOT NULL,
  priority INTEGER NOT NULL,
  max_concurrency TEXT NOT NULL,
  max_errors TEXT NOT NULL,
  status TEXT NOT NULL,
  status_details TEXT,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  alarm_configuration TEXT,
  triggered_alarms TEXT
);
CREATE INDEX task_executions_by_window_execution ON task_executions (window_execution_id, started_at, task_execution_id);

CREATE TABLE task_invocations (
  invocation_id TEXT PRIMARY KEY,
  task_execution_id TEXT NOT NULL,
  window_execution_id TEXT NOT NULL,
  execution_id TEXT,
  task_type TEXT NOT NULL,
  parameters TEXT NOT NULL,
  status TEXT NOT NULL,
  status_details TEXT,
  started_at BIGINT NOT NULL,
  ended_at BIGINT,
  owner_information TEXT,
  window_target_id TEXT
);
CREATE INDEX task_invocations_by_task_execution ON task_invocations (task_execution_id, started_at, invocation_id);

CREATE TABLE tags (
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  tag_key TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (resource_type, resource_id, tag_key)
);

CREATE TABLE idempotency_records (
  scope TEXT NOT NULL,
  token TEXT NOT NULL,
  request_hash TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (scope, token)
);
CREATE INDEX idempotency_records_by_age ON idempotency_records (created_at);

CREATE TABLE access_keys (
  access_key_id TEXT PRIMARY KEY,
  secret_access_key TEXT NOT NULL,
  role TEXT NOT NULL,
  description TEXT,
  created_at BIGINT NOT NULL
);

CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE audit_log (
  audit_id TEXT PRIMARY KEY,
  at BIGINT NOT NULL,
  access_key_id TEXT,
  operation TEXT NOT NULL,
  resource_id TEXT,
  outcome TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX audit_log_by_time ON audit_log (at);
