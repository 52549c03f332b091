/**
 * Maintenance-window schedules: parse `Schedule`, validate a window's schedule settings, and
 * compute when the window runs (spec §3). Pure: every instant comes from the caller.
 *
 * Model. A window's schedule is a `WindowSchedule`: an expression, a time zone, an optional
 * offset in days, an optional active period [StartDate, EndDate), and `anchorAt`, the instant the
 * schedule was created or last changed. Its runs are:
 * - cron: every wall-clock time in `timezone` that matches the expression, plus `offsetDays` days
 *   of wall clock, converted to an instant. A fire time C whose instant (before the offset) is
 *   earlier than `anchorAt` is skipped (§3.5): the window was not there to see it.
 * - rate: A + k·interval. If StartDate is later than `anchorAt`, A = StartDate and k ≥ 0;
 *   otherwise A = `anchorAt` and k ≥ 1 (§3.2). Days are 24 h; the time zone does not matter.
 * - at: the one wall-clock time in `timezone`, unless it is earlier than `anchorAt` (§3.3).
 * Every kind then keeps only runs with StartDate ≤ run < EndDate.
 *
 * DST, following java.time (which AWS runs on), see `zone-rules.ts`:
 * - a wall time inside a spring-forward gap runs later by the length of the gap
 *   (New York 02:30 on 2024-03-10 runs at 03:30 EDT);
 * - a wall time that happens twice at fall-back runs once, at the earlier instant (the offset
 *   in force before the change);
 * - runs are instants, so two wall times that resolve to the same instant (02:00 moved onto a
 *   03:00 that also matches) produce one run. Because a moved gap time lands after the real wall
 *   times that follow the gap, the cron search below is careful to return the earliest instant,
 *   not the earliest wall time.
 *
 * Cost. `parseSchedule` once per write; `nextRunAtOrAfter` per read. A cron lookup is a few
 * table jumps in `CronExpression.nextAfter` plus memoised zone offsets, a few microseconds.
 */
import { ValidationError } from '../errors.js';
import { parseAtExpression } from './at-expression.js';
import { isValidWallClock, wallClockFields, wallMsOf, type WallClockTime } from './calendar.js';
import { parseCronExpression, type CronExpression } from './cron-expression.js';
import { IANA_TIME_ZONE_NAMES } from './iana-time-zone-names.js';
import { parseRateExpression, type RateUnit } from './rate-expression.js';
import { invalidScheduleExpression } from './schedule-errors.js';
import { DAY_MS, isUtcZoneName, ZoneRules, type WallClockResolution } from './zone-rules.js';

/** A parsed `Schedule`. `text` is the expression without surrounding spaces. */
export type ScheduleExpression =
  | { readonly kind: 'cron'; readonly text: string; readonly cron: CronExpression }
  | {
      readonly kind: 'rate';
      readonly text: string;
      readonly intervalMs: number;
      readonly value: number;
      readonly unit: RateUnit;
    }
  | { readonly kind: 'at'; readonly text: string; readonly wallClock: WallClockTime };

/** Everything that decides when a maintenance window runs (`Enabled` aside). */
export interface WindowSchedule {
  readonly schedule: ScheduleExpression;
  /** Canonical IANA name (see `canonicalTimezone`); `'UTC'` when the window has none. */
  readonly timezone: string;
  /** `ScheduleOffset`: 1..6, cron only. */
  readonly offsetDays?: number;
  /** First instant a run may happen (inclusive). */
  readonly startDate?: Date;
  /** Runs happen strictly before this instant. */
  readonly endDate?: Date;
  /** When the schedule was created or last changed: the rate anchor and the §3.5 skip bound. */
  readonly anchorAt: Date;
}

const MAX_SCHEDULE_LENGTH = 256;
const MIN_CRON_SPACING_MS = 5 * 60_000;
/** How many upcoming fire times the minimum-spacing check inspects (§3.1 rule 5). */
const SPACING_CHECK_COUNT = 100;

