/**
 * Run Command use cases (spec §7): SendCommand, ListCommands, ListCommandInvocations,
 * GetCommandInvocation, CancelCommand. The service validates and records; the dispatcher,
 * told through the DispatchNotifier, delivers.
 */
import {
  commandProgress,
  DEFAULT_OUTPUT_CAP_BYTES,
  isOutputCapped,
  tallyInvocations,
  type Command,
  type CommandInvocation,
  type PluginOutput,
  type SendCommandRequest,
} from '../domain/command.js';
import { NotFoundError, ValidationError } from '../domain/errors.js';
import { resolveMaxErrors } from '../domain/rate-control.js';
import { validateCommandTargets } from '../domain/targets.js';
import { newUuid } from '../shared/ids.js';
import type { CommandQuery, InvocationQuery, NodeWithTags, Page, Store } from '../store/store.js';
import type { DispatchNotifier } from './dispatch-notifier.js';
import type { DocumentCatalog } from './document-catalog.js';
import type { ServiceContext } from './service-context.js';
import { resolveTargets } from './target-resolver.js';

/** Content plus runtime parameters may not exceed 64 KB (spec §11). */
const MAX_DOCUMENT_BYTES = 64 * 1024;

/** A validated command and its invocations, not yet stored. */
export interface PreparedCommand {
  readonly command: Command;
  readonly invocations: readonly CommandInvocation[];
}

/** An invocation with what GetCommandInvocation shows of one step. */
export interface InvocationDetail {
  readonly command: Command;
  readonly invocation: CommandInvocation;
  readonly pluginName: string;
  readonly output: PluginOutput | undefined;
}

/** A step's full output as kept by the server (Mado.GetCommandInvocationOutput). */
export interface InvocationOutput {
  readonly detail: InvocationDetail;
  /** The server's cap per stream, in bytes. */
  readonly capBytes: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutCapped: boolean;
  readonly stderrCapped: boolean;
}

