/** Use cases on window tasks: register, update, get, deregister, describe (spec §5.10-§5.14). */
import { LimitExceededError, NotFoundError } from '../domain/errors.js';
import type { WindowTask, WindowTaskType } from '../domain/maintenance-window.js';
import {
  applyTaskPatch,
  checkWindowTask,
  type CheckedTask,
  type WindowTaskPatch,
  type WindowTaskSettings,
} from '../domain/window-task.js';
import { newUuid } from '../shared/ids.js';
import type { Page, Store, WindowTaskQuery } from '../store/store.js';
import { once } from './idempotency.js';
import type { MaintenanceWindowService } from './maintenance-window-service.js';
import type { ServiceContext } from './service-context.js';

export class WindowTaskService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly windows: MaintenanceWindowService,
  ) {}

  /**
   * Registers a task.
   * @throws NotFoundError (window, or a referenced window target), ValidationError,
   *   LimitExceededError, IdempotencyMismatchError.
   */
  async register(
    windowId: string,
    taskType: WindowTaskType,
    settings: WindowTaskSettings,
    clientToken?: string,
  ): Promise<string> {
    const now = this.ctx.clock.now().getTime();
    return this.ctx.store.transaction(async (store) => {
      const window = await this.windows.require(windowId, store);
      const checked = checkWindowTask(taskType, settings, window);
      await this.requireReferencedTargets(store, windowId, checked);
      return once(
        store,
        clientToken === undefined
          ? undefined
          : {
              scope: `RegisterTaskWithMaintenanceWindow:${windowId}`,
              token: clientToken,
              request: { taskType, settings },
            },
        now,
        async () => {
          if ((await store.countWindowTasks(windowId)) >= this.ctx.quotas.tasksPerWindow) {
            throw new LimitExceededError(
              `Maintenance window ${windowId} already has ${this.ctx.quotas.tasksPerWindow} tasks, the most allowed.`,
            );
          }
          const task: WindowTask = {
            windowTaskId: newUuid(),
            windowId,
            taskType,
            ...checked.settings,
            createdAt: now,
          };
          await store.insertWindowTask(task);
          return task.windowTaskId;
        },
      );
    });
  }

  /** @throws NotFoundError, ValidationError. */
  async update(windowId: string, windowTaskId: string, patch: WindowTaskPatch, replace: boolean): Promise<WindowTask> {
    return this.ctx.store.transaction(async (store) => {
      const window = await this.windows.require(windowId, store);
      const current = await this.require(windowId, windowTaskId, store);
      const checked = checkWindowTask(current.taskType, applyTaskPatch(current, patch, replace), window);
      await this.requireReferencedTargets(store, windowId, checked);
      const updated: WindowTask = {
        windowTaskId,
        windowId,
        taskType: current.taskType,
        createdAt: current.createdAt,
        ...checked.settings,
      };
      await store.updateWindowTask(updated);
      return updated;
    });
  }

  /** @throws NotFoundError */
  async get(windowId: string, windowTaskId: string): Promise<WindowTask> {
    return this.require(windowId, windowTaskId);
  }

  /** @throws NotFoundError */
  async deregister(windowId: string, windowTaskId: string): Promise<void> {
    await this.ctx.store.transaction(async (store) => {
      await this.require(windowId, windowTaskId, store);
      await store.deleteWindowTask(windowId, windowTaskId);
    });
  }

  /** @throws NotFoundError (window) */
  async describe(query: WindowTaskQuery): Promise<Page<WindowTask>> {
    const page = await this.ctx.store.listWindowTasks(query);
    // Tasks go with their window, so a non-empty page proves the window exists.
    if (page.items.length === 0) {
      await this.windows.require(query.windowId);
    }
    return page;
  }

  private async require(windowId: string, windowTaskId: string, store: Store = this.ctx.store): Promise<WindowTask> {
    const task = await store.getWindowTask(windowId, windowTaskId);
    if (task === undefined) {
      // Say which is missing: the window, or the task in it.
      await this.windows.require(windowId, store);
      throw new NotFoundError(
        'WindowTask',
        windowTaskId,
        `Window task ${windowTaskId} does not exist in maintenance window ${windowId}.`,
      );
    }
    return task;
  }

  private async requireReferencedTargets(store: Store, windowId: string, checked: CheckedTask): Promise<void> {
    if (checked.selection.kind !== 'WindowTargetIds') {
      return;
    }
    for (const windowTargetId of checked.selection.windowTargetIds) {
      if ((await store.getWindowTarget(windowId, windowTargetId)) === undefined) {
        throw new NotFoundError(
          'WindowTarget',
          windowTargetId,
          `Window target ${windowTargetId} does not exist in maintenance window ${windowId}.`,
        );
      }
    }
  }
}
