/** Use cases on window targets: register, update, deregister, describe (spec §5.6-§5.9). */
import { ConflictError, LimitExceededError, NotFoundError } from '../domain/errors.js';
import type { WindowTarget } from '../domain/maintenance-window.js';
import { targetKind, validateWindowTargets, type WindowTargetResourceType } from '../domain/targets.js';
import { applyTargetPatch, type WindowTargetSettings } from '../domain/window-task.js';
import { newUuid } from '../shared/ids.js';
import type { Page, Store, WindowTargetQuery } from '../store/store.js';
import { once } from './idempotency.js';
import type { MaintenanceWindowService } from './maintenance-window-service.js';
import type { ServiceContext } from './service-context.js';

export class WindowTargetService {
  constructor(
    private readonly ctx: ServiceContext,
    private readonly windows: MaintenanceWindowService,
  ) {}

  /**
   * Registers a node selector with a window.
   * @throws NotFoundError (window), ValidationError, LimitExceededError, IdempotencyMismatchError.
   */
  async register(
    windowId: string,
    resourceType: WindowTargetResourceType,
    settings: WindowTargetSettings,
    clientToken?: string,
  ): Promise<string> {
    validateWindowTargets(resourceType, settings.targets);
    const now = this.ctx.clock.now().getTime();
    return this.ctx.store.transaction(async (store) => {
      await this.windows.require(windowId, store);
      return once(
        store,
        clientToken === undefined
          ? undefined
          : {
              scope: `RegisterTargetWithMaintenanceWindow:${windowId}`,
              token: clientToken,
              request: { resourceType, settings },
            },
        now,
        async () => {
          if ((await store.countWindowTargets(windowId)) >= this.ctx.quotas.targetsPerWindow) {
            throw new LimitExceededError(
              `Maintenance window ${windowId} already has ${this.ctx.quotas.targetsPerWindow} targets, the most allowed.`,
            );
          }
          const target: WindowTarget = {
            windowTargetId: newUuid(),
            windowId,
            resourceType,
            ...settings,
            createdAt: now,
          };
          await store.insertWindowTarget(target);
          return target.windowTargetId;
        },
      );
    });
  }

  /** @throws NotFoundError, ValidationError. */
  async update(
    windowId: string,
    windowTargetId: string,
    patch: Partial<WindowTargetSettings>,
    replace: boolean,
  ): Promise<WindowTarget> {
    return this.ctx.store.transaction(async (store) => {
      const current = await this.require(windowId, windowTargetId, store);
      const next = applyTargetPatch(current, patch, replace);
      const updated: WindowTarget = {
        windowTargetId,
        windowId,
        createdAt: current.createdAt,
        ...next,
      };
      await store.updateWindowTarget(updated);
      return updated;
    });
  }

  /**
   * Removes a target. With `safe`, refuses while a task of the window references it.
   * @throws NotFoundError, ConflictError(TargetInUse).
   */
  async deregister(windowId: string, windowTargetId: string, safe: boolean): Promise<void> {
    await this.ctx.store.transaction(async (store) => {
      await this.require(windowId, windowTargetId, store);
      if (safe) {
        const users = (await store.listAllWindowTasks(windowId)).filter((task) =>
          task.targets.some(
            (target) => targetKind(target.Key) === 'WindowTargetIds' && target.Values.includes(windowTargetId),
          ),
        );
        if (users.length > 0) {
          throw new ConflictError(
            `Window target ${windowTargetId} is used by task(s) ${users.map((task) => task.windowTaskId).join(', ')}; deregister or update them first, or call without Safe.`,
            'TargetInUse',
          );
        }
      }
      await store.deleteWindowTarget(windowId, windowTargetId);
    });
  }

  /** @throws NotFoundError (window). */
  async describe(query: WindowTargetQuery): Promise<Page<WindowTarget>> {
    const page = await this.ctx.store.listWindowTargets(query);
    // Targets go with their window, so a non-empty page proves the window exists.
    if (page.items.length === 0) {
      await this.windows.require(query.windowId);
    }
    return page;
  }

  async require(windowId: string, windowTargetId: string, store: Store = this.ctx.store): Promise<WindowTarget> {
    const target = await store.getWindowTarget(windowId, windowTargetId);
    if (target === undefined) {
      // Say which is missing: the window, or the target in it.
      await this.windows.require(windowId, store);
      throw new NotFoundError(
        'WindowTarget',
        windowTargetId,
        `Window target ${windowTargetId} does not exist in maintenance window ${windowId}.`,
      );
    }
    return target;
  }
}
