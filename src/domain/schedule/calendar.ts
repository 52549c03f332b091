/**
 * Proleptic Gregorian calendar helpers for wall-clock times. No time zone is involved: a wall
 * clock is encoded as "wall ms", the local date and time read as if it were UTC (see
 * `zone-rules.ts`).
 */

/** A local date and time as printed on a wall clock. `month` is 1–12. */
export interface WallClockTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const DAY_MS = 86_400_000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** Day of week in AWS cron numbering: 1 = Sunday … 7 = Saturday. */
export function dayOfWeek(year: number, month: number, day: number): number {
  const midnightMs =
    year >= 100 ? Date.UTC(year, month - 1, day) : wallMsOf({ year, month, day, hour: 0, minute: 0, second: 0 });
  const epochDay = Math.floor(midnightMs / DAY_MS);
  // 1970-01-01 was a Thursday (5 in AWS numbering).
  return ((((epochDay + 4) % 7) + 7) % 7) + 1;
}

/** Encodes a wall-clock time as wall ms. Years below 100 are taken literally (unlike `Date.UTC`). */
export function wallMsOf(time: WallClockTime, millisecond = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(time.year, time.month - 1, time.day);
  date.setUTCHours(time.hour, time.minute, time.second, millisecond);
  return date.getTime();
}

export function wallClockFields(wallMs: number): WallClockTime {
  const date = new Date(wallMs);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
  };
}

/** True when the fields name a real calendar date and time (no Feb 30, no 24:00). */
export function isValidWallClock(time: WallClockTime): boolean {
  return (
    time.month >= 1 &&
    time.month <= 12 &&
    time.day >= 1 &&
    time.day <= daysInMonth(time.year, time.month) &&
    time.hour >= 0 &&
    time.hour <= 23 &&
    time.minute >= 0 &&
    time.minute <= 59 &&
    time.second >= 0 &&
    time.second <= 59
  );
}
