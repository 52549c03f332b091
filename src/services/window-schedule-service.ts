/**
 * Looking ahead and across windows: the upcoming runs of a window or of every window that
 * covers some targets (DescribeMaintenanceWindowSchedule), and which windows cover a node
 * (DescribeMaintenanceWindowsForTarget). Both answer from the windows' definitions; nothing
 * here is cached at registration.
 */
import { NotFoundError } from '../domain/errors.js';
import { windowSchedule, type MaintenanceWindow } from '../domain/maintenance-window.js';
import { upcomingRuns } from '../domain/schedule/schedule.js';
import { selectorCoversQuery, type Target, type WindowTargetResourceType } from '../domain/targets.js';
import type { ServiceContext } from './service-context.js';

/** At most this many upcoming runs are listed per window (spec §5.22: a finite horizon). */
export const SCHEDULE_HORIZON_RUNS = 100;

export interface ScheduledRun {
  readonly windowId: string;
  readonly name: string;
  readonly executionAt: Date;
  readonly timezone: string;
}

export interface ScheduleQuery {
  readonly windowId?: string;
  readonly targets?: readonly Target[];
  readonly resourceType?: WindowTargetResourceType;
  readonly scheduledBefore?: Date;
  readonly scheduledAfter?: Date;
}

export class WindowScheduleService {
  constructor(private readonly ctx: ServiceContext) {}

  /**
   * Upcoming runs, soonest first (ties by window id).
   * @throws NotFoundError for an unknown `windowId`.
   */
  async schedule(query: ScheduleQuery): Promise<ScheduledRun[]> {
    const now = this.ctx.clock.now();
    let windows: MaintenanceWindow[];
    if (query.windowId !== undefined) {
      const window = await this.ctx.store.getWindow(query.windowId);
      if (window === undefined) {
        throw new NotFoundError(
          'MaintenanceWindow',
          query.windowId,
          `Maintenance window ${query.windowId} does not exist.`,
        );
      }
      windows = [window];
    } else {
      windows = await this.windowsCovering(query.targets ?? [], query.resourceType ?? 'INSTANCE');
    }
    const runs: ScheduledRun[] = [];
    for (const window of windows) {
      if (!window.enabled) {
        continue;
      }
      const schedule = windowSchedule(window);
      for (const at of upcomingRuns(schedule, now, SCHEDULE_HORIZON_RUNS)) {
        if (query.scheduledAfter !== undefined && at < query.scheduledAfter) {
          continue;
        }
        if (query.scheduledBefore !== undefined && at > query.scheduledBefore) {
          break;
        }
        runs.push({ windowId: window.windowId, name: window.name, executionAt: at, timezone: schedule.timezone });
      }
    }
    return runs.sort((a, b) => a.executionAt.getTime() - b.executionAt.getTime() || (a.windowId < b.windowId ? -1 : 1));
  }

  /**
   * Windows whose targets cover the queried nodes, tags or resource group: a window target with
   * a matching selector, or (for instance ids) a task naming the node directly. By window id.
   */
  async windowsCovering(
    query: readonly Target[],
    resourceType: WindowTargetResourceType,
  ): Promise<MaintenanceWindow[]> {
    const windowIds = new Set<string>();
    for (const target of await this.ctx.store.listAllWindowTargets()) {
      if (target.resourceType === resourceType && selectorCoversQuery(target.targets, query)) {
        windowIds.add(target.windowId);
      }
    }
    if (resourceType === 'INSTANCE') {
      for (const task of await this.ctx.store.listTasksWithInstanceTargets()) {
        if (selectorCoversQuery(task.targets, query)) {
          windowIds.add(task.windowId);
        }
      }
    }
    const windows = await this.ctx.store.listAllWindows();
    return windows.filter((window) => windowIds.has(window.windowId));
  }
}
