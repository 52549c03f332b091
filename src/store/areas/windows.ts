/** Maintenance windows with their targets and tasks. */
import type { MaintenanceWindow, WindowTarget, WindowTask } from '../../domain/maintenance-window.js';
import type { Page, PageRequest } from './paging.js';

export interface WindowQuery extends PageRequest {
  /** Name prefixes, OR-ed. */
  readonly namePrefixes?: readonly string[];
  readonly enabled?: boolean;
}

export interface WindowTargetQuery extends PageRequest {
  readonly windowId: string;
  readonly resourceTypes?: readonly string[];
  readonly windowTargetIds?: readonly string[];
  readonly ownerInformation?: readonly string[];
}

export interface WindowTaskQuery extends PageRequest {
  readonly windowId: string;
  readonly windowTaskIds?: readonly string[];
  readonly taskArns?: readonly string[];
  readonly priorities?: readonly number[];
  readonly taskTypes?: readonly string[];
}

/** Maintenance windows. */
/** Maintenance windows. */
export interface WindowStore {
  insertWindow(window: MaintenanceWindow): Promise<void>;
  /** Replaces the stored row. @returns false when the window does not exist. */
  updateWindow(window: MaintenanceWindow): Promise<boolean>;
  getWindow(windowId: string): Promise<MaintenanceWindow | undefined>;
  /** Deletes the window with its targets, tasks and tags; history stays. @returns whether it existed. */
  deleteWindow(windowId: string): Promise<boolean>;
  listWindows(query: WindowQuery): Promise<Page<MaintenanceWindow>>;
  /** Every window, for schedule and target searches; ordered by window id. */
  listAllWindows(): Promise<MaintenanceWindow[]>;
  countWindows(): Promise<number>;
}

/** The targets and tasks registered with windows. */
/** The targets and tasks registered with windows. */
export interface WindowTargetTaskStore {
  // Window targets
  insertWindowTarget(target: WindowTarget): Promise<void>;
  updateWindowTarget(target: WindowTarget): Promise<boolean>;
  getWindowTarget(windowId: string, windowTargetId: string): Promise<WindowTarget | undefined>;
  deleteWindowTarget(windowId: string, windowTargetId: string): Promise<boolean>;
  listWindowTargets(query: WindowTargetQuery): Promise<Page<WindowTarget>>;
  /** Every target of every window (for DescribeMaintenanceWindowsForTarget). */
  listAllWindowTargets(): Promise<WindowTarget[]>;
  countWindowTargets(windowId: string): Promise<number>;

  // Window tasks
  insertWindowTask(task: WindowTask): Promise<void>;
  updateWindowTask(task: WindowTask): Promise<boolean>;
  getWindowTask(windowId: string, windowTaskId: string): Promise<WindowTask | undefined>;
  deleteWindowTask(windowId: string, windowTaskId: string): Promise<boolean>;
  listWindowTasks(query: WindowTaskQuery): Promise<Page<WindowTask>>;
  /** Every task of one window, in registration order. */
  listAllWindowTasks(windowId: string): Promise<WindowTask[]>;
  /** Every task of every window that targets nodes directly (InstanceIds). */
  listTasksWithInstanceTargets(): Promise<WindowTask[]>;
  countWindowTasks(windowId: string): Promise<number>;
}
