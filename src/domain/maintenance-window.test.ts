import { describe, expect, it } from 'vitest';
import { aWindow } from '../../test/support/builders.js';
import { ValidationError } from './errors.js';
import {
  applyWindowPatch,
  nextExecutionAt,
  normaliseWindowSettings,
  scheduleAnchorMoves,
  type MaintenanceWindow,
  type WindowPatch,
  type WindowSettings,
} from './maintenance-window.js';

const NOW = new Date('2024-01-15T12:00:00Z');

function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, but nothing was thrown');
}

function settingsOf(window: MaintenanceWindow): WindowSettings {
  return {
    name: window.name,
    description: window.description,
    schedule: window.schedule,
    scheduleTimezone: window.scheduleTimezone,
    scheduleOffset: window.scheduleOffset,
    startDate: window.startDate,
    endDate: window.endDate,
    duration: window.duration,
    cutoff: window.cutoff,
    allowUnassociatedTargets: window.allowUnassociatedTargets,
    enabled: window.enabled,
  };
}

const current = aWindow({
  name: 'nightly-patching',
  description: 'Patches every night',
  schedule: 'cron(0 2 ? * * *)',
  scheduleTimezone: 'Europe/Berlin',
  scheduleOffset: 2,
  startDate: '2024-01-01T00:00:00Z',
  endDate: '2030-01-01T00:00:00Z',
  duration: 4,
  cutoff: 1,
  allowUnassociatedTargets: true,
  enabled: true,
});

const replaceRequired = {
  name: 'weekly-patching',
  schedule: 'rate(7 days)',
  duration: 2,
  cutoff: 0,
  allowUnassociatedTargets: false,
} as const satisfies WindowPatch;

describe('applyWindowPatch', () => {
  it('keeps every member when the patch is empty', () => {
    expect(applyWindowPatch(current, {}, false)).toEqual(settingsOf(current));
  });

  it('changes only the members the patch carries', () => {
    expect(applyWindowPatch(current, { description: 'Renamed', duration: 6, enabled: false }, false)).toEqual({
      ...settingsOf(current),
      description: 'Renamed',
      duration: 6,
      enabled: false,
    });
  });

  it('keeps false and zero values from the patch', () => {
    const next = applyWindowPatch(current, { allowUnassociatedTargets: false, cutoff: 0 }, false);
    expect(next.allowUnassociatedTargets).toBe(false);
    expect(next.cutoff).toBe(0);
  });

  it.each(['name', 'schedule', 'duration', 'cutoff', 'allowUnassociatedTargets'] as const)(
    'requires %s when Replace is true',
    (member) => {
      const patch: WindowPatch = { ...replaceRequired, [member]: undefined };
      const error = validationErrorOf(() => applyWindowPatch(current, patch, true));
      expect(error.violations[0]?.field).toBe(member);
    },
  );

  it('clears every absent optional member when Replace is true', () => {
    expect(applyWindowPatch(current, replaceRequired, true)).toEqual({
      ...replaceRequired,
      description: undefined,
      scheduleTimezone: undefined,
      scheduleOffset: undefined,
      startDate: undefined,
      endDate: undefined,
      enabled: true,
    });
  });

  it('keeps Enabled when Replace is true and Enabled is absent', () => {
    const disabled = aWindow({ ...current, enabled: false });
    expect(applyWindowPatch(disabled, replaceRequired, true).enabled).toBe(false);
  });

  it('takes Enabled from the patch when Replace is true', () => {
    expect(applyWindowPatch(current, { ...replaceRequired, enabled: false }, true).enabled).toBe(false);
  });

  it('keeps the optional members the replacing request sends', () => {
    const next = applyWindowPatch(
      current,
      {
        ...replaceRequired,
        schedule: 'cron(0 4 ? * * *)',
        description: 'New',
        scheduleTimezone: 'UTC',
        scheduleOffset: 1,
      },
      true,
    );
    expect(next).toMatchObject({ description: 'New', scheduleTimezone: 'UTC', scheduleOffset: 1 });
  });
});

