/**
 * Reading the history of window runs (spec §5.15-§5.20): executions, their task executions
 * and per-node invocations, as the engine records them.
 */
import { NotFoundError } from '../domain/errors.js';
import type { TaskExecution, TaskInvocation, WindowExecution } from '../domain/window-execution.js';
import type { Page, TaskExecutionQuery, TaskInvocationQuery, WindowExecutionQuery } from '../store/store.js';
import { NO_ENGINE, type EngineNotifier } from './engine-notifier.js';
import type { ServiceContext } from './service-context.js';
import type { WindowRunService } from './window-run/window-run-service.js';

export class WindowHistoryService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly runs: Pick<WindowRunService, 'requestCancel'>,
    private readonly engine: EngineNotifier = NO_ENGINE,
  ) {}

  /**
   * CancelMaintenanceWindowExecution (spec §5.21, §6.8): recorded by the WindowRunService (the one
   * cancel path); the engine then stops the run. An execution already terminal is left as it is.
   * @throws NotFoundError
   */
  async cancel(windowExecutionId: string): Promise<void> {
    if (await this.runs.requestCancel(windowExecutionId)) {
      this.engine.executionCancelRequested(windowExecutionId);
    }
  }

  /** Newest first. An unknown window simply has no executions (spec §5.15). */
  async describeExecutions(query: WindowExecutionQuery): Promise<Page<WindowExecution>> {
    return this.ctx.store.listWindowExecutions(query);
  }

  /** @throws NotFoundError */
  async getExecution(windowExecutionId: string): Promise<{ execution: WindowExecution; taskExecutionIds: string[] }> {
    const execution = await this.requireExecution(windowExecutionId);
    return { execution, taskExecutionIds: await this.ctx.store.listTaskExecutionIds(windowExecutionId) };
  }

  /** @throws NotFoundError (window execution) */
  async describeTaskExecutions(query: TaskExecutionQuery): Promise<Page<TaskExecution>> {
    await this.requireExecution(query.windowExecutionId);
    return this.ctx.store.listTaskExecutions(query);
  }

  /** @throws NotFoundError */
  async getTaskExecution(windowExecutionId: string, taskExecutionId: string): Promise<TaskExecution> {
    await this.requireExecution(windowExecutionId);
    const task = await this.ctx.store.getTaskExecution(windowExecutionId, taskExecutionId);
    if (task === undefined) {
      throw new NotFoundError(
        'WindowExecutionTask',
        taskExecutionId,
        `Task execution ${taskExecutionId} does not exist in window execution ${windowExecutionId}.`,
      );
    }
    return task;
  }

  /** @throws NotFoundError (window execution or task execution) */
  async describeInvocations(query: TaskInvocationQuery): Promise<Page<TaskInvocation>> {
    await this.getTaskExecution(query.windowExecutionId, query.taskExecutionId);
    return this.ctx.store.listTaskInvocations(query);
  }

  /** @throws NotFoundError */
  async getInvocation(
    windowExecutionId: string,
    taskExecutionId: string,
    invocationId: string,
  ): Promise<TaskInvocation> {
    await this.getTaskExecution(windowExecutionId, taskExecutionId);
    const invocation = await this.ctx.store.getTaskInvocation(windowExecutionId, taskExecutionId, invocationId);
    if (invocation === undefined) {
      throw new NotFoundError(
        'WindowExecutionTaskInvocation',
        invocationId,
        `Invocation ${invocationId} does not exist in task execution ${taskExecutionId}.`,
      );
    }
    return invocation;
  }

  private async requireExecution(windowExecutionId: string): Promise<WindowExecution> {
    const execution = await this.ctx.store.getWindowExecution(windowExecutionId);
    if (execution === undefined) {
      throw missingExecution(windowExecutionId);
    }
    return execution;
  }
}

function missingExecution(windowExecutionId: string): NotFoundError {
  return new NotFoundError(
    'WindowExecution',
    windowExecutionId,
    `Maintenance window execution ${windowExecutionId} does not exist.`,
  );
}
