import { describe, expect, it } from 'vitest';
import { parseCronExpression } from './cron-expression.js';

const at = (year: number, month: number, day: number, hour: number, minute: number, second = 0) => ({
  year,
  month,
  day,
  hour,
  minute,
  second,
});

describe('parseCronExpression', () => {
  it('expands names, ranges and increments into sorted values', () => {
    const cron = parseCronExpression('cron(0/20 8-10,14 ? jan,MAR-apr MON-WED 2024-2026/2)');
    expect(cron.hasSeconds).toBe(false);
    expect(cron.seconds).toEqual([0]);
    expect(cron.minutes).toEqual([0, 20, 40]);
    expect(cron.hours).toEqual([8, 9, 10, 14]);
    expect(cron.daysOfMonth).toBeUndefined();
    expect(cron.months).toEqual([1, 3, 4]);
    expect(cron.daysOfWeek).toEqual({ days: [2, 3, 4], lastOfMonth: [], nthOfMonth: undefined });
    expect(cron.years).toEqual([2024, 2026]);
  });

  it('records L, LW and nW in the day-of-month rule', () => {
    const cron = parseCronExpression('cron(0 0 L,LW,15W,1 * ? *)');
    expect(cron.daysOfMonth).toEqual({ days: [1], isLastDay: true, isLastWeekday: true, nearestWeekdays: [15] });
  });

  it('records nL and d#n in the day-of-week rule', () => {
    const cron = parseCronExpression('cron(0 0 ? * FRIL,2L,TUE#3 *)');
    expect(cron.daysOfWeek).toEqual({ days: [], lastOfMonth: [2, 6], nthOfMonth: { dayOfWeek: 3, occurrence: 3 } });
  });

  it('reads the first of seven fields as seconds', () => {
    const cron = parseCronExpression('cron(24 30 09 ? * * *)');
    expect(cron.hasSeconds).toBe(true);
    expect(cron.seconds).toEqual([24]);
    expect(cron.minutes).toEqual([30]);
    expect(cron.hours).toEqual([9]);
  });
});

describe('CronExpression.matches', () => {
  it('matches a weekday time and rejects the weekend', () => {
    const cron = parseCronExpression('cron(15 10 ? * MON-FRI *)');
    expect(cron.matches(at(2024, 3, 1, 10, 15))).toBe(true); // Friday
    expect(cron.matches(at(2024, 3, 2, 10, 15))).toBe(false); // Saturday
    expect(cron.matches(at(2024, 3, 1, 10, 16))).toBe(false);
  });

  it('matches the last day of February only in its real length', () => {
    const cron = parseCronExpression('cron(0 0 L 2 ? *)');
    expect(cron.matches(at(2024, 2, 29, 0, 0))).toBe(true);
    expect(cron.matches(at(2024, 2, 28, 0, 0))).toBe(false);
    expect(cron.matches(at(2023, 2, 28, 0, 0))).toBe(true);
  });

  it('matches a nonzero second only in the seven-field form', () => {
    expect(parseCronExpression('cron(24 30 9 ? * * *)').matches(at(2024, 1, 1, 9, 30, 24))).toBe(true);
    expect(parseCronExpression('cron(30 9 ? * * *)').matches(at(2024, 1, 1, 9, 30, 24))).toBe(false);
  });

  it('does not match years outside the year field', () => {
    const cron = parseCronExpression('cron(0 0 1 1 ? 2030)');
    expect(cron.matches(at(2030, 1, 1, 0, 0))).toBe(true);
    expect(cron.matches(at(2031, 1, 1, 0, 0))).toBe(false);
  });
});

describe('CronExpression.nextAfter', () => {
  it('returns the next matching wall-clock time strictly after the given one', () => {
    const cron = parseCronExpression('cron(0 2 ? * THU#3 *)');
    expect(new Date(cron.nextAfter(Date.UTC(2024, 0, 18, 2, 0)) ?? 0).toISOString()).toBe('2024-02-15T02:00:00.000Z');
  });

  it('returns undefined after the last year', () => {
    expect(parseCronExpression('cron(0 0 1 1 ? 2199)').nextAfter(Date.UTC(2199, 0, 1))).toBeUndefined();
  });
});
