/**
 * What an API operation is: its name (the `X-Amz-Target` suffix), the access it needs, its
 * wire input shape and its handler. Handlers are thin: they map the wire shape to a service
 * call and the result back to the wire; rules live in services/ and domain/.
 */
import type { z } from 'zod';
import type { AccessKeyInfo, OperationAccess } from '../domain/access-key.js';
import type { AccessKeyService } from '../services/access-key-service.js';
import type { AuditLog } from '../services/audit-log.js';
import type { AgentReleaseService } from '../services/agent-release-service.js';
import type { ActivationService } from '../services/activation-service.js';
import type { CommandService } from '../services/command-service.js';
import type { DocumentService } from '../services/document-service.js';
import type { InventoryService } from '../services/inventory-service.js';
import type { ManagedNodeService } from '../services/managed-node-service.js';
import type { PackageService } from '../services/package-service.js';
import type { UploadedFile } from '../services/uploaded-file.js';
import type { ResourceGroupService } from '../services/resource-group-service.js';
import type { MaintenanceWindowService } from '../services/maintenance-window-service.js';
import type { TagService } from '../services/tag-service.js';
import type { WindowHistoryService } from '../services/window-history-service.js';
import type { WindowRunService } from '../services/window-run/window-run-service.js';
import type { WindowScheduleService } from '../services/window-schedule-service.js';
import type { WindowTargetService } from '../services/window-target-service.js';
import type { WindowTaskService } from '../services/window-task-service.js';
import type { PageTokens } from './page-tokens.js';

export interface Services {
  readonly windows: MaintenanceWindowService;
  readonly targets: WindowTargetService;
  readonly tasks: WindowTaskService;
  readonly history: WindowHistoryService;
  /** The one writer of window-run history (the engine's). */
  readonly windowRuns: WindowRunService;
  readonly schedules: WindowScheduleService;
  readonly tags: TagService;
  readonly accessKeys: AccessKeyService;
  readonly activations: ActivationService;
  readonly nodes: ManagedNodeService;
  readonly commands: CommandService;
  readonly documents: DocumentService;
  readonly resourceGroups: ResourceGroupService;
  readonly packages: PackageService;
  readonly inventory: InventoryService;
  readonly releases: AgentReleaseService;
  /** TLS (issue #10): the served certificate's fingerprint, for Mado.GetServerInfo. */
  readonly serverInfo?: { fingerprint(): string | undefined };
  readonly audit: AuditLog;
}

/** Per-request context handed to a handler. */
export interface RequestContext {
  readonly services: Services;
  readonly pageTokens: PageTokens;
  /** Region from the SigV4 credential scope (or the server default). */
  readonly region: string;
  readonly accountId: string;
  /** The authenticated caller; undefined only when authentication is disabled. */
  readonly caller: AccessKeyInfo | undefined;
  /**
   * The file of an upload operation sent in the binary form (the raw body, already streamed to a
   * private file, its size and hash checked); undefined in the JSON form.
   */
  readonly upload?: UploadedFile;
}

export interface Operation<I = unknown> {
  readonly name: string;
  /** Which roles may call it. */
  readonly access: OperationAccess;
  readonly input: z.ZodType;
  /** Error name for a bad NextToken: InvalidNextToken where SSM models it, else ValidationException. */
  readonly invalidTokenError?: string;
  /**
   * For operations that upload a file: the input member that carries it, base64-encoded in the
   * JSON form. These operations get the larger upload body limit (MADO_MAX_UPLOAD_BYTES) when the
   * caller's role may call them.
   */
  readonly upload?: { readonly member: string };
  handle(input: I, ctx: RequestContext): Promise<Record<string, unknown>>;
}

/** Declares an operation with its input type inferred from the schema. */
export function defineOperation<S extends z.ZodType>(operation: {
  readonly name: string;
  readonly access: OperationAccess;
  readonly input: S;
  readonly invalidTokenError?: string;
  readonly upload?: { readonly member: string };
  handle(input: z.infer<S>, ctx: RequestContext): Promise<Record<string, unknown>>;
}): Operation<z.infer<S>> {
  return operation;
}
