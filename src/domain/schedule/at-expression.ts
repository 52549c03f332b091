/**
 * `at(yyyy-mm-ddThh:mm:ss)` one-time schedules (spec §3.3). The wall-clock time is read in the
 * window's `ScheduleTimezone` (UTC when absent) by `schedule.ts`; this file parses it.
 *
 * Exactly that shape: no zone suffix, no fractional seconds, a real calendar date and time.
 * Years before 1970 are rejected (nothing can run then and the cron grammar shares the bound).
 */
import { isValidWallClock, type WallClockTime } from './calendar.js';
import { invalidScheduleExpression } from './schedule-errors.js';

export interface AtExpression {
  readonly wallClock: WallClockTime;
}

/**
 * Parses `at(...)`. `text` is the whole expression, already trimmed.
 * @throws ValidationError on field `schedule`.
 */
export function parseAtExpression(text: string): AtExpression {
  const fail = (detail: string): never => {
    throw invalidScheduleExpression(text, detail);
  };
  const parts = /^at\(([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\)$/.exec(text);
  if (parts === null) {
    return fail('expected at(yyyy-mm-ddThh:mm:ss), e.g. at(2021-07-07T13:15:30)');
  }
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wallClock: WallClockTime = { year, month, day, hour, minute, second };
  const dateText = text.slice(3, 13);
  const timeText = text.slice(14, 22);
  if (!isValidWallClock({ ...wallClock, hour: 0, minute: 0, second: 0 })) {
    return fail(`${dateText} is not a calendar date`);
  }
  if (!isValidWallClock(wallClock)) {
    return fail(`${timeText} is not a valid time of day`);
  }
  if (year < 1970) {
    return fail(`year ${year} is before 1970`);
  }
  return { wallClock };
}
