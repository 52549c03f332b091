import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import {
  canonicalTimezone,
  formatScheduleTime,
  nextRunAfter,
  nextRunAtOrAfter,
  parseSchedule,
  parseWindowDate,
  upcomingRuns,
  validateWindowSchedule,
  type WindowSchedule,
} from './schedule.js';

/**
 * DST reference points used below (all 2024):
 * - America/New_York: spring forward 03-10 02:00 EST → 03:00 EDT (07:00Z);
 *   fall back 11-03 02:00 EDT → 01:00 EST (06:00Z), so 01:00–01:59 happens twice.
 * - Europe/Berlin: spring forward 03-31 02:00 CET → 03:00 CEST (01:00Z);
 *   fall back 10-27 03:00 CEST → 02:00 CET (01:00Z), so 02:00–02:59 happens twice.
 * - Australia/Sydney: spring forward 10-06 02:00 AEST → 03:00 AEDT (2024-10-05T16:00Z).
 * - Australia/Lord_Howe: spring forward 10-06 02:00 +10:30 → 02:30 +11 (2024-10-05T15:30Z).
 */
interface RunCase {
  readonly name: string;
  readonly schedule: string;
  readonly timezone?: string;
  readonly offset?: number;
  readonly startDate?: string;
  readonly endDate?: string;
  readonly anchorAt: string;
  /** Runs are listed strictly after this instant. */
  readonly after: string;
  /** How many runs to ask for; defaults to `expected.length` (more proves there are no others). */
  readonly limit?: number;
  readonly expected: readonly string[];
}

