/** Table shapes shared by the SQL backends (Kysely's `Database` type). Mirrors migrations/*. */
import type { Generated } from 'kysely';

export interface WindowsTable {
  window_id: string;
  name: string;
  description: string | null;
  schedule: string;
  schedule_timezone: string | null;
  schedule_offset: number | null;
  start_date: string | null;
  end_date: string | null;
  duration: number;
  cutoff: number;
  allow_unassociated_targets: number;
  enabled: number;
  schedule_anchor_at: number;
  created_at: number;
  modified_at: number;
}

export interface WindowTargetsTable {
  window_target_id: string;
  window_id: string;
  resource_type: string;
  targets: string;
  owner_information: string | null;
  name: string | null;
  description: string | null;
  created_at: number;
}

export interface WindowTasksTable {
  window_task_id: string;
  window_id: string;
  task_type: string;
  task_arn: string;
  targets: string;
  has_instance_targets: number;
  service_role_arn: string | null;
  task_parameters: string | null;
  task_invocation_parameters: string | null;
  priority: number;
  max_concurrency: string;
  max_errors: string;
  logging_info: string | null;
  name: string | null;
  description: string | null;
  cutoff_behavior: string | null;
  alarm_configuration: string | null;
  created_at: number;
}

export interface WindowExecutionsTable {
  window_execution_id: string;
  window_id: string;
  scheduled_at: number;
  status: string;
  status_details: string | null;
  started_at: number;
  ended_at: number | null;
  plan: string | null;
  cancel_requested: number;
}

export interface TaskExecutionsTable {
  task_execution_id: string;
  window_execution_id: string;
  window_task_id: string;
  task_arn: string;
  task_type: string;
  service_role: string;
  task_parameters: string;
  priority: number;
  max_concurrency: string;
  max_errors: string;
  status: string;
  status_details: string | null;
  started_at: number;
  ended_at: number | null;
  alarm_configuration: string | null;
  triggered_alarms: string | null;
  cutoff_behavior: string | null;
  run_targets: string | null;
  ended_inside_window: number | null;
}

export interface TaskInvocationsTable {
  invocation_id: string;
  task_execution_id: string;
  window_execution_id: string;
  execution_id: string | null;
  task_type: string;
  parameters: string;
  status: string;
  status_details: string | null;
  started_at: number;
  ended_at: number | null;
  owner_information: string | null;
  window_target_id: string | null;
  instance_id: string | null;
}

export interface TagsTable {
  resource_type: string;
  resource_id: string;
  tag_key: string;
  tag_value: string;
}

export interface IdempotencyRecordsTable {
  scope: string;
  token: string;
  request_hash: string;
  response: string;
  created_at: number;
}

export interface AccessKeysTable {
  access_key_id: string;
  /** The secret sealed with the master key (`v1:…`); see migration 0008. */
  sealed_secret: string;
  role: string;
  description: string | null;
  created_at: number;
}

export interface SettingsTable {
  name: string;
  value: string;
}

export interface AuditLogTable {
  audit_id: string;
  at: number;
  access_key_id: string | null;
  operation: string;
  resource_id: string | null;
  outcome: string;
  detail: string | null;
  source_ip: string | null;
  target: string | null;
  request_id: string | null;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: Generated<number>;
}

export interface ActivationsTable {
  activation_id: string;
  activation_code_hash: string;
  description: string | null;
  default_instance_name: string | null;
  iam_role: string;
  registration_limit: number;
  registrations_count: number;
  expires_at: number;
  created_at: number;
  deleted: number;
  tags: string;
}

export interface ManagedNodesTable {
  instance_id: string;
  activation_id: string;
  name: string | null;
  iam_role: string;
  public_key: string;
  registered_at: number;
  facts: string | null;
  last_ping_at: number | null;
  deregistered_at: number | null;
}

export interface ResourceGroupsTable {
  name: string;
  description: string | null;
  targets: string;
  created_at: number;
}

export interface CommandsTable {
  command_id: string;
  document_name: string;
  requested_at: number;
  status: string;
  status_details: string;
  target_count: number;
  completed_count: number;
  error_count: number;
  delivery_timed_out_count: number;
  cancel_requested: number;
  definition: string;
}

export interface CommandInvocationsTable {
  command_id: string;
  instance_id: string;
  instance_name: string;
  document_name: string;
  status_details: string;
  requested_at: number;
  dispatched_at: number | null;
  delivered_at: number | null;
  ended_at: number | null;
  plugins: string;
  window_task_invocation_id: string | null;
}

export interface InvocationOutputsTable {
  command_id: string;
  instance_id: string;
  plugin_name: string;
  stdout: string;
  stderr: string;
}

export interface DocumentsTable {
  name: string;
  document_type: string;
  owner: string;
  default_version: number;
  latest_version: number;
  version_counter: number;
  created_at: number;
}

export interface DocumentVersionsTable {
  name: string;
  document_version: number;
  version_name: string | null;
  display_name: string | null;
  content: string;
  document_format: string;
  hash: string;
  schema_version: string;
  description: string | null;
  parameters: string;
  platform_types: string;
  target_type: string | null;
  requires: string | null;
  attachments: string | null;
  status: string;
  created_at: number;
}

export interface AgentReleasesTable {
  version: string;
  sha256: string;
  size_bytes: number;
  published_at: number;
  content: Uint8Array;
}

export interface PackageVersionsTable {
  name: string;
  version: string;
  manifest: string;
  sha256: string;
  size_bytes: number;
  chunk_count: number;
  created_at: number;
}

export interface PackageChunksTable {
  name: string;
  version: string;
  chunk_index: number;
  data: Uint8Array;
}

export interface NodeInventoryTable {
  instance_id: string;
  type_name: string;
  captured_at: number;
  entries: string;
}

export interface Database {
  activations: ActivationsTable;
  managed_nodes: ManagedNodesTable;
  resource_groups: ResourceGroupsTable;
  commands: CommandsTable;
  command_invocations: CommandInvocationsTable;
  invocation_outputs: InvocationOutputsTable;
  windows: WindowsTable;
  window_targets: WindowTargetsTable;
  window_tasks: WindowTasksTable;
  window_executions: WindowExecutionsTable;
  task_executions: TaskExecutionsTable;
  task_invocations: TaskInvocationsTable;
  tags: TagsTable;
  idempotency_records: IdempotencyRecordsTable;
  access_keys: AccessKeysTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
  documents: DocumentsTable;
  document_versions: DocumentVersionsTable;
  package_versions: PackageVersionsTable;
  package_chunks: PackageChunksTable;
  node_inventory: NodeInventoryTable;
  agent_releases: AgentReleasesTable;
}
