import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../../../src/domain/schedule/schedule.js';
import {
  describeSchedule,
  readScheduleBuilder,
  renderSchedule,
  WEEKDAYS,
  type ScheduleBuilderValue,
  type Weekday,
} from './schedule-builder.js';
import { checkScheduleExpression, checkWindowSettings } from './schedule-check.js';

const NOW = new Date('2026-01-15T00:00:00Z');

/** Every value the builder can produce, over a representative grid of its choices. */
function everyBuilderValue(): ScheduleBuilderValue[] {
  const values: ScheduleBuilderValue[] = [];
  const times = [
    [0, 0],
    [2, 0],
    [9, 5],
    [12, 30],
    [23, 59],
  ] as const;
  for (const [hour, minute] of times) {
    values.push({ kind: 'daily', hour, minute });
    // Every non-empty subset of weekdays.
    for (let mask = 1; mask < 1 << WEEKDAYS.length; mask++) {
      const days: Weekday[] = WEEKDAYS.filter((_, index) => (mask & (1 << index)) !== 0);
      values.push({ kind: 'weekly', days, hour, minute });
    }
    for (let day = 1; day <= 28; day++) {
      values.push({ kind: 'monthly', dayOfMonth: day, hour, minute });
    }
    values.push({ kind: 'monthly', dayOfMonth: 'L', hour, minute });
  }
  for (const value of [1, 2, 5, 10, 30, 59, 90]) {
    for (const unit of ['minute', 'hour', 'day'] as const) {
      if ((unit === 'minute' && value < 5) || (unit === 'day' && value > 365)) {
        continue;
      }
      values.push({ kind: 'rate', value, unit });
    }
  }
  return values;
}

describe('schedule builder', () => {
  const values = everyBuilderValue();

  it('reads every rendering back to the same builder value and expression', () => {
    expect(values.length).toBeGreaterThan(600);
    for (const value of values) {
      const expression = renderSchedule(value);
      const read = readScheduleBuilder(expression);
      expect(read, expression).toEqual(value);
      expect(renderSchedule(read!)).toBe(expression);
    }
  });

  it('renders only expressions the server accepts', () => {
    for (const value of values) {
      const expression = renderSchedule(value);
      expect(() => parseSchedule(expression), expression).not.toThrow();
      expect(checkScheduleExpression(expression, NOW), expression).toBeUndefined();
    }
  });

  it('describes every rendering in words', () => {
    expect(describeSchedule('cron(0 2 ? * SUN *)')).toBe('Every Sunday at 02:00');
    expect(describeSchedule('cron(30 23 L * ? *)')).toBe('The last day of every month at 23:30');
    expect(describeSchedule('rate(1 day)')).toBe('Every day');
    for (const value of values) {
      expect(describeSchedule(renderSchedule(value))).toMatch(/^(Every|Day|The last day)/);
    }
  });

  it('leaves expressions it cannot show to the expression field', () => {
    for (const expression of [
      'cron(0 2 ? * MON-FRI *)',
      'cron(0 2 ? * TUE,MON *)',
      'cron(0 2 ? * MON,MON *)',
      'cron(0 2 29 * ? *)',
      'cron(0/15 * * * ? *)',
      'cron(00 2 ? * * *)',
      'rate(1 days)',
      'rate(2 day)',
      'at(2026-03-01T02:00:00)',
    ]) {
      expect(readScheduleBuilder(expression), expression).toBeUndefined();
    }
  });
});

describe('window form checks', () => {
  const settings = {
    name: 'agent-updates',
    schedule: 'cron(0 2 ? * SUN *)',
    scheduleTimezone: 'Asia/Tokyo',
    duration: 3,
    cutoff: 0,
    allowUnassociatedTargets: true,
    enabled: true,
  };

  it('accepts the scenario window', () => {
    expect(checkWindowSettings(settings, NOW)).toEqual({});
  });

  it('refuses a cutoff not smaller than the duration at the cutoff field', () => {
    expect(checkWindowSettings({ ...settings, cutoff: 3 }, NOW)).toEqual({ cutoff: expect.stringMatching(/Duration/) });
  });

  it('refuses a bad cron at the schedule field, together with a bad cutoff', () => {
    const errors = checkWindowSettings({ ...settings, schedule: 'cron(0 25 ? * SUN *)', cutoff: 4 }, NOW);
    expect(errors.schedule).toMatch(/Invalid schedule expression cron\(0 25/);
    expect(errors.cutoff).toMatch(/Duration/);
  });

  it('refuses a bad name and an unknown time zone at their fields', () => {
    expect(checkWindowSettings({ ...settings, name: 'a b' }, NOW).name).toBeDefined();
    expect(Object.keys(checkWindowSettings({ ...settings, scheduleTimezone: 'Mars/Olympus' }, NOW))).toEqual([
      'scheduleTimezone',
    ]);
  });
});