const runCases: readonly RunCase[] = [
  // Plain UTC expressions
  {
    name: 'fires daily at 10:15 UTC',
    schedule: 'cron(15 10 ? * * *)',
    anchorAt: '2024-03-01T00:00:00Z',
    after: '2024-03-01T00:00:00Z',
    expected: ['2024-03-01T10:15:00.000Z', '2024-03-02T10:15:00.000Z', '2024-03-03T10:15:00.000Z'],
  },
  {
    name: 'skips the weekend for MON-FRI',
    schedule: 'cron(15 10 ? * MON-FRI *)',
    anchorAt: '2024-03-01T00:00:00Z',
    after: '2024-03-01T12:00:00Z',
    expected: ['2024-03-04T10:15:00.000Z', '2024-03-05T10:15:00.000Z', '2024-03-06T10:15:00.000Z'],
  },
  {
    name: 'fires on the third Thursday with THU#3',
    schedule: 'cron(0 2 ? * THU#3 *)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    expected: ['2024-01-18T02:00:00.000Z', '2024-02-15T02:00:00.000Z', '2024-03-21T02:00:00.000Z'],
  },
  {
    name: 'skips months without a fifth Friday for 6#5',
    schedule: 'cron(0 12 ? * 6#5 *)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    expected: ['2024-03-29T12:00:00.000Z', '2024-05-31T12:00:00.000Z', '2024-08-30T12:00:00.000Z'],
  },
  {
    name: 'steps through a day-of-month range with 1-10/3',
    schedule: 'cron(0 0 1-10/3 * ? *)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    expected: [
      '2024-01-04T00:00:00.000Z',
      '2024-01-07T00:00:00.000Z',
      '2024-01-10T00:00:00.000Z',
      '2024-02-01T00:00:00.000Z',
    ],
  },
  {
    name: 'starts hour increments at 0 for */8',
    schedule: 'cron(0 */8 ? * * *)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T01:00:00Z',
    expected: ['2024-01-01T08:00:00.000Z', '2024-01-01T16:00:00.000Z', '2024-01-02T00:00:00.000Z'],
  },
  {
    name: 'starts day-of-month increments at 1 for */10',
    schedule: 'cron(0 0 */10 * ? *)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-25T00:00:00Z',
    expected: ['2024-01-31T00:00:00.000Z', '2024-02-01T00:00:00.000Z', '2024-02-11T00:00:00.000Z'],
  },
  {
    name: 'reads L alone in day-of-week as Saturday',
    schedule: 'cron(0 7 ? * L *)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    expected: ['2024-01-06T07:00:00.000Z', '2024-01-13T07:00:00.000Z', '2024-01-20T07:00:00.000Z'],
  },
  {
    name: 'accepts lower-case month and day names',
    schedule: 'cron(0 6 ? jan,jul mon-wed *)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-06-30T00:00:00Z',
    expected: [
      '2024-07-01T06:00:00.000Z',
      '2024-07-02T06:00:00.000Z',
      '2024-07-03T06:00:00.000Z',
      '2024-07-08T06:00:00.000Z',
    ],
  },
  {
    name: 'stops after the last year of a year range',
    schedule: 'cron(0 0 1 1 ? 2026-2027)',
    anchorAt: '2024-05-01T00:00:00Z',
    after: '2024-05-01T00:00:00Z',
    limit: 3,
    expected: ['2026-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
  },
  {
    name: 'steps through years with 2025/5',
    schedule: 'cron(0 0 1 1 ? 2025/5)',
    anchorAt: '2024-06-01T00:00:00Z',
    after: '2024-06-01T00:00:00Z',
    expected: ['2025-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z', '2035-01-01T00:00:00.000Z'],
  },
  {
    name: 'fires at the given second in the seven-field form',
    schedule: 'cron(24 30 09 ? * * *)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    expected: ['2024-01-01T09:30:24.000Z', '2024-01-02T09:30:24.000Z'],
  },

  // L, W and leap years
  {
    name: 'fires only on February 29 in leap years',
    schedule: 'cron(0 0 29 2 ? *)',
    anchorAt: '2025-01-01T00:00:00Z',
    after: '2025-01-01T00:00:00Z',
    expected: ['2028-02-29T00:00:00.000Z', '2032-02-29T00:00:00.000Z'],
  },
  {
    name: 'takes L in February as the 28th or the 29th',
    schedule: 'cron(0 12 L 2 ? *)',
    anchorAt: '2023-01-01T00:00:00Z',
    after: '2023-01-01T00:00:00Z',
    expected: ['2023-02-28T12:00:00.000Z', '2024-02-29T12:00:00.000Z', '2025-02-28T12:00:00.000Z'],
  },
  {
    name: 'fires on the last day of each month with L',
    schedule: 'cron(0 2 L * ? *)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-15T00:00:00Z',
    expected: ['2024-01-31T02:00:00.000Z', '2024-02-29T02:00:00.000Z', '2024-03-31T02:00:00.000Z'],
  },
  {
    name: 'moves LW back to Friday when the month ends on a weekend',
    schedule: 'cron(0 9 LW * ? *)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-03-01T00:00:00Z',
    expected: ['2024-03-29T09:00:00.000Z', '2024-04-30T09:00:00.000Z', '2024-05-31T09:00:00.000Z'],
  },
  {
    name: 'fires on the last Friday with 6L',
    schedule: 'cron(15 10 ? * 6L *)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    expected: ['2024-01-26T10:15:00.000Z', '2024-02-23T10:15:00.000Z', '2024-03-29T10:15:00.000Z'],
  },
  {
    name: 'moves 1W on a Saturday forward to Monday the 3rd',
    schedule: 'cron(0 8 1W * ? *)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-05-15T00:00:00Z',
    expected: ['2024-06-03T08:00:00.000Z', '2024-07-01T08:00:00.000Z', '2024-08-01T08:00:00.000Z'],
  },
  {
    name: 'moves 31W on a Sunday back to Friday the 29th and skips 30-day months',
    schedule: 'cron(0 8 31W * ? *)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-03-01T00:00:00Z',
    expected: ['2024-03-29T08:00:00.000Z', '2024-05-31T08:00:00.000Z', '2024-07-31T08:00:00.000Z'],
  },
  {
    name: 'moves 15W to the nearest weekday on either side',
    schedule: 'cron(0 8 15W * ? *)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-06-01T00:00:00Z',
    expected: [
      '2024-06-14T08:00:00.000Z',
      '2024-07-15T08:00:00.000Z',
      '2024-08-15T08:00:00.000Z',
      '2024-09-16T08:00:00.000Z',
    ],
  },

  // Time zones without DST
  {
    name: 'fires at 09:00 in Tokyo, strictly after the given instant',
    schedule: 'cron(0 9 ? * MON *)',
    timezone: 'Asia/Tokyo',
    anchorAt: '2023-12-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    expected: ['2024-01-08T00:00:00.000Z', '2024-01-15T00:00:00.000Z', '2024-01-22T00:00:00.000Z'],
  },
  {
    name: 'fires on the previous UTC day for just after midnight in Tokyo',
    schedule: 'cron(30 0 1 * ? *)',
    timezone: 'Asia/Tokyo',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-15T00:00:00Z',
    expected: ['2024-01-31T15:30:00.000Z', '2024-02-29T15:30:00.000Z', '2024-03-31T15:30:00.000Z'],
  },
  {
    name: 'fires every six Tokyo hours',
    schedule: 'cron(0 0/6 ? * * *)',
    timezone: 'Asia/Tokyo',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    expected: ['2024-01-01T03:00:00.000Z', '2024-01-01T09:00:00.000Z', '2024-01-01T15:00:00.000Z'],
  },

  // DST in New York
  {
    name: 'moves a daily 02:30 in New York to 03:30 EDT on the spring-forward day',
    schedule: 'cron(30 2 ? * * *)',
    timezone: 'America/New_York',
    anchorAt: '2024-03-01T00:00:00Z',
    after: '2024-03-09T00:00:00Z',
    expected: ['2024-03-09T07:30:00.000Z', '2024-03-10T07:30:00.000Z', '2024-03-11T06:30:00.000Z'],
  },
  {
    name: 'moves a daily 02:00 in New York to 03:00 EDT on the spring-forward day',
    schedule: 'cron(0 2 ? * * *)',
    timezone: 'America/New_York',
    anchorAt: '2024-03-01T00:00:00Z',
    after: '2024-03-09T00:00:00Z',
    expected: ['2024-03-09T07:00:00.000Z', '2024-03-10T07:00:00.000Z', '2024-03-11T06:00:00.000Z'],
  },
  {
    name: 'runs once when 02:00 is moved onto a 03:00 that also matches',
    schedule: 'cron(0 2,3 ? * * *)',
    timezone: 'America/New_York',
    anchorAt: '2024-03-01T00:00:00Z',
    after: '2024-03-09T12:00:00Z',
    expected: ['2024-03-10T07:00:00.000Z', '2024-03-11T06:00:00.000Z', '2024-03-11T07:00:00.000Z'],
  },
  {
    name: 'runs hourly across the New York spring-forward gap without a duplicate',
    schedule: 'cron(0 * ? * * *)',
    timezone: 'America/New_York',
    anchorAt: '2024-03-01T00:00:00Z',
    after: '2024-03-10T05:30:00Z',
    expected: ['2024-03-10T06:00:00.000Z', '2024-03-10T07:00:00.000Z', '2024-03-10T08:00:00.000Z'],
  },
  {
    name: 'runs every 30 minutes across the New York spring-forward gap in instant order',
    schedule: 'cron(0/30 * ? * * *)',
    timezone: 'America/New_York',
    anchorAt: '2024-03-01T00:00:00Z',
    after: '2024-03-10T06:15:00Z',
    expected: [
      '2024-03-10T06:30:00.000Z',
      '2024-03-10T07:00:00.000Z',
      '2024-03-10T07:30:00.000Z',
      '2024-03-10T08:00:00.000Z',
    ],
  },
  {
    name: 'still finds a moved gap time when asked from just after the gap',
    schedule: 'cron(45 2 ? * * *)',
    timezone: 'America/New_York',
    anchorAt: '2024-03-01T00:00:00Z',
    after: '2024-03-10T07:10:00Z',
    expected: ['2024-03-10T07:45:00.000Z', '2024-03-11T06:45:00.000Z'],
  },
  {
    name: 'fires an ambiguous 01:30 in New York once, at the EDT reading',
    schedule: 'cron(30 1 ? * * *)',
    timezone: 'America/New_York',
    anchorAt: '2024-11-01T00:00:00Z',
    after: '2024-11-02T12:00:00Z',
    expected: ['2024-11-03T05:30:00.000Z', '2024-11-04T06:30:00.000Z'],
  },
  {
    name: 'runs hourly across the New York fall-back overlap without repeating 01:00',
    schedule: 'cron(0 * ? * * *)',
    timezone: 'America/New_York',
    anchorAt: '2024-11-01T00:00:00Z',
    after: '2024-11-03T04:30:00Z',
    expected: ['2024-11-03T05:00:00.000Z', '2024-11-03T07:00:00.000Z', '2024-11-03T08:00:00.000Z'],
  },
  {
    name: 'does not fire during the second pass of the New York overlap',
    schedule: 'cron(0/30 * ? * * *)',
    timezone: 'America/New_York',
    anchorAt: '2024-11-01T00:00:00Z',
    after: '2024-11-03T06:10:00Z',
    expected: ['2024-11-03T07:00:00.000Z', '2024-11-03T07:30:00.000Z'],
  },
  {
    name: 'fires a daily 02:00 in New York once on the fall-back day',
    schedule: 'cron(0 2 ? * * *)',
    timezone: 'America/New_York',
    anchorAt: '2024-11-01T00:00:00Z',
    after: '2024-11-02T12:00:00Z',
    expected: ['2024-11-03T07:00:00.000Z', '2024-11-04T07:00:00.000Z'],
  },

  // DST in Berlin and Sydney
  {
    name: 'moves a daily 02:30 in Berlin to 03:30 CEST on the spring-forward day',
    schedule: 'cron(30 2 ? * * *)',
    timezone: 'Europe/Berlin',
    anchorAt: '2024-03-01T00:00:00Z',
    after: '2024-03-30T00:00:00Z',
    expected: ['2024-03-30T01:30:00.000Z', '2024-03-31T01:30:00.000Z', '2024-04-01T00:30:00.000Z'],
  },
  {
    name: 'fires an ambiguous 02:30 in Berlin once, at the CEST reading',
    schedule: 'cron(30 2 ? * * *)',
    timezone: 'Europe/Berlin',
    anchorAt: '2024-10-01T00:00:00Z',
    after: '2024-10-26T12:00:00Z',
    expected: ['2024-10-27T00:30:00.000Z', '2024-10-28T01:30:00.000Z'],
  },
  {
    name: 'runs hourly across the Berlin fall-back overlap',
    schedule: 'cron(0 * ? * * *)',
    timezone: 'Europe/Berlin',
    anchorAt: '2024-10-01T00:00:00Z',
    after: '2024-10-26T23:30:00Z',
    expected: ['2024-10-27T00:00:00.000Z', '2024-10-27T02:00:00.000Z', '2024-10-27T03:00:00.000Z'],
  },
  {
    name: 'runs every 30 minutes across the Berlin spring-forward gap',
    schedule: 'cron(0/30 * ? * * *)',
    timezone: 'Europe/Berlin',
    anchorAt: '2024-03-01T00:00:00Z',
    after: '2024-03-31T00:40:00Z',
    expected: ['2024-03-31T01:00:00.000Z', '2024-03-31T01:30:00.000Z', '2024-03-31T02:00:00.000Z'],
  },
  {
    name: 'moves a weekly Sunday 02:15 in Berlin on the spring-forward Sunday',
    schedule: 'cron(15 2 ? * SUN *)',
    timezone: 'Europe/Berlin',
    anchorAt: '2024-03-01T00:00:00Z',
    after: '2024-03-25T00:00:00Z',
    expected: ['2024-03-31T01:15:00.000Z', '2024-04-07T00:15:00.000Z'],
  },
  {
    name: 'moves a daily 02:30 in Sydney on the southern spring-forward day',
    schedule: 'cron(30 2 ? * * *)',
    timezone: 'Australia/Sydney',
    anchorAt: '2024-10-01T00:00:00Z',
    after: '2024-10-04T00:00:00Z',
    expected: ['2024-10-04T16:30:00.000Z', '2024-10-05T16:30:00.000Z', '2024-10-06T15:30:00.000Z'],
  },

  {
    name: 'orders a moved gap time after the real time that follows a 30-minute Lord Howe gap',
    schedule: 'cron(10,35 * ? * * *)',
    timezone: 'Australia/Lord_Howe',
    anchorAt: '2024-10-01T00:00:00Z',
    after: '2024-10-05T14:50:00Z',
    expected: [
      '2024-10-05T15:05:00.000Z',
      '2024-10-05T15:35:00.000Z',
      '2024-10-05T15:40:00.000Z',
      '2024-10-05T16:10:00.000Z',
    ],
  },

  // ScheduleOffset
  {
    name: 'runs two days after the third Tuesday with offset 2',
    schedule: 'cron(30 23 ? * TUE#3 *)',
    offset: 2,
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    expected: ['2024-01-18T23:30:00.000Z', '2024-02-22T23:30:00.000Z', '2024-03-21T23:30:00.000Z'],
  },
  {
    name: 'carries an offset across month ends',
    schedule: 'cron(0 10 L * ? *)',
    offset: 3,
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    expected: ['2024-02-03T10:00:00.000Z', '2024-03-03T10:00:00.000Z', '2024-04-03T10:00:00.000Z'],
  },
  {
    name: 'carries an offset across the year end',
    schedule: 'cron(0 22 31 12 ? *)',
    offset: 1,
    anchorAt: '2024-06-01T00:00:00Z',
    after: '2024-06-01T00:00:00Z',
    expected: ['2025-01-01T22:00:00.000Z', '2026-01-01T22:00:00.000Z'],
  },
  {
    name: 'keeps the Tokyo wall-clock time when an offset crosses the year end',
    schedule: 'cron(0 9 28 12 ? *)',
    timezone: 'Asia/Tokyo',
    offset: 6,
    anchorAt: '2024-06-01T00:00:00Z',
    after: '2024-06-01T00:00:00Z',
    expected: ['2025-01-03T00:00:00.000Z', '2026-01-03T00:00:00.000Z'],
  },
  {
    name: 'keeps the New York wall-clock time when an offset lands on the spring-forward day',
    schedule: 'cron(30 2 ? * SAT *)',
    timezone: 'America/New_York',
    offset: 1,
    anchorAt: '2024-03-01T00:00:00Z',
    after: '2024-03-01T00:00:00Z',
    expected: ['2024-03-03T07:30:00.000Z', '2024-03-10T07:30:00.000Z', '2024-03-17T06:30:00.000Z'],
  },
  {
    name: 'skips an offset run whose cron time was before the schedule was set',
    schedule: 'cron(0 10 ? * MON *)',
    offset: 3,
    anchorAt: '2024-01-02T00:00:00Z',
    after: '2024-01-02T00:00:00Z',
    expected: ['2024-01-11T10:00:00.000Z', '2024-01-18T10:00:00.000Z'],
  },
  {
    name: 'keeps an offset run whose cron time is after the schedule was set',
    schedule: 'cron(0 10 ? * MON *)',
    offset: 3,
    anchorAt: '2024-01-01T09:00:00Z',
    after: '2024-01-01T09:00:00Z',
    expected: ['2024-01-04T10:00:00.000Z', '2024-01-11T10:00:00.000Z'],
  },

  // StartDate and EndDate
  {
    name: 'waits for a future StartDate',
    schedule: 'cron(0 10 ? * * *)',
    startDate: '2024-05-01T12:00:00Z',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    expected: ['2024-05-02T10:00:00.000Z', '2024-05-03T10:00:00.000Z'],
  },
  {
    name: 'includes a run exactly at StartDate',
    schedule: 'cron(0 10 ? * * *)',
    startDate: '2024-05-01T10:00:00Z',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    expected: ['2024-05-01T10:00:00.000Z', '2024-05-02T10:00:00.000Z'],
  },
  {
    name: 'ignores a StartDate in the past',
    schedule: 'cron(0 10 ? * * *)',
    startDate: '2023-01-01T00:00:00Z',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-10T11:00:00Z',
    expected: ['2024-01-11T10:00:00.000Z', '2024-01-12T10:00:00.000Z'],
  },
  {
    name: 'excludes a run exactly at EndDate',
    schedule: 'cron(0 10 ? * * *)',
    endDate: '2024-01-03T10:00:00Z',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    limit: 3,
    expected: ['2024-01-01T10:00:00.000Z', '2024-01-02T10:00:00.000Z'],
  },
  {
    name: 'has no run when EndDate is in the past',
    schedule: 'cron(0 10 ? * * *)',
    endDate: '2023-12-31T00:00:00Z',
    anchorAt: '2023-06-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    limit: 1,
    expected: [],
  },

  // rate()
  {
    name: 'counts a rate from the moment the schedule was set',
    schedule: 'rate(30 minutes)',
    anchorAt: '2024-01-01T00:00:10.500Z',
    after: '2024-01-01T00:00:10.500Z',
    expected: ['2024-01-01T00:30:10.500Z', '2024-01-01T01:00:10.500Z', '2024-01-01T01:30:10.500Z'],
  },
  {
    name: 'starts a rate at a future StartDate itself',
    schedule: 'rate(1 day)',
    startDate: '2024-02-01T08:00:00Z',
    anchorAt: '2024-01-15T00:00:00Z',
    after: '2024-01-15T00:00:00Z',
    expected: ['2024-02-01T08:00:00.000Z', '2024-02-02T08:00:00.000Z', '2024-02-03T08:00:00.000Z'],
  },
  {
    name: 'continues a StartDate-anchored rate from the middle of its sequence',
    schedule: 'rate(5 hours)',
    startDate: '2024-02-01T00:00:00Z',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-02-01T07:00:00Z',
    expected: ['2024-02-01T10:00:00.000Z', '2024-02-01T15:00:00.000Z'],
  },
  {
    name: 'anchors a rate on the change time when StartDate is in the past',
    schedule: 'rate(2 hours)',
    startDate: '2023-01-01T00:00:00Z',
    anchorAt: '2024-01-15T10:00:00Z',
    after: '2024-01-15T13:00:00Z',
    expected: ['2024-01-15T14:00:00.000Z', '2024-01-15T16:00:00.000Z'],
  },
  {
    name: 'keeps rate days at 24 hours across a DST change',
    schedule: 'rate(1 day)',
    timezone: 'America/New_York',
    anchorAt: '2024-03-09T12:00:00Z',
    after: '2024-03-09T12:00:00Z',
    expected: ['2024-03-10T12:00:00.000Z', '2024-03-11T12:00:00.000Z'],
  },
  {
    name: 'stops a rate before EndDate',
    schedule: 'rate(7 days)',
    endDate: '2024-01-15T00:00:00Z',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    limit: 3,
    expected: ['2024-01-08T00:00:00.000Z'],
  },

  // at()
  {
    name: 'never runs an at() that was already past when set',
    schedule: 'at(2023-06-01T10:00:00)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    limit: 1,
    expected: [],
  },
  {
    name: 'reads at() in the schedule time zone',
    schedule: 'at(2024-07-04T09:30:00)',
    timezone: 'America/Los_Angeles',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    limit: 2,
    expected: ['2024-07-04T16:30:00.000Z'],
  },
  {
    name: 'moves an at() inside a DST gap later by the gap',
    schedule: 'at(2024-03-10T02:30:00)',
    timezone: 'America/New_York',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    expected: ['2024-03-10T07:30:00.000Z'],
  },
  {
    name: 'has no at() run at or after EndDate',
    schedule: 'at(2024-07-04T09:30:00)',
    endDate: '2024-07-01T00:00:00Z',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-01-01T00:00:00Z',
    limit: 1,
    expected: [],
  },
  {
    name: 'has no at() run once its time has passed',
    schedule: 'at(2024-07-04T09:30:00)',
    anchorAt: '2024-01-01T00:00:00Z',
    after: '2024-08-01T00:00:00Z',
    limit: 1,
    expected: [],
  },
];

