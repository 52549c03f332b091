/**
 * Checks the window form with the server's own rules: the same pure functions the API runs
 * (`normaliseWindowSettings` for cutoff, schedule, time zone, offset and dates; the wire shapes
 * for each member alone), bundled into the console. The API stays the judge: its
 * ValidationException is shown at the field too, should the two ever disagree.
 */
import { ValidationError } from '../../../src/domain/errors.js';
import { normaliseWindowSettings, type WindowSettings } from '../../../src/domain/maintenance-window.js';
import * as S from '../../../src/api/wire/shapes.js';

export type WindowFormField =
  | 'name'
  | 'description'
  | 'schedule'
  | 'scheduleTimezone'
  | 'scheduleOffset'
  | 'startDate'
  | 'endDate'
  | 'duration'
  | 'cutoff';

export type FieldErrors = Partial<Record<WindowFormField, string>>;

/** Per-member constraints of CreateMaintenanceWindow, with the form's wording. */
function memberErrors(settings: WindowSettings): FieldErrors {
  const errors: FieldErrors = {};
  if (!S.MaintenanceWindowName.safeParse(settings.name).success) {
    errors.name = 'Use 3 to 128 letters, digits, and the characters _ - . (no spaces).';
  }
  if (settings.description !== undefined && !S.MaintenanceWindowDescription.safeParse(settings.description).success) {
    errors.description = 'At most 128 characters.';
  }
  if (!S.MaintenanceWindowDurationHours.safeParse(settings.duration).success) {
    errors.duration = 'Duration must be a whole number of hours from 1 to 24.';
  }
  if (!S.MaintenanceWindowCutoff.safeParse(settings.cutoff).success) {
    errors.cutoff = 'Stop initiating tasks must be a whole number of hours from 0 to 23.';
  }
  if (settings.scheduleOffset !== undefined && !S.MaintenanceWindowOffset.safeParse(settings.scheduleOffset).success) {
    errors.scheduleOffset = 'Offset must be a whole number of days from 1 to 6.';
  }
  if (settings.schedule.trim() === '') {
    errors.schedule = 'Enter a cron or rate expression.';
  }
  return errors;
}

/** The message of the first violation, by field (the server reports the first failure only). */
function crossFieldErrors(settings: WindowSettings, now: Date): FieldErrors {
  try {
    normaliseWindowSettings(settings, now);
    return {};
  } catch (error) {
    if (error instanceof ValidationError) {
      const violation = error.violations[0];
      const field = (violation?.field ?? 'schedule') as WindowFormField;
      return { [field]: violation?.message ?? error.message };
    }
    return { schedule: error instanceof Error ? error.message : String(error) };
  }
}

/** Errors to show at the form's fields; empty when the API would accept the settings. */
export function checkWindowSettings(settings: WindowSettings, now: Date): FieldErrors {
  const errors = memberErrors(settings);
  if (Object.keys(errors).length > 0) {
    return errors;
  }
  const first = crossFieldErrors(settings, now);
  if (first.cutoff === undefined) {
    return first;
  }
  // The server checks Cutoff < Duration first and stops there; the form also checks the rest,
  // so that a bad schedule shows at its field at the same time.
  return { ...crossFieldErrors({ ...settings, cutoff: 0 }, now), cutoff: first.cutoff };
}

/** The error for a schedule expression alone (UTC, no dates), or undefined when it is valid. */
export function checkScheduleExpression(expression: string, now: Date): string | undefined {
  return crossFieldErrors(
    { name: 'check', schedule: expression, duration: 2, cutoff: 0, allowUnassociatedTargets: false, enabled: true },
    now,
  ).schedule;
}