describe('normaliseWindowSettings', () => {
  const base: WindowSettings = {
    name: 'nightly-patching',
    schedule: 'cron(0 2 ? * * *)',
    duration: 3,
    cutoff: 1,
    allowUnassociatedTargets: false,
    enabled: true,
  };

  it('accepts a Cutoff one hour below Duration', () => {
    expect(normaliseWindowSettings({ ...base, duration: 2, cutoff: 1 }, NOW)).toEqual({
      ...base,
      duration: 2,
      cutoff: 1,
    });
  });

  it.each([
    ['equal to', 3, 3],
    ['greater than', 2, 5],
  ])('refuses a Cutoff %s Duration on cutoff', (_relation, duration, cutoff) => {
    const error = validationErrorOf(() => normaliseWindowSettings({ ...base, duration, cutoff }, NOW));
    expect(error.violations[0]?.field).toBe('cutoff');
  });

  it.each([
    ['america/new_york', 'America/New_York'],
    ['ETC/UTC', 'Etc/UTC'],
    ['Asia/Tokyo', 'Asia/Tokyo'],
  ])('canonicalises time zone %s to %s', (given, canonical) => {
    expect(normaliseWindowSettings({ ...base, scheduleTimezone: given }, NOW).scheduleTimezone).toBe(canonical);
  });

  it('leaves an absent time zone absent', () => {
    expect(normaliseWindowSettings(base, NOW).scheduleTimezone).toBeUndefined();
  });

  interface RefusedCase {
    readonly name: string;
    readonly settings: Partial<WindowSettings>;
    readonly field: string;
  }

  const refused: readonly RefusedCase[] = [
    { name: 'an unknown time zone', settings: { scheduleTimezone: 'Mars/Olympus_Mons' }, field: 'scheduleTimezone' },
    { name: 'a malformed schedule', settings: { schedule: 'every night' }, field: 'schedule' },
    {
      name: 'an offset on a rate schedule',
      settings: { schedule: 'rate(1 day)', scheduleOffset: 2 },
      field: 'scheduleOffset',
    },
    { name: 'an unparseable StartDate', settings: { startDate: 'tomorrow' }, field: 'startDate' },
    {
      name: 'an EndDate before the StartDate',
      settings: { startDate: '2025-06-01T00:00:00Z', endDate: '2025-05-01T00:00:00Z' },
      field: 'endDate',
    },
    { name: 'an EndDate in the past', settings: { endDate: '2024-01-01T00:00:00Z' }, field: 'endDate' },
  ];

  it.each(refused.map((c) => [c.name, c.field, c] as const))(
    'refuses %s on %s',
    (_name, _field, { settings, field }) => {
      const error = validationErrorOf(() => normaliseWindowSettings({ ...base, ...settings }, NOW));
      expect(error.violations[0]?.field).toBe(field);
    },
  );

  it('checks Cutoff against Duration after a Replace has merged the request', () => {
    const merged = applyWindowPatch(current, { ...replaceRequired, duration: 1, cutoff: 1 }, true);
    const error = validationErrorOf(() => normaliseWindowSettings(merged, NOW));
    expect(error.violations[0]?.field).toBe('cutoff');
  });

  it('refuses a kept offset when a patch switches the schedule to rate', () => {
    const merged = applyWindowPatch(current, { schedule: 'rate(1 day)' }, false);
    const error = validationErrorOf(() => normaliseWindowSettings(merged, NOW));
    expect(error.violations[0]?.field).toBe('scheduleOffset');
  });
});

describe('scheduleAnchorMoves', () => {
  const stored = aWindow({
    schedule: 'rate(2 hours)',
    startDate: '2024-01-01T00:00:00Z',
    scheduleTimezone: 'Europe/Berlin',
    enabled: true,
  });

  it.each<[string, Partial<WindowSettings>]>([
    ['nothing changes', {}],
    ['the name changes', { name: 'renamed' }],
    ['Duration and Cutoff change', { duration: 8, cutoff: 2 }],
    ['the EndDate changes', { endDate: '2031-01-01T00:00:00Z' }],
    ['the window is disabled', { enabled: false }],
  ])('keeps the anchor when %s', (_name, change) => {
    expect(scheduleAnchorMoves(stored, { ...settingsOf(stored), ...change })).toBe(false);
  });

  it.each<[string, Partial<WindowSettings>]>([
    ['the schedule changes', { schedule: 'rate(3 hours)' }],
    ['the StartDate changes', { startDate: '2024-02-01T00:00:00Z' }],
    ['the StartDate is cleared', { startDate: undefined }],
    ['the time zone changes', { scheduleTimezone: 'UTC' }],
    ['the offset changes', { scheduleOffset: 1 }],
  ])('moves the anchor when %s', (_name, change) => {
    expect(scheduleAnchorMoves(stored, { ...settingsOf(stored), ...change })).toBe(true);
  });

  it('moves the anchor when a disabled window is enabled again', () => {
    const disabled = aWindow({ ...stored, enabled: false });
    expect(scheduleAnchorMoves(disabled, { ...settingsOf(disabled), enabled: true })).toBe(true);
  });
});

describe('nextExecutionAt', () => {
  it('gives the next start of an enabled window', () => {
    const window = aWindow({ schedule: 'cron(0 2 ? * * *)', scheduleAnchorAt: NOW.getTime() - 60_000 });
    expect(nextExecutionAt(window, NOW)).toEqual(new Date('2024-01-16T02:00:00Z'));
  });

  it('gives nothing for a disabled window', () => {
    const window = aWindow({ schedule: 'cron(0 2 ? * * *)', enabled: false, scheduleAnchorAt: NOW.getTime() - 60_000 });
    expect(nextExecutionAt(window, NOW)).toBeUndefined();
  });

  it('gives nothing once the EndDate has passed', () => {
    const window = aWindow({
      schedule: 'rate(1 hour)',
      endDate: '2024-01-15T11:00:00Z',
      scheduleAnchorAt: Date.parse('2024-01-01T00:00:00Z'),
    });
    expect(nextExecutionAt(window, NOW)).toBeUndefined();
  });

  it('evaluates the schedule in the window time zone', () => {
    const window = aWindow({
      schedule: 'cron(0 2 ? * * *)',
      scheduleTimezone: 'America/New_York',
      scheduleAnchorAt: NOW.getTime() - 60_000,
    });
    expect(nextExecutionAt(window, NOW)).toEqual(new Date('2024-01-16T07:00:00Z'));
  });
});