function windowSchedule(runCase: RunCase): WindowSchedule {
  return {
    schedule: parseSchedule(runCase.schedule),
    timezone: runCase.timezone ?? 'UTC',
    offsetDays: runCase.offset,
    startDate: runCase.startDate === undefined ? undefined : new Date(runCase.startDate),
    endDate: runCase.endDate === undefined ? undefined : new Date(runCase.endDate),
    anchorAt: new Date(runCase.anchorAt),
  };
}

/** Runs strictly after `after`, following `nextRunAfter` from one run to the next. */
function runsAfter(ws: WindowSchedule, after: Date, limit: number): string[] {
  const runs: string[] = [];
  let run = nextRunAfter(ws, after);
  while (run !== undefined && runs.length < limit) {
    runs.push(run.toISOString());
    run = nextRunAfter(ws, run);
  }
  return runs;
}

function aWindow(schedule: string, overrides: Partial<WindowSchedule> = {}): WindowSchedule {
  return {
    schedule: parseSchedule(schedule),
    timezone: 'UTC',
    anchorAt: new Date('2024-01-01T00:00:00Z'),
    ...overrides,
  };
}

describe('run times', () => {
  it('has a unique name for every case', () => {
    expect(new Set(runCases.map((runCase) => runCase.name)).size).toBe(runCases.length);
  });

  it.for(runCases)('$name', (runCase) => {
    const runs = runsAfter(windowSchedule(runCase), new Date(runCase.after), runCase.limit ?? runCase.expected.length);
    expect(runs).toEqual(runCase.expected);
  });
});