export class CommandService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly documents: DocumentCatalog,
    private readonly notifier: DispatchNotifier,
  ) {}

  /**
   * Validates and records a command with one invocation per node, then hands it to the
   * dispatcher.
   * @throws ValidationError (no reason, DocumentParameters, DuplicateNode, UnsupportedPlatform,
   *   DocumentTooLarge, DocumentHashMismatch), NotFoundError (Document, Instance).
   */
  async send(request: SendCommandRequest): Promise<Command> {
    const prepared = await this.prepare(request);
    await this.record(prepared);
    this.dispatch(prepared.command.commandId);
    return prepared.command;
  }

  /**
   * Stores a prepared command with its invocations: the one place commands are written, also
   * inside a caller's transaction (`store`), after which the caller calls `dispatch`.
   */
  async record(prepared: PreparedCommand, store: Store = this.ctx.store): Promise<void> {
    await store.insertCommand(prepared.command, prepared.invocations);
  }

  /**
   * Validates a request and builds the command with its invocations, storing nothing: for
   * callers that store it together with records of their own (the window engine), then call
   * `dispatch`.
   * @throws as `send`.
   */
  async prepare(request: SendCommandRequest): Promise<PreparedCommand> {
    const now = this.ctx.clock.now().getTime();
    const byIds = request.instanceIds !== undefined && request.instanceIds.length > 0;
    const byTargets = request.targets !== undefined && request.targets.length > 0;
    if (byIds === byTargets) {
      throw ValidationError.field('instanceIds', 'Give exactly one of InstanceIds or Targets.');
    }
    if (byTargets) {
      validateCommandTargets(request.targets!);
    }
    // Spec §7.2 order: the listed nodes are checked before the document and its parameters.
    const listed = byIds ? await this.nodesByIds(request.instanceIds!) : undefined;
    const document = await this.documents.resolve(request.documentName, request.documentVersion);
    if (request.documentHash !== undefined && request.documentHash !== document.hash) {
      throw new ValidationError(
        `DocumentHash does not match version ${document.version} of document ${document.name}.`,
        { reason: 'DocumentHashMismatch' },
      );
    }
    const parameters = request.parameters ?? {};
    if (document.sizeBytes + Buffer.byteLength(JSON.stringify(parameters)) > MAX_DOCUMENT_BYTES) {
      throw new ValidationError('The document and its parameters exceed 64 KB.', { reason: 'DocumentTooLarge' });
    }
    const { steps, executionTimeoutSeconds } = document.render(parameters);

    if (listed !== undefined) {
      const unsupported = listed.find((entry) => !this.runsOn(document.platformTypes, entry));
      if (unsupported !== undefined) {
        throw new ValidationError(
          `Document ${document.name} does not support the platform of ${unsupported.node.instanceId} (${unsupported.node.facts?.platformType ?? 'unknown'}).`,
          { reason: 'UnsupportedPlatform' },
        );
      }
    }
    const nodes = listed ?? (await resolveTargets(this.ctx.store, request.targets!));
    const timeoutSeconds = request.timeoutSeconds ?? 3600;
    const maxConcurrency = request.maxConcurrency ?? '50';
    const maxErrors = request.maxErrors ?? '0';
    const commandId = newUuid();
    const invocations: CommandInvocation[] = nodes.map((entry) => ({
      commandId,
      instanceId: entry.node.instanceId,
      instanceName: entry.node.facts?.computerName ?? '',
      // Nodes a targeted document cannot run on are settled at once (spec §7.2 rule 6).
      statusDetails: this.runsOn(document.platformTypes, entry) ? 'Pending' : 'InvalidPlatform',
      requestedAt: now,
      endedAt: this.runsOn(document.platformTypes, entry) ? undefined : now,
      plugins: [],
    }));
    const progress = commandProgress(tallyInvocations(invocations), resolveMaxErrors(maxErrors, nodes.length), false);
    const command: Command = {
      commandId,
      documentName: document.name,
      documentVersion: request.documentVersion ?? '',
      comment: request.comment ?? '',
      parameters,
      instanceIds: byIds ? request.instanceIds! : [],
      targets: byTargets ? request.targets! : [],
      requestedAt: now,
      expiresAfterAt: now + (timeoutSeconds + executionTimeoutSeconds) * 1000,
      timeoutSeconds,
      executionTimeoutSeconds,
      maxConcurrency,
      maxErrors,
      outputS3BucketName: request.outputS3BucketName ?? '',
      outputS3KeyPrefix: request.outputS3KeyPrefix ?? '',
      serviceRoleArn: request.serviceRoleArn ?? '',
      notificationConfig: request.notificationConfig,
      cloudWatchOutputConfig: request.cloudWatchOutputConfig,
      alarmConfiguration: request.alarmConfiguration,
      steps,
      ...progress,
      targetCount: nodes.length,
      cancelRequested: false,
    };
    return { command, invocations };
  }

  /** Hands a stored command to the dispatcher. */
  dispatch(commandId: string): void {
    this.notifier.commandCreated(commandId);
  }

  /**
   * Commands, newest first.
   * @throws ValidationError when a node is combined with the Pending status (SSM does not
   *   list pending commands per node); NotFoundError(Command) for an unknown `commandId`.
   */
  async list(query: CommandQuery): Promise<Page<Command>> {
    if (query.instanceId !== undefined && query.statuses?.includes('Pending') === true) {
      throw ValidationError.field(
        'filters',
        'The Status filter Pending cannot be combined with InstanceId.',
        'Pending',
      );
    }
    if (query.commandId !== undefined && (await this.ctx.store.getCommand(query.commandId)) === undefined) {
      throw new NotFoundError('Command', query.commandId, `Command ${query.commandId} does not exist.`);
    }
    return this.ctx.store.listCommands(query);
  }

  /** Invocations with their command (for the response's command-level fields). */
  async listInvocations(query: InvocationQuery): Promise<Page<{ invocation: CommandInvocation; command: Command }>> {
    const page = await this.ctx.store.listInvocations(query);
    const commands = new Map<string, Command>();
    const items = [];
    for (const invocation of page.items) {
      let command = commands.get(invocation.commandId);
      if (command === undefined) {
        command = await this.ctx.store.getCommand(invocation.commandId);
        if (command === undefined) {
          // The command was pruned between the two reads; its invocations go with it.
          continue;
        }
        commands.set(invocation.commandId, command);
      }
      items.push({ invocation, command });
    }
    return { items, next: page.next };
  }

  /**
   * One node's result for one step (the only step when `pluginName` is absent).
   * @throws NotFoundError (Command, CommandInvocation); ValidationError (UnknownStep) when the
   *   step is unknown or must be named.
   */
  async getInvocation(
    commandId: string,
    instanceId: string,
    pluginName: string | undefined,
  ): Promise<InvocationDetail> {
    const command = await this.ctx.store.getCommand(commandId);
    if (command === undefined) {
      throw new NotFoundError('Command', commandId, `Command ${commandId} does not exist.`);
    }
    const invocation = await this.ctx.store.getInvocation(commandId, instanceId);
    if (invocation === undefined) {
      throw new NotFoundError(
        'CommandInvocation',
        `${commandId}/${instanceId}`,
        `Command ${commandId} has no invocation on ${instanceId}.`,
      );
    }
    if (pluginName === undefined && command.steps.length > 1) {
      throw new ValidationError(
        `Document ${command.documentName} has ${command.steps.length} steps; name one with PluginName (${command.steps.map((step) => step.name).join(', ')}).`,
        { reason: 'UnknownStep' },
      );
    }
    const name = pluginName ?? command.steps[0]!.name;
    if (!command.steps.some((step) => step.name === name)) {
      throw new ValidationError(`Document ${command.documentName} has no step named ${name}.`, {
        reason: 'UnknownStep',
      });
    }
    const output = await this.ctx.store.getInvocationOutput(commandId, instanceId, name);
    return { command, invocation, pluginName: name, output };
  }

  /**
   * One node's full output for one step, as the server keeps it (up to its cap), with whether
   * each stream may be missing its end. While the step runs: its output so far, as the agent
   * last reported it (empty before its first report).
   * @throws as getInvocation.
   */
  async getInvocationOutput(
    commandId: string,
    instanceId: string,
    pluginName: string | undefined,
  ): Promise<InvocationOutput> {
    const detail = await this.getInvocation(commandId, instanceId, pluginName);
    const capBytes = this.ctx.outputCapBytes ?? DEFAULT_OUTPUT_CAP_BYTES;
    const stdout = detail.output?.stdout ?? '';
    const stderr = detail.output?.stderr ?? '';
    return {
      detail,
      capBytes,
      stdout,
      stderr,
      stdoutCapped: isOutputCapped(stdout, capBytes),
      stderrCapped: isOutputCapped(stderr, capBytes),
    };
  }

  /**
   * Cancels the command on every node, or on `instanceIds`.
   * @throws NotFoundError(Command, Instance); ValidationError (DuplicateNode).
   */
  async cancel(commandId: string, instanceIds: readonly string[] | undefined): Promise<void> {
    const command = await this.ctx.store.getCommand(commandId);
    if (command === undefined) {
      throw new NotFoundError('Command', commandId, `Command ${commandId} does not exist.`);
    }
    if (instanceIds !== undefined) {
      const duplicate = instanceIds.find((id, index) => instanceIds.indexOf(id) !== index);
      if (duplicate !== undefined) {
        throw new ValidationError(`Instance ${duplicate} is listed twice.`, { reason: 'DuplicateNode' });
      }
      for (const instanceId of instanceIds) {
        if ((await this.ctx.store.getInvocation(commandId, instanceId)) === undefined) {
          throw new NotFoundError(
            'Instance',
            instanceId,
            `Instance ${instanceId} is not a target of command ${commandId}.`,
          );
        }
      }
    }
    if (instanceIds === undefined) {
      await this.ctx.store.requestCommandCancel(commandId);
    }
    this.notifier.commandCancelRequested(commandId, instanceIds);
  }

  private async nodesByIds(instanceIds: readonly string[]): Promise<NodeWithTags[]> {
    const duplicate = instanceIds.find((id, index) => instanceIds.indexOf(id) !== index);
    if (duplicate !== undefined) {
      throw new ValidationError(`Instance ${duplicate} is listed twice.`, { reason: 'DuplicateNode' });
    }
    // At most 50 ids: read just those nodes rather than the whole fleet.
    const entries: NodeWithTags[] = [];
    for (const instanceId of instanceIds) {
      const node = await this.ctx.store.getManagedNode(instanceId);
      if (node === undefined || node.deregisteredAt !== undefined) {
        throw new NotFoundError(
          'Instance',
          instanceId,
          `Instances [[${instanceId}]] not in a valid state for account ${this.ctx.accountId}: not registered, or deregistered.`,
        );
      }
      const tags = await this.ctx.store.getTags('ManagedInstance', instanceId);
      entries.push({ node, tags: new Map(tags.map((tag) => [tag.Key, tag.Value])) });
    }
    return entries;
  }

  private runsOn(platformTypes: readonly string[], entry: NodeWithTags): boolean {
    const platform = entry.node.facts?.platformType;
    return platform === undefined || platformTypes.includes(platform);
  }
}
