-- Mado schema, version 2: hybrid activations, managed nodes, resource groups, Run Command.

CREATE TABLE activations (
  activation_id TEXT PRIMARY KEY,
  activation_code_hash TEXT NOT NULL,
  description TEXT,
  default_instance_name TEXT,
  iam_role TEXT NOT NULL,
  registration_limit INTEGER NOT NULL,
  registrations_count INTEGER NOT NULL,
  expires_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  deleted INTEGER NOT NULL,
  tags TEXT NOT NULL
);
CREATE INDEX activations_by_creation ON activations (created_at, activation_id);

CREATE TABLE managed_nodes (
  instance_id TEXT PRIMARY KEY,
  activation_id TEXT NOT NULL,
  name TEXT,
  iam_role TEXT NOT NULL,
  public_key TEXT NOT NULL,
  registered_at BIGINT NOT NULL,
  facts TEXT,
  last_ping_at BIGINT,
  deregistered_at BIGINT
);

-- Saved node selectors, addressed as `resource-groups:Name` targets.
CREATE TABLE resource_groups (
  name TEXT PRIMARY KEY,
  description TEXT,
  targets TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE commands (
  command_id TEXT PRIMARY KEY,
  document_name TEXT NOT NULL,
  requested_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  status_details TEXT NOT NULL,
  target_count INTEGER NOT NULL,
  completed_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  delivery_timed_out_count INTEGER NOT NULL,
  cancel_requested INTEGER NOT NULL,
  -- The request as given and the resolved steps, as JSON.
  definition TEXT NOT NULL
);
CREATE INDEX commands_by_time ON commands (requested_at, command_id);
CREATE INDEX commands_by_status ON commands (status);

CREATE TABLE command_invocations (
  command_id TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  instance_name TEXT NOT NULL,
  document_name TEXT NOT NULL,
  status_details TEXT NOT NULL,
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
  command_id TEXT NOT NULL,
  instance_id TEXT NOT NULL,
  plugin_name TEXT NOT NULL,
  stdout TEXT NOT NULL,
  stderr TEXT NOT NULL,
  PRIMARY KEY (command_id, instance_id, plugin_name)
);