describe('nextRunAtOrAfter', () => {
  it('returns a run that falls exactly on now', () => {
    const ws = aWindow('cron(0 10 ? * * *)');
    expect(nextRunAtOrAfter(ws, new Date('2024-01-05T10:00:00Z'))?.toISOString()).toBe('2024-01-05T10:00:00.000Z');
  });

  it('returns a StartDate-anchored rate run that starts exactly now', () => {
    const ws = aWindow('rate(1 hour)', { startDate: new Date('2024-02-01T00:00:00Z') });
    expect(nextRunAtOrAfter(ws, new Date('2024-02-01T00:00:00Z'))?.toISOString()).toBe('2024-02-01T00:00:00.000Z');
  });

  it('returns undefined for a past at() schedule', () => {
    const ws = aWindow('at(2023-06-01T10:00:00)');
    expect(nextRunAtOrAfter(ws, new Date('2024-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('returns undefined once EndDate has passed', () => {
    const ws = aWindow('rate(1 hour)', { endDate: new Date('2024-03-01T00:00:00Z') });
    expect(nextRunAtOrAfter(ws, new Date('2024-03-01T00:00:00Z'))).toBeUndefined();
  });

  it('does not return cron times from before the schedule was set', () => {
    const ws = aWindow('cron(0 10 ? * * *)', { anchorAt: new Date('2024-01-05T10:00:01Z') });
    expect(nextRunAtOrAfter(ws, new Date('2024-01-05T09:00:00Z'))?.toISOString()).toBe('2024-01-06T10:00:00.000Z');
  });
});

describe('upcomingRuns', () => {
  it('lists runs from now on, including one exactly at now', () => {
    const ws = aWindow('cron(0 10 ? * * *)');
    expect(upcomingRuns(ws, new Date('2024-01-05T10:00:00Z'), 2).map((run) => run.toISOString())).toEqual([
      '2024-01-05T10:00:00.000Z',
      '2024-01-06T10:00:00.000Z',
    ]);
  });

  it('returns an empty list for a limit of zero', () => {
    expect(upcomingRuns(aWindow('cron(0 10 ? * * *)'), new Date('2024-01-05T00:00:00Z'), 0)).toEqual([]);
  });

  it.for([
    ['cron(0/5 * ? * * *)', 'America/New_York'],
    ['cron(0/30 1-3 ? * * *)', 'Europe/Berlin'],
    ['cron(0 2,3 ? * * *)', 'America/New_York'],
    ['cron(10,35 * ? * * *)', 'Australia/Lord_Howe'],
    ['cron(0 0 ? * * *)', 'America/Santiago'],
  ] as const)('yields strictly increasing runs for %s in %s through a year of DST changes', ([schedule, timezone]) => {
    const ws = aWindow(schedule, { timezone });
    const outOfOrder: string[] = [];
    let previous = new Date(0);
    let run = nextRunAtOrAfter(ws, new Date('2024-01-01T00:00:00Z'));
    while (run !== undefined && run.getTime() < Date.parse('2025-01-01T00:00:00Z')) {
      if (run.getTime() <= previous.getTime()) {
        outOfOrder.push(`${previous.toISOString()} then ${run.toISOString()}`);
      }
      previous = run;
      run = nextRunAfter(ws, run);
    }
    expect(outOfOrder).toEqual([]);
    expect(previous.getTime()).toBeGreaterThan(Date.parse('2024-12-30T00:00:00Z'));
  });

  it('agrees with nextRunAfter from arbitrary instants around DST changes', () => {
    const ws = aWindow('cron(0/20 0-4 ? * * *)', { timezone: 'America/New_York' });
    const runs = upcomingRuns(ws, new Date('2024-03-08T00:00:00Z'), 60).map((run) => run.getTime());
    let seed = 7;
    for (let i = 0; i < 500; i++) {
      seed = (seed * 48_271) % 2_147_483_647; // deterministic pseudo-random probe points
      const probeMs = Date.parse('2024-03-08T00:00:00Z') + (seed % (4 * 86_400_000));
      const expected = runs.find((runMs) => runMs > probeMs);
      expect(nextRunAfter(ws, new Date(probeMs))?.getTime()).toBe(expected);
    }
  });
});

/**
 * An independent oracle for DST handling: scan every wall-clock minute, keep those the cron
 * matches, and resolve each with `Intl` directly (java.time's rules: the earliest valid reading,
 * or for a gap the reading with the offset before the change). Sorted and de-duplicated.
 */
function bruteForceRuns(schedule: string, timezone: string, fromWall: string, toWall: string): number[] {
  const { cron } = parseSchedule(schedule) as Extract<ReturnType<typeof parseSchedule>, { kind: 'cron' }>;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const wallOf = (instantMs: number): number => {
    const part = (type: string) => Number(format.formatToParts(instantMs).find((p) => p.type === type)?.value);
    return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
  };
  const fromMs = Date.parse(`${fromWall}Z`);
  const toMs = Date.parse(`${toWall}Z`);
  const offsets = new Set<number>();
  for (let instantMs = fromMs - 86_400_000; instantMs < toMs + 86_400_000; instantMs += 900_000) {
    offsets.add(wallOf(instantMs) - instantMs);
  }
  const runs = new Set<number>();
  for (let wallMs = fromMs; wallMs < toMs; wallMs += 60_000) {
    const wall = new Date(wallMs);
    const fields = {
      year: wall.getUTCFullYear(),
      month: wall.getUTCMonth() + 1,
      day: wall.getUTCDate(),
      hour: wall.getUTCHours(),
      minute: wall.getUTCMinutes(),
      second: 0,
    };
    if (!cron.matches(fields)) {
      continue;
    }
    const readings = [...offsets].map((offset) => wallMs - offset).filter((instantMs) => wallOf(instantMs) === wallMs);
    runs.add(readings.length > 0 ? Math.min(...readings) : wallMs - Math.min(...offsets));
  }
  return [...runs].sort((a, b) => a - b);
}

describe('DST handling against a brute-force scan', () => {
  it.for([
    ['cron(0/20 * ? * * *)', 'America/New_York', '2024-03-09T12:00:00', '2024-03-11T12:00:00'],
    ['cron(0/20 * ? * * *)', 'America/New_York', '2024-11-02T12:00:00', '2024-11-04T12:00:00'],
    ['cron(0/15 1-3 ? * * *)', 'Europe/Berlin', '2024-03-30T12:00:00', '2024-04-01T12:00:00'],
    ['cron(0/15 1-3 ? * * *)', 'Europe/Berlin', '2024-10-26T12:00:00', '2024-10-28T12:00:00'],
    ['cron(10,35 * ? * * *)', 'Australia/Lord_Howe', '2024-10-05T12:00:00', '2024-10-07T12:00:00'],
    ['cron(10,35 * ? * * *)', 'Australia/Lord_Howe', '2024-04-06T12:00:00', '2024-04-08T12:00:00'],
    ['cron(0/30 22-23,0-1 ? * * *)', 'America/Santiago', '2024-09-07T12:00:00', '2024-09-09T12:00:00'],
    ['cron(0/30 22-23,0-1 ? * * *)', 'America/Santiago', '2024-04-06T12:00:00', '2024-04-08T12:00:00'],
  ] as const)('matches the scan for %s in %s from %s', ([schedule, timezone, fromWall, toWall]) => {
    const expected = bruteForceRuns(schedule, timezone, fromWall, toWall);
    const first = expected[0] ?? 0;
    const ws = aWindow(schedule, { timezone, anchorAt: new Date('2024-01-01T00:00:00Z') });
    const runs = upcomingRuns(ws, new Date(first), expected.length).map((run) => run.getTime());
    expect(runs.map((ms) => new Date(ms).toISOString())).toEqual(expected.map((ms) => new Date(ms).toISOString()));
  });
});

describe('formatScheduleTime', () => {
  it.for([
    [
      'renders a non-UTC zone with its numeric offset',
      '2019-10-20T12:34:56Z',
      'America/Los_Angeles',
      '2019-10-20T05:34:56-07:00',
    ],
    ['renders UTC with Z and non-zero milliseconds', '2019-05-18T17:01:01.137Z', 'UTC', '2019-05-18T17:01:01.137Z'],
    ['omits zero milliseconds in UTC', '2019-05-18T17:01:01.000Z', 'UTC', '2019-05-18T17:01:01Z'],
    ['treats Etc/UTC as UTC', '2024-01-01T00:00:00Z', 'Etc/UTC', '2024-01-01T00:00:00Z'],
    [
      'keeps milliseconds in a zone with an offset',
      '2024-06-01T00:00:00.250Z',
      'Asia/Tokyo',
      '2024-06-01T09:00:00.250+09:00',
    ],
    [
      'renders a zero-offset zone that is not UTC with +00:00',
      '2024-01-15T08:00:00Z',
      'Europe/London',
      '2024-01-15T08:00:00+00:00',
    ],
    ['renders half-hour offsets', '2024-01-15T08:00:00Z', 'Asia/Kolkata', '2024-01-15T13:30:00+05:30'],
    ['renders the summer offset in New York', '2024-07-01T16:00:00Z', 'America/New_York', '2024-07-01T12:00:00-04:00'],
  ] as const)('%s', ([, instant, timezone, expected]) => {
    expect(formatScheduleTime(new Date(instant), timezone)).toBe(expected);
  });
});

describe('canonicalTimezone', () => {
  it.for([
    ['etc/utc', 'Etc/UTC'],
    ['america/new_york', 'America/New_York'],
    ['ASIA/TOKYO', 'Asia/Tokyo'],
    ['asia/kolkata', 'Asia/Kolkata'],
    ['us/eastern', 'US/Eastern'],
    ['utc', 'UTC'],
    ['america/port-au-prince', 'America/Port-au-Prince'],
  ] as const)('spells %s as %s', ([given, canonical]) => {
    expect(canonicalTimezone(given)).toBe(canonical);
  });
});

describe('parseWindowDate', () => {
  it.for([
    ['2021-04-07T14:29:00-08:00', '2021-04-07T22:29:00.000Z'],
    ['2021-01-01T00:00:00Z', '2021-01-01T00:00:00.000Z'],
    ['2021-01-01T00:00Z', '2021-01-01T00:00:00.000Z'],
    ['2021-01-01T00:00:00.123456Z', '2021-01-01T00:00:00.123Z'],
    ['2021-01-01T05:30:00+0530', '2021-01-01T00:00:00.000Z'],
    ['2021-01-01T09:00:00.5+09:00', '2021-01-01T00:00:00.500Z'],
  ] as const)('parses %s as %s', ([text, expected]) => {
    expect(parseWindowDate(text, 'startDate').toISOString()).toBe(expected);
  });
});

describe('parseSchedule', () => {
  it('ignores spaces around the expression', () => {
    const schedule = parseSchedule('  rate(5 minutes) ');
    expect(schedule).toMatchObject({ kind: 'rate', text: 'rate(5 minutes)', intervalMs: 300_000 });
  });

  it('accepts runs of whitespace between cron fields', () => {
    expect(parseSchedule('cron(0  2   ? * SUN *)').kind).toBe('cron');
  });

  it('accepts 365 days as the longest rate', () => {
    expect(parseSchedule('rate(365 days)')).toMatchObject({ kind: 'rate', intervalMs: 365 * 86_400_000 });
  });
});

describe('validateWindowSchedule', () => {
  const now = new Date('2024-01-01T00:00:00Z');

  it('accepts a cron with an offset, a zone and an active period', () => {
    const ws = aWindow('cron(30 23 ? * TUE#3 *)', {
      timezone: 'Europe/Berlin',
      offsetDays: 2,
      startDate: new Date('2024-02-01T00:00:00Z'),
      endDate: new Date('2025-01-01T00:00:00Z'),
    });
    expect(() => validateWindowSchedule(ws, now)).not.toThrow();
  });

  it('accepts a cron that fires exactly every 5 minutes', () => {
    expect(() => validateWindowSchedule(aWindow('cron(0/5 * ? * * *)'), now)).not.toThrow();
  });

  it('accepts an at() in the past', () => {
    expect(() => validateWindowSchedule(aWindow('at(2023-01-01T00:00:00)'), now)).not.toThrow();
  });
});

interface InvalidCase {
  readonly name: string;
  readonly act: () => unknown;
  readonly field: string;
  /** Text the message must contain: the part that is wrong. */
  readonly mentions: string;
}

const validateAt = (ws: WindowSchedule) => () => validateWindowSchedule(ws, new Date('2024-01-01T00:00:00Z'));
const parsing = (text: string) => () => parseSchedule(text);

const invalidCases: readonly InvalidCase[] = [
  {
    name: 'rejects ? in both day fields',
    act: parsing('cron(0 2 ? * ? *)'),
    field: 'schedule',
    mentions: 'exactly one of day-of-month and day-of-week must be ?, found both',
  },
  {
    name: 'rejects ? in neither day field',
    act: parsing('cron(0 2 * * * *)'),
    field: 'schedule',
    mentions: 'found neither',
  },
  {
    name: 'rejects day-of-week 8',
    act: parsing('cron(0 2 ? * 8 *)'),
    field: 'schedule',
    mentions: 'Invalid schedule expression cron(0 2 ? * 8 *): day-of-week value 8 is outside 1-7',
  },
  {
    name: 'rejects minute 60',
    act: parsing('cron(60 2 * * ? *)'),
    field: 'schedule',
    mentions: 'minutes value 60 is outside 0-59',
  },
  {
    name: 'rejects hour 24',
    act: parsing('cron(0 24 * * ? *)'),
    field: 'schedule',
    mentions: 'hours value 24 is outside 0-23',
  },
  {
    name: 'rejects day-of-month 32',
    act: parsing('cron(0 2 32 * ? *)'),
    field: 'schedule',
    mentions: 'day-of-month value 32 is outside 1-31',
  },
  {
    name: 'rejects month 13',
    act: parsing('cron(0 2 1 13 ? *)'),
    field: 'schedule',
    mentions: 'month value 13 is outside 1-12',
  },
  {
    name: 'rejects year 1969',
    act: parsing('cron(0 2 1 * ? 1969)'),
    field: 'schedule',
    mentions: 'year value 1969 is outside 1970-2199',
  },
  {
    name: 'rejects an unknown month name',
    act: parsing('cron(0 2 ? JULY * *)'),
    field: 'schedule',
    mentions: 'month value JULY',
  },
  {
    name: 'rejects the wrap-around range FRI-MON',
    act: parsing('cron(0 2 ? * FRI-MON *)'),
    field: 'schedule',
    mentions: 'range FRI-MON is descending',
  },
  {
    name: 'rejects a descending numeric range',
    act: parsing('cron(0 2 ? * 5-3 *)'),
    field: 'schedule',
    mentions: 'range 5-3 is descending',
  },
  {
    name: 'rejects two # items',
    act: parsing('cron(0 2 ? * 3#1,6#3 *)'),
    field: 'schedule',
    mentions: 'only one # item, found 3#1,6#3',
  },
  {
    name: 'rejects a sixth occurrence with #',
    act: parsing('cron(0 2 ? * 3#6 *)'),
    field: 'schedule',
    mentions: 'occurrence 6 is outside 1-5',
  },
  {
    name: 'rejects W in day-of-week',
    act: parsing('cron(0 2 ? * 2W *)'),
    field: 'schedule',
    mentions: 'day-of-week does not allow the special character W',
  },
  {
    name: 'rejects L in minutes',
    act: parsing('cron(L 2 * * ? *)'),
    field: 'schedule',
    mentions: 'minutes does not allow the special character L',
  },
  {
    name: 'rejects # in day-of-month',
    act: parsing('cron(0 2 1#2 * ? *)'),
    field: 'schedule',
    mentions: 'day-of-month does not allow the special character #',
  },
  {
    name: 'rejects an increment in day-of-week',
    act: parsing('cron(0 2 ? * MON/2 *)'),
    field: 'schedule',
    mentions: 'day-of-week does not allow the special character /',
  },
  {
    name: 'rejects W without a day',
    act: parsing('cron(0 2 W * ? *)'),
    field: 'schedule',
    mentions: 'day-of-month item W is invalid',
  },
  {
    name: 'rejects L with an offset in day-of-month',
    act: parsing('cron(0 2 L-2 * ? *)'),
    field: 'schedule',
    mentions: 'day-of-month item L-2 is invalid',
  },
  {
    name: 'rejects ? inside a list',
    act: parsing('cron(0 2 ?,1 * ? *)'),
    field: 'schedule',
    mentions: 'day-of-month may use ? only on its own',
  },
  {
    name: 'rejects an increment of 0',
    act: parsing('cron(0/0 2 * * ? *)'),
    field: 'schedule',
    mentions: 'minutes increment 0 in 0/0 must be at least 1',
  },
  {
    name: 'rejects an empty list item',
    act: parsing('cron(0 2 1,,2 * ? *)'),
    field: 'schedule',
    mentions: 'day-of-month has an empty list item',
  },
  { name: 'rejects five cron fields', act: parsing('cron(0 2 * * ?)'), field: 'schedule', mentions: 'found 5' },
  {
    name: 'rejects a space before the parenthesis',
    act: parsing('cron (0 2 * * ? *)'),
    field: 'schedule',
    mentions: 'expected cron(...), rate(...) or at(...)',
  },
  {
    name: 'rejects an unknown schedule form',
    act: parsing('hourly'),
    field: 'schedule',
    mentions: 'Invalid schedule expression hourly',
  },
  { name: 'rejects an empty schedule', act: parsing('  '), field: 'schedule', mentions: 'the schedule is empty' },
  {
    name: 'rejects a plural unit for 1',
    act: parsing('rate(1 hours)'),
    field: 'schedule',
    mentions: 'rate unit hours must be singular (hour)',
  },
  {
    name: 'rejects a singular unit for 5',
    act: parsing('rate(5 hour)'),
    field: 'schedule',
    mentions: 'rate unit hour must be plural (hours)',
  },
  {
    name: 'rejects a rate with leading zeros',
    act: parsing('rate(05 minutes)'),
    field: 'schedule',
    mentions: 'rate value 05 must not have leading zeros',
  },
  {
    name: 'rejects a rate under 5 minutes',
    act: parsing('rate(4 minutes)'),
    field: 'schedule',
    mentions: 'minimum of 5 minutes',
  },
  {
    name: 'rejects a rate of 0',
    act: parsing('rate(0 days)'),
    field: 'schedule',
    mentions: 'rate value 0 must be at least 1',
  },
  {
    name: 'rejects a rate over 365 days',
    act: parsing('rate(366 days)'),
    field: 'schedule',
    mentions: 'maximum of 365 days',
  },
  {
    name: 'rejects an unknown rate unit',
    act: parsing('rate(5 weeks)'),
    field: 'schedule',
    mentions: 'rate unit weeks',
  },
  {
    name: 'rejects at() with a space instead of T',
    act: parsing('at(2024-01-01 10:00:00)'),
    field: 'schedule',
    mentions: 'expected at(yyyy-mm-ddThh:mm:ss)',
  },
  {
    name: 'rejects at() on February 30',
    act: parsing('at(2024-02-30T10:00:00)'),
    field: 'schedule',
    mentions: '2024-02-30 is not a calendar date',
  },
  {
    name: 'rejects at() at hour 24',
    act: parsing('at(2024-01-01T24:00:00)'),
    field: 'schedule',
    mentions: '24:00:00 is not a valid time of day',
  },
  {
    name: 'rejects an unknown time zone',
    act: () => canonicalTimezone('Mars/Olympus_Mons'),
    field: 'scheduleTimezone',
    mentions: 'Mars/Olympus_Mons',
  },
  {
    name: 'rejects an offset with a rate schedule',
    act: validateAt(aWindow('rate(1 day)', { offsetDays: 2 })),
    field: 'scheduleOffset',
    mentions: 'Schedule offsets are supported for CRON expressions only',
  },
  {
    name: 'rejects an offset of 7 days',
    act: validateAt(aWindow('cron(0 2 ? * SUN *)', { offsetDays: 7 })),
    field: 'scheduleOffset',
    mentions: 'ScheduleOffset 7 is outside 1-6',
  },
  {
    name: 'rejects a cron that fires every minute',
    act: validateAt(aWindow('cron(0/1 * ? * * *)')),
    field: 'schedule',
    mentions: 'less than 5 minutes apart',
  },
  {
    name: 'rejects a cron whose years are all past',
    act: validateAt(aWindow('cron(0 0 1 1 ? 2000-2010)')),
    field: 'schedule',
    mentions: 'no fire time after 2024-01-01T00:00:00.000Z',
  },
  {
    name: 'rejects a cron that can never fire',
    act: validateAt(aWindow('cron(0 0 30 2 ? *)')),
    field: 'schedule',
    mentions: 'no fire time',
  },
  {
    name: 'rejects EndDate before StartDate',
    act: validateAt(
      aWindow('rate(1 day)', {
        startDate: new Date('2024-06-01T00:00:00Z'),
        endDate: new Date('2024-05-01T00:00:00Z'),
      }),
    ),
    field: 'endDate',
    mentions: 'must be later than StartDate',
  },
  {
    name: 'rejects EndDate in the past',
    act: validateAt(aWindow('rate(1 day)', { endDate: new Date('2023-12-31T00:00:00Z') })),
    field: 'endDate',
    mentions: 'EndDate 2023-12-31T00:00:00.000Z is in the past',
  },
  {
    name: 'rejects a StartDate in the wrong month',
    act: () => parseWindowDate('2021-13-01T00:00:00Z', 'startDate'),
    field: 'startDate',
    mentions: 'Invalid StartDate 2021-13-01T00:00:00Z',
  },
  {
    name: 'rejects an EndDate without an offset',
    act: () => parseWindowDate('2021-01-01T00:00:00', 'endDate'),
    field: 'endDate',
    mentions: 'with an offset',
  },
];

describe('invalid input', () => {
  it('has a unique name for every case', () => {
    expect(new Set(invalidCases.map((invalidCase) => invalidCase.name)).size).toBe(invalidCases.length);
  });

  it.for(invalidCases)('$name', ({ act, field, mentions }) => {
    let caught: unknown;
    try {
      act();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    const error = caught as ValidationError;
    expect(error.violations.map((violation) => violation.field)).toEqual([field]);
    expect(error.message).toContain(mentions);
  });
});
