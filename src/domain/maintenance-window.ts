/**
 * Maintenance windows, their targets and their tasks as stored entities, and the rules that
 * govern creating and updating them (spec §3, §5). Pure: callers pass `now`.
 */
import { ValidationError } from './errors.js';
import {
  canonicalTimezone,
  nextRunAtOrAfter,
  parseSchedule,
  parseWindowDate,
  validateWindowSchedule,
  type WindowSchedule,
} from './schedule/schedule.js';
import type { Target, WindowTargetResourceType } from './targets.js';

export interface MaintenanceWindow {
  readonly windowId: string;
  readonly name: string;
  readonly description?: string;
  readonly schedule: string;
  /** Canonical IANA spelling, as given (absent = UTC). */
  readonly scheduleTimezone?: string;
  readonly scheduleOffset?: number;
  /** Verbatim ISO-8601 strings, echoed back as given. */
  readonly startDate?: string;
  readonly endDate?: string;
  readonly duration: number;
  readonly cutoff: number;
  readonly allowUnassociatedTargets: boolean;
  readonly enabled: boolean;
  /** When the schedule was set or last changed: the rate anchor and the offset skip point. */
  readonly scheduleAnchorAt: number;
  readonly createdAt: number;
  readonly modifiedAt: number;
}

/** The settable part of a window, as Create and Update take it. */
export interface WindowSettings {
  readonly name: string;
  readonly description?: string;
  readonly schedule: string;
  readonly scheduleTimezone?: string;
  readonly scheduleOffset?: number;
  readonly startDate?: string;
  readonly endDate?: string;
  readonly duration: number;
  readonly cutoff: number;
  readonly allowUnassociatedTargets: boolean;
  readonly enabled: boolean;
}

export type WindowPatch = Partial<WindowSettings>;

/** The schedule of a window in the form the schedule evaluator takes. */
export function windowSchedule(window: MaintenanceWindow): WindowSchedule {
  return {
    schedule: parseSchedule(window.schedule),
    timezone: window.scheduleTimezone === undefined ? 'UTC' : canonicalTimezone(window.scheduleTimezone),
    offsetDays: window.scheduleOffset,
    startDate: window.startDate === undefined ? undefined : parseWindowDate(window.startDate, 'startDate'),
    endDate: window.endDate === undefined ? undefined : parseWindowDate(window.endDate, 'endDate'),
    anchorAt: new Date(window.scheduleAnchorAt),
  };
}

/**
 * Validates settings that span fields (the wire layer has checked each field alone) and
 * returns them normalised (canonical time-zone spelling).
 * @throws ValidationError naming the field at fault.
 */
export function normaliseWindowSettings(settings: WindowSettings, now: Date): WindowSettings {
  if (settings.cutoff >= settings.duration) {
    throw ValidationError.field(
      'cutoff',
      `Cutoff was ${settings.cutoff} but must be smaller than Duration (${settings.duration}): tasks stop starting Cutoff hours before the window ends.`,
      settings.cutoff,
    );
  }
  const scheduleTimezone =
    settings.scheduleTimezone === undefined ? undefined : canonicalTimezone(settings.scheduleTimezone);
  const normalised: WindowSettings = { ...settings, scheduleTimezone };
  validateWindowSchedule(
    {
      schedule: parseSchedule(settings.schedule),
      timezone: scheduleTimezone ?? 'UTC',
      offsetDays: settings.scheduleOffset,
      startDate: settings.startDate === undefined ? undefined : parseWindowDate(settings.startDate, 'startDate'),
      endDate: settings.endDate === undefined ? undefined : parseWindowDate(settings.endDate, 'endDate'),
      anchorAt: now,
    },
    now,
  );
  return normalised;
}

const REQUIRED_ON_REPLACE = ['name', 'schedule', 'duration', 'cutoff', 'allowUnassociatedTargets'] as const;

/**
 * The settings after an UpdateMaintenanceWindow (spec §5.2): absent members keep their value;
 * with `replace`, the Create-required members must be present and absent optional ones are
 * cleared (`enabled` keeps its value when absent).
 * @throws ValidationError when `replace` lacks a required member.
 */