/**
 * Parses a `Schedule` member. Surrounding spaces are ignored; keywords are lower-case.
 * @throws ValidationError on field `schedule` for anything that is not a valid cron, rate or at
 *   expression; the message quotes the expression and names the wrong part.
 */
export function parseSchedule(text: string): ScheduleExpression {
  // Parsed expressions are immutable, so each text is parsed once (windows are read far more
  // often than they are written).
  let parsed = parsedSchedules.get(text);
  if (parsed === undefined) {
    parsed = parseScheduleText(text);
    if (parsedSchedules.size >= PARSED_SCHEDULE_CACHE_LIMIT) {
      parsedSchedules.delete(parsedSchedules.keys().next().value!);
    }
    parsedSchedules.set(text, parsed);
  }
  return parsed;
}

const PARSED_SCHEDULE_CACHE_LIMIT = 5_000;
const parsedSchedules = new Map<string, ScheduleExpression>();

function parseScheduleText(text: string): ScheduleExpression {
  if (text.length > MAX_SCHEDULE_LENGTH) {
    throw invalidScheduleExpression(text, `longer than ${MAX_SCHEDULE_LENGTH} characters`);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('cron(')) {
    return { kind: 'cron', text: trimmed, cron: parseCronExpression(trimmed) };
  }
  if (trimmed.startsWith('rate(')) {
    return { kind: 'rate', text: trimmed, ...parseRateExpression(trimmed) };
  }
  if (trimmed.startsWith('at(')) {
    return { kind: 'at', text: trimmed, ...parseAtExpression(trimmed) };
  }
  throw invalidScheduleExpression(
    trimmed,
    trimmed === '' ? 'the schedule is empty' : 'expected cron(...), rate(...) or at(...)',
  );
}

let zoneNamesByLowerCase: Map<string, string> | undefined;

/**
 * The canonical spelling of an IANA time-zone name, matched case-insensitively
 * (`etc/utc` → `Etc/UTC`, `america/new_york` → `America/New_York`). Aliases keep their own name
 * (`US/Eastern` stays `US/Eastern`).
 * @throws ValidationError on field `scheduleTimezone` for a name the tz database does not have.
 */
export function canonicalTimezone(name: string): string {
  let canonical = canonicalZones.get(name);
  if (canonical === undefined) {
    canonical = resolveTimezoneName(name);
    if (canonicalZones.size < CANONICAL_ZONE_CACHE_LIMIT) {
      canonicalZones.set(name, canonical);
    }
  }
  return canonical;
}

/** Names already resolved (only valid ones; the tz database is fixed for the process's life). */
const canonicalZones = new Map<string, string>();
const CANONICAL_ZONE_CACHE_LIMIT = 5_000;

function resolveTimezoneName(name: string): string {
  if (zoneNamesByLowerCase === undefined) {
    // Built on first use rather than at import. The runtime's own list comes first so that our
    // generated list, which spells aliases as the tz database does, wins on conflicts.
    zoneNamesByLowerCase = new Map();
    for (const known of [...Intl.supportedValuesOf('timeZone'), ...IANA_TIME_ZONE_NAMES]) {
      zoneNamesByLowerCase.set(known.toLowerCase(), known);
    }
  }
  const known = zoneNamesByLowerCase.get(name.toLowerCase());
  if (known !== undefined && isRuntimeZone(known)) {
    return known;
  }
  // A zone newer than our list but known to the runtime: take the runtime's spelling.
  if (/^[A-Za-z]/.test(name) && isRuntimeZone(name)) {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  }
  throw ValidationError.field(
    'scheduleTimezone',
    `Invalid ScheduleTimezone ${name}: not a known IANA time zone name`,
    name,
  );
}

function isRuntimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false; // RangeError: the runtime's tz data has no such zone
  }
}

const WINDOW_DATE =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.,]([0-9]+))?)?(Z|[+-][0-9]{2}(?::?[0-9]{2})?)$/i;

/**
 * Parses `StartDate`/`EndDate`: ISO-8601 date-time with `Z` or a numeric offset
 * (`2021-04-07T14:29:00-08:00`). Lenient: seconds may be missing, fractional seconds (truncated
 * to milliseconds) and offsets without a colon are accepted.
 * @throws ValidationError on `field` for anything else, including impossible dates.
 */
