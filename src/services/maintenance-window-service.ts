/**
 * Use cases on maintenance windows: create, update, get, delete, describe. Shared by the API
 * and (later) the scheduler, so every rule about windows is applied in one place.
 */
import { LimitExceededError, NotFoundError } from '../domain/errors.js';
import {
  applyWindowPatch,
  nextExecutionAt,
  normaliseWindowSettings,
  scheduleAnchorMoves,
  type MaintenanceWindow,
  type WindowPatch,
  type WindowSettings,
} from '../domain/maintenance-window.js';
import { validateNewTags, type Tag } from '../domain/tags.js';
import { newWindowId } from '../shared/ids.js';
import type { Cursor, Page, Store } from '../store/store.js';
import { once } from './idempotency.js';
import { NO_ENGINE, type EngineNotifier } from './engine-notifier.js';
import type { ServiceContext } from './service-context.js';
import type { WindowRunService } from './window-run/window-run-service.js';

/** A window as read: the stored record and its computed next start. */
export interface WindowView {
  readonly window: MaintenanceWindow;
  readonly nextExecutionAt?: Date;
}

export interface DescribeWindowsQuery {
  readonly namePrefixes?: readonly string[];
  readonly enabled?: boolean;
  readonly limit: number;
  readonly after?: Cursor;
}

/**
 * Remembers each window's next start until it passes, so that reads (thousands a second) do not
 * evaluate the schedule every time. Keyed by window id and modification time, so an update
 * invalidates the entry by itself.
 */
class NextRunCache {
  private readonly entries = new Map<string, { modifiedAt: number; computedAt: number; next: Date | undefined }>();

  constructor(private readonly capacity = 20_000) {}

  get(window: MaintenanceWindow, now: Date): Date | undefined {
    const entry = this.entries.get(window.windowId);
    const nowMs = now.getTime();
    if (
      entry !== undefined &&
      entry.modifiedAt === window.modifiedAt &&
      nowMs >= entry.computedAt &&
      (entry.next === undefined ? false : nowMs <= entry.next.getTime())
    ) {
      return entry.next;
    }
    const next = nextExecutionAt(window, now);
    if (this.entries.size >= this.capacity) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(window.windowId, { modifiedAt: window.modifiedAt, computedAt: nowMs, next });
    return next;
  }
}

export class MaintenanceWindowService {
  private readonly nextRuns = new NextRunCache();

  constructor(
    private readonly ctx: ServiceContext,
    private readonly runs: Pick<WindowRunService, 'cancelExecutionsOf'>,
    private readonly engine: EngineNotifier = NO_ENGINE,
  ) {}

  /**
   * Creates an enabled window.
   * @throws ValidationError for bad settings or tags; LimitExceededError at the window quota;
   *   IdempotencyMismatchError when `clientToken` was used for another request.
   */
  async create(settings: Omit<WindowSettings, 'enabled'>, tags: readonly Tag[], clientToken?: string): Promise<string> {
    const now = this.ctx.clock.now();
    const normalised = normaliseWindowSettings({ ...settings, enabled: true }, now);
    validateNewTags(tags);
    const windowId = await this.ctx.store.transaction((store) =>
      once(
        store,
        clientToken === undefined
          ? undefined
          : { scope: 'CreateMaintenanceWindow', token: clientToken, request: { settings, tags } },
        now.getTime(),
        async () => {
          if ((await store.countWindows()) >= this.ctx.quotas.maintenanceWindows) {
            throw new LimitExceededError(
              `This server allows at most ${this.ctx.quotas.maintenanceWindows} maintenance windows; delete one or raise the quota.`,
            );
          }
          const window: MaintenanceWindow = {
            windowId: newWindowId(),
            ...normalised,
            scheduleAnchorAt: now.getTime(),
            createdAt: now.getTime(),
            modifiedAt: now.getTime(),
          };
          await store.insertWindow(window);
          if (tags.length > 0) {
            await store.replaceTags('MaintenanceWindow', window.windowId, tags);
          }
          return window.windowId;
        },
      ),
    );
    this.engine.windowChanged(windowId);
    return windowId;
  }

  /**
   * Applies an UpdateMaintenanceWindow.
   * @throws NotFoundError, ValidationError.
   */
  async update(windowId: string, patch: WindowPatch, replace: boolean): Promise<MaintenanceWindow> {
    const now = this.ctx.clock.now();
    const updated = await this.ctx.store.transaction(async (store) => {
      const current = await store.getWindow(windowId);
      if (current === undefined) {
        throw this.missing(windowId);
      }
      const merged = normaliseWindowSettings(applyWindowPatch(current, patch, replace), now);
      const updated: MaintenanceWindow = {
        ...current,
        ...merged,
        // Spread keeps absent optional members of `merged` as undefined, clearing them.
        scheduleAnchorAt: scheduleAnchorMoves(current, merged) ? now.getTime() : current.scheduleAnchorAt,
        modifiedAt: Math.max(now.getTime(), current.modifiedAt + 1),
      };
      await store.updateWindow(updated);
      return updated;
    });
    this.engine.windowChanged(windowId);
    return updated;
  }

  /** @throws NotFoundError */
  async get(windowId: string): Promise<WindowView> {
    const window = await this.ctx.store.getWindow(windowId);
    if (window === undefined) {
      throw this.missing(windowId);
    }
    return this.view(window);
  }

  /** Deletes the window, its targets, tasks and tags. Idempotent: an unknown id is not an error. */
  async delete(windowId: string): Promise<void> {
    const existed = await this.ctx.store.transaction(async (store) => {
      // A running execution is cancelled as by CancelMaintenanceWindowExecution (spec §6.8), in
      // this transaction, so that a restarted engine still does it.
      await this.runs.cancelExecutionsOf(windowId, store);
      return store.deleteWindow(windowId);
    });
    if (existed) {
      this.engine.windowDeleted(windowId);
    }
  }

  async describe(query: DescribeWindowsQuery): Promise<Page<WindowView>> {
    const page = await this.ctx.store.listWindows(query);
    return { items: page.items.map((window) => this.view(window)), next: page.next };
  }

  /** The window or NotFoundError; for other services. */
  async require(windowId: string, store: Store = this.ctx.store): Promise<MaintenanceWindow> {
    const window = await store.getWindow(windowId);
    if (window === undefined) {
      throw this.missing(windowId);
    }
    return window;
  }

  view(window: MaintenanceWindow): WindowView {
    return { window, nextExecutionAt: this.nextRuns.get(window, this.ctx.clock.now()) };
  }

  private missing(windowId: string): NotFoundError {
    return new NotFoundError('MaintenanceWindow', windowId, `Maintenance window ${windowId} does not exist.`);
  }
}