export function applyWindowPatch(current: MaintenanceWindow, patch: WindowPatch, replace: boolean): WindowSettings {
  if (replace) {
    const missing = REQUIRED_ON_REPLACE.find((member) => patch[member] === undefined);
    if (missing !== undefined) {
      throw ValidationError.field(missing, `${missing} is required when Replace is true.`);
    }
    return {
      name: patch.name!,
      description: patch.description,
      schedule: patch.schedule!,
      scheduleTimezone: patch.scheduleTimezone,
      scheduleOffset: patch.scheduleOffset,
      startDate: patch.startDate,
      endDate: patch.endDate,
      duration: patch.duration!,
      cutoff: patch.cutoff!,
      allowUnassociatedTargets: patch.allowUnassociatedTargets!,
      enabled: patch.enabled ?? current.enabled,
    };
  }
  return {
    name: patch.name ?? current.name,
    description: patch.description ?? current.description,
    schedule: patch.schedule ?? current.schedule,
    scheduleTimezone: patch.scheduleTimezone ?? current.scheduleTimezone,
    scheduleOffset: patch.scheduleOffset ?? current.scheduleOffset,
    startDate: patch.startDate ?? current.startDate,
    endDate: patch.endDate ?? current.endDate,
    duration: patch.duration ?? current.duration,
    cutoff: patch.cutoff ?? current.cutoff,
    allowUnassociatedTargets: patch.allowUnassociatedTargets ?? current.allowUnassociatedTargets,
    enabled: patch.enabled ?? current.enabled,
  };
}

/**
 * Whether an update moves the schedule's anchor (spec §3.2: changing Schedule or StartDate
 * re-anchors rate schedules; we also re-anchor on a changed zone or offset, and on re-enabling,
 * so that a re-enabled window computes its next run from now).
 */
export function scheduleAnchorMoves(current: MaintenanceWindow, next: WindowSettings): boolean {
  return (
    next.schedule !== current.schedule ||
    next.startDate !== current.startDate ||
    next.scheduleTimezone !== current.scheduleTimezone ||
    next.scheduleOffset !== current.scheduleOffset ||
    (next.enabled && !current.enabled)
  );
}

/** NextExecutionTime (spec §3.7): the next start at or after `now`, or undefined. */
export function nextExecutionAt(window: MaintenanceWindow, now: Date): Date | undefined {
  if (!window.enabled) {
    return undefined;
  }
  return nextRunAtOrAfter(windowSchedule(window), now);
}

export interface WindowTarget {
  readonly windowTargetId: string;
  readonly windowId: string;
  readonly resourceType: WindowTargetResourceType;
  readonly targets: readonly Target[];
  readonly ownerInformation?: string;
  readonly name?: string;
  readonly description?: string;
  readonly createdAt: number;
}

export type WindowTaskType = 'RUN_COMMAND' | 'AUTOMATION' | 'STEP_FUNCTIONS' | 'LAMBDA';
export type CutoffBehavior = 'CONTINUE_TASK' | 'CANCEL_TASK';

/** Opaque SSM value objects kept in their wire shape (Appendix A of the spec). */
export type TaskInvocationParameters = Readonly<Record<string, unknown>>;
export type TaskParameters = Readonly<Record<string, { readonly Values?: readonly string[] }>>;
export interface LoggingInfo {
  readonly S3BucketName: string;
  readonly S3KeyPrefix?: string;
  readonly S3Region: string;
}
export interface AlarmConfiguration {
  readonly IgnorePollAlarmFailure?: boolean;
  readonly Alarms: readonly { readonly Name: string }[];
}

export interface WindowTask {
  readonly windowTaskId: string;
  readonly windowId: string;
  readonly taskType: WindowTaskType;
  readonly taskArn: string;
  readonly targets: readonly Target[];
  readonly serviceRoleArn?: string;
  readonly taskParameters?: TaskParameters;
  readonly taskInvocationParameters?: TaskInvocationParameters;
  readonly priority: number;
  /** Placeholder "1" for targetless tasks, as SSM reports it. */
  readonly maxConcurrency: string;
  readonly maxErrors: string;
  readonly loggingInfo?: LoggingInfo;
  readonly name?: string;
  readonly description?: string;
  readonly cutoffBehavior?: CutoffBehavior;
  readonly alarmConfiguration?: AlarmConfiguration;
  readonly createdAt: number;
}