export function parseWindowDate(text: string, field: 'startDate' | 'endDate'): Date {
  const label = field === 'startDate' ? 'StartDate' : 'EndDate';
  const invalid = (detail: string) => ValidationError.field(field, `Invalid ${label} ${text}: ${detail}`, text);
  const parts = WINDOW_DATE.exec(text.trim());
  if (parts === null) {
    throw invalid(
      'expected an ISO-8601 date-time with an offset, e.g. 2021-04-07T14:29:00-08:00 or 2021-01-01T00:00:00Z',
    );
  }
  const [, year, month, day, hour, minute, second, fraction, offset] = parts;
  const wallClock: WallClockTime = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second ?? 0),
  };
  if (!isValidWallClock(wallClock)) {
    throw invalid('not a real calendar date and time');
  }
  const offsetMs = parseOffsetMs(offset ?? 'Z');
  if (offsetMs === undefined) {
    throw invalid(`offset ${offset} is outside -18:00 to +18:00`);
  }
  const millisecond = fraction === undefined ? 0 : Number(fraction.padEnd(3, '0').slice(0, 3));
  return new Date(wallMsOf(wallClock, millisecond) - offsetMs);
}

/** `Z`, `±hh`, `±hhmm` or `±hh:mm` in ms east of UTC; `undefined` when out of range. */
function parseOffsetMs(offset: string): number | undefined {
  if (offset.toUpperCase() === 'Z') {
    return 0;
  }
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 18 || minutes > 59 || (hours === 18 && minutes > 0)) {
    return undefined;
  }
  return (offset.startsWith('-') ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

/**
 * Checks the rules that involve more than one schedule member, or `now`:
 * - `scheduleTimezone` is a known zone;
 * - `scheduleOffset` only with cron, and 1..6;
 * - a cron expression has a fire time after `now`, and its next 100 fire times are at least
 *   5 minutes apart (`schedule`);
 * - `endDate` is later than `startDate` and than `now`.
 * @throws ValidationError naming the offending field; the first failure wins.
 */
export function validateWindowSchedule(ws: WindowSchedule, now: Date): void {
  canonicalTimezone(ws.timezone);
  if (ws.offsetDays !== undefined) {
    if (ws.schedule.kind !== 'cron') {
      throw ValidationError.field(
        'scheduleOffset',
        'Schedule offsets are supported for CRON expressions only',
        ws.offsetDays,
      );
    }
    if (!Number.isInteger(ws.offsetDays) || ws.offsetDays < 1 || ws.offsetDays > 6) {
      throw ValidationError.field('scheduleOffset', `ScheduleOffset ${ws.offsetDays} is outside 1-6`, ws.offsetDays);
    }
  }
  if (ws.schedule.kind === 'cron') {
    checkCronFireTimes(ws.schedule.cron, ZoneRules.for(ws.timezone), now);
  }
  if (ws.endDate !== undefined) {
    if (ws.startDate !== undefined && ws.endDate.getTime() <= ws.startDate.getTime()) {
      throw ValidationError.field(
        'endDate',
        `EndDate ${ws.endDate.toISOString()} must be later than StartDate ${ws.startDate.toISOString()}`,
        ws.endDate,
      );
    }
    if (ws.endDate.getTime() <= now.getTime()) {
      throw ValidationError.field('endDate', `EndDate ${ws.endDate.toISOString()} is in the past`, ws.endDate);
    }
  }
}

function checkCronFireTimes(cron: CronExpression, rules: ZoneRules, now: Date): void {
  let previousMs = nextCronRunMs(cron, rules, 0, now.getTime(), -Infinity);
  if (previousMs === undefined) {
    throw invalidScheduleExpression(cron.text, `the expression has no fire time after ${now.toISOString()}`);
  }
  for (let count = 1; count < SPACING_CHECK_COUNT; count++) {
    const nextMs = nextCronRunMs(cron, rules, 0, previousMs, -Infinity);
    if (nextMs === undefined) {
      return;
    }
    if (nextMs - previousMs < MIN_CRON_SPACING_MS) {
      throw invalidScheduleExpression(
        cron.text,
        `fire times ${new Date(previousMs).toISOString()} and ${new Date(nextMs).toISOString()} are less than 5 minutes apart`,
      );
    }
    previousMs = nextMs;
  }
}

/**
 * The first run strictly after `after`, or `undefined` when the window never runs again.
 * Never returns a cron run whose base fire time is before `anchorAt` (§3.5), nor an `at()` run
 * before `anchorAt`. The caller handles `Enabled`.
 */
export function nextRunAfter(ws: WindowSchedule, after: Date): Date | undefined {
  const runMs = nextRunAfterMs(ws, after.getTime());
  return runMs === undefined ? undefined : new Date(runMs);
}

/**
 * `NextExecutionTime` (§3.7): the first run at or after `now`, or `undefined` (omit the member).
 * The caller handles `Enabled`.
 */
export function nextRunAtOrAfter(ws: WindowSchedule, now: Date): Date | undefined {
  const runMs = nextRunAfterMs(ws, now.getTime() - 1);
  return runMs === undefined ? undefined : new Date(runMs);
}

/** Up to `limit` runs, the first at or after `now`, in ascending order without duplicates. */
export function upcomingRuns(ws: WindowSchedule, now: Date, limit: number): Date[] {
  const runs: Date[] = [];
  let runMs = limit > 0 ? nextRunAfterMs(ws, now.getTime() - 1) : undefined;
  while (runMs !== undefined) {
    runs.push(new Date(runMs));
    runMs = runs.length < limit ? nextRunAfterMs(ws, runMs) : undefined;
  }
  return runs;
}

function nextRunAfterMs(ws: WindowSchedule, afterMs: number): number | undefined {
  const endMs = ws.endDate?.getTime() ?? Infinity;
  // StartDate is inclusive: a run exactly at StartDate is "after" StartDate − 1 ms.
  const fromMs = Math.max(afterMs, (ws.startDate?.getTime() ?? -Infinity) - 1);
  if (fromMs >= endMs) {
    return undefined;
  }
  const runMs = nextScheduledMs(ws, fromMs);
  return runMs !== undefined && runMs < endMs ? runMs : undefined;
}

/** The next run after `afterMs` ignoring EndDate. */
function nextScheduledMs(ws: WindowSchedule, afterMs: number): number | undefined {
  const { schedule } = ws;
  const anchorMs = ws.anchorAt.getTime();
  switch (schedule.kind) {
    case 'cron':
      return nextCronRunMs(schedule.cron, ZoneRules.for(ws.timezone), ws.offsetDays ?? 0, afterMs, anchorMs);
    case 'rate': {
      const startMs = ws.startDate?.getTime();
      const isStartAnchored = startMs !== undefined && startMs > anchorMs;
      const originMs = isStartAnchored ? startMs : anchorMs;
      const firstIndex = isStartAnchored ? 0 : 1;
      const index = Math.max(firstIndex, Math.floor((afterMs - originMs) / schedule.intervalMs) + 1);
      return originMs + index * schedule.intervalMs;
    }
    case 'at': {
      const runMs = ZoneRules.for(ws.timezone).resolve(wallMsOf(schedule.wallClock)).instantMs;
      return runMs > afterMs && runMs >= anchorMs ? runMs : undefined;
    }
  }
}

/**
 * The earliest cron run instant strictly after `afterMs` whose base fire time (before the
 * offset) is at or after `earliestBaseMs`.
 *
 * Runs are searched on the wall clock of the zone, then resolved to instants. Resolution is
 * monotonic except around spring-forward gaps, where a gap time moved later by the gap length
 * overtakes the real wall times just after the gap. Two consequences handled here:
 * 1. the search starts one gap length earlier on the wall clock when a gap just passed
 *    (`recentGapMs`), since such moved times can still be in the future;
 * 2. when the first acceptable run is a moved gap time, the first real wall time after the gap
 *    may resolve earlier, so we look ahead up to one gap length for it.
 */
function nextCronRunMs(
  cron: CronExpression,
  rules: ZoneRules,
  offsetDays: number,
  afterMs: number,
  earliestBaseMs: number,
): number | undefined {
  // The offset shifts the wall clock, not the instant: the run keeps C's local time of day.
  const shiftMs = offsetDays * DAY_MS;
  const nextWallMs = (wallMs: number): number | undefined => {
    const baseWallMs = cron.nextAfter(wallMs - shiftMs);
    return baseWallMs === undefined ? undefined : baseWallMs + shiftMs;
  };
  const acceptedRun = (wallMs: number): WallClockResolution | undefined => {
    const run = rules.resolve(wallMs);
    if (run.instantMs <= afterMs) {
      return undefined;
    }
    const baseMs = shiftMs === 0 ? run.instantMs : rules.resolve(wallMs - shiftMs).instantMs;
    return baseMs >= earliestBaseMs ? run : undefined;
  };

  let fromWallMs = rules.wallClockOf(afterMs) - rules.recentGapMs(afterMs);
  if (earliestBaseMs > -Infinity) {
    // Skip straight past base fire times before the bound instead of resolving each of them.
    const beforeBaseMs = earliestBaseMs - 1;
    const baseFloorWallMs = rules.wallClockOf(beforeBaseMs) - rules.recentGapMs(beforeBaseMs);
    fromWallMs = Math.max(fromWallMs, baseFloorWallMs + shiftMs);
  }

  for (let wallMs = nextWallMs(fromWallMs); wallMs !== undefined; wallMs = nextWallMs(wallMs)) {
    const run = acceptedRun(wallMs);
    if (run === undefined) {
      continue;
    }
    if (!run.isInGap) {
      return run.instantMs;
    }
    // Wall times in (wallMs, wallMs + gap) either lie in the gap too (later instants) or just
    // after it; the first of the latter is the only one that can resolve earlier.
    for (
      let laterWallMs = nextWallMs(wallMs);
      laterWallMs !== undefined && laterWallMs < wallMs + run.gapMs;
      laterWallMs = nextWallMs(laterWallMs)
    ) {
      const later = acceptedRun(laterWallMs);
      if (later !== undefined && !later.isInGap) {
        return Math.min(run.instantMs, later.instantMs);
      }
    }
    return run.instantMs;
  }
  return undefined;
}

/**
 * Renders a run instant for the API (§3.8): in a non-UTC zone, local time with its numeric
 * offset (`2019-10-20T05:34:56-07:00`); in UTC (or no zone), `2019-05-18T17:01:01.137Z`.
 * Milliseconds appear only when non-zero. `timezone` must already be valid (`canonicalTimezone`).
 */
export function formatScheduleTime(instant: Date, timezone: string): string {
  const instantMs = instant.getTime();
  const offsetMs = isUtcZoneName(timezone) ? 0 : ZoneRules.for(timezone).offsetMs(instantMs);
  const wall = wallClockFields(instantMs + offsetMs);
  const millisecond = ((instantMs % 1000) + 1000) % 1000;
  const date = `${pad(wall.year, 4)}-${pad(wall.month, 2)}-${pad(wall.day, 2)}`;
  const time = `${pad(wall.hour, 2)}:${pad(wall.minute, 2)}:${pad(wall.second, 2)}`;
  const fraction = millisecond === 0 ? '' : `.${pad(millisecond, 3)}`;
  const zone = isUtcZoneName(timezone) ? 'Z' : formatOffset(offsetMs);
  return `${date}T${time}${fraction}${zone}`;
}

/** `+09:00`, `-07:00`, `+00:00`; historical offsets with seconds get `:ss` as java.time does. */
function formatOffset(offsetMs: number): string {
  const totalSeconds = Math.round(Math.abs(offsetMs) / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const sign = offsetMs < 0 ? '-' : '+';
  return `${sign}${pad(hours, 2)}:${pad(minutes, 2)}${seconds === 0 ? '' : `:${pad(seconds, 2)}`}`;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
