/**
 * The "simple builder" of the window form: a few common schedules as plain choices, rendered to
 * the cron or rate expression the API takes, and read back from an expression when it is one
 * the builder can show (otherwise the form falls back to the expression field).
 *
 * Invariant (tested in schedule-builder.test.ts): for every builder value `b`,
 * `readScheduleBuilder(renderSchedule(b))` is `b` (normalised), so switching between the builder
 * and the expression field never changes the schedule.
 *
 * Cron shapes produced (AWS cron, day-of-week 1 = Sunday, names used for readability):
 * - daily    `cron(M H ? * * *)`
 * - weekly   `cron(M H ? * MON,WED *)` (days in Sunday-first order)
 * - monthly  `cron(M H D * ? *)`, `D` = 1–28 or `L` (the last day)
 * - rate     `rate(N unit)`, singular when N is 1
 */
export const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export type RateUnit = 'minute' | 'hour' | 'day';

export type ScheduleBuilderValue =
  | { readonly kind: 'daily'; readonly hour: number; readonly minute: number }
  | { readonly kind: 'weekly'; readonly days: readonly Weekday[]; readonly hour: number; readonly minute: number }
  | { readonly kind: 'monthly'; readonly dayOfMonth: number | 'L'; readonly hour: number; readonly minute: number }
  | { readonly kind: 'rate'; readonly value: number; readonly unit: RateUnit };

export type ScheduleBuilderKind = ScheduleBuilderValue['kind'];

export const DEFAULT_BUILDER_VALUES: Readonly<Record<ScheduleBuilderKind, ScheduleBuilderValue>> = {
  daily: { kind: 'daily', hour: 2, minute: 0 },
  weekly: { kind: 'weekly', days: ['SUN'], hour: 2, minute: 0 },
  monthly: { kind: 'monthly', dayOfMonth: 1, hour: 2, minute: 0 },
  rate: { kind: 'rate', value: 1, unit: 'day' },
};

/** Weekdays in Sunday-first order without duplicates. */
function sortedDays(days: readonly Weekday[]): Weekday[] {
  return WEEKDAYS.filter((day) => days.includes(day));
}

/** The expression for a builder value. */
export function renderSchedule(value: ScheduleBuilderValue): string {
  switch (value.kind) {
    case 'daily':
      return `cron(${value.minute} ${value.hour} ? * * *)`;
    case 'weekly':
      return `cron(${value.minute} ${value.hour} ? * ${sortedDays(value.days).join(',')} *)`;
    case 'monthly':
      return `cron(${value.minute} ${value.hour} ${value.dayOfMonth} * ? *)`;
    case 'rate':
      return `rate(${value.value} ${value.unit}${value.value === 1 ? '' : 's'})`;
  }
}

const NUMBER = '(0|[1-9][0-9]?)';

/**
 * The builder value that renders to `expression`, or undefined when the builder cannot show it
 * (the form then keeps the expression as typed).
 */
export function readScheduleBuilder(expression: string): ScheduleBuilderValue | undefined {
  const text = expression.trim();
  const rate = /^rate\(([1-9][0-9]*) (minute|hour|day)(s?)\)$/.exec(text);
  if (rate !== null) {
    const value = Number(rate[1]);
    const isPlural = rate[3] === 's';
    return isPlural === (value !== 1) ? { kind: 'rate', value, unit: rate[2] as RateUnit } : undefined;
  }
  const cron = new RegExp(`^cron\\(${NUMBER} ${NUMBER} (\\S+) \\* (\\S+) \\*\\)$`).exec(text);
  if (cron === null) {
    return undefined;
  }
  const minute = Number(cron[1]);
  const hour = Number(cron[2]);
  const dayOfMonth = cron[3]!;
  const dayOfWeek = cron[4]!;
  if (minute > 59 || hour > 23) {
    return undefined;
  }
  let value: ScheduleBuilderValue | undefined;
  if (dayOfMonth === '?' && dayOfWeek === '*') {
    value = { kind: 'daily', hour, minute };
  } else if (dayOfMonth === '?') {
    const days = dayOfWeek.split(',');
    if (days.every((day): day is Weekday => (WEEKDAYS as readonly string[]).includes(day))) {
      value = { kind: 'weekly', days, hour, minute };
    }
  } else if (dayOfWeek === '?') {
    if (dayOfMonth === 'L') {
      value = { kind: 'monthly', dayOfMonth: 'L', hour, minute };
    } else if (/^([1-9]|1[0-9]|2[0-8])$/.test(dayOfMonth)) {
      value = { kind: 'monthly', dayOfMonth: Number(dayOfMonth), hour, minute };
    }
  }
  // Only shapes the builder renders exactly as written (e.g. not `MON,MON` or `TUE,MON`).
  return value !== undefined && renderSchedule(value) === text ? value : undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The schedule in words, e.g. "Every Sunday at 02:00" (for the builder's preview and the list). */
export function describeSchedule(expression: string): string | undefined {
  const value = readScheduleBuilder(expression);
  if (value === undefined) {
    return undefined;
  }
  switch (value.kind) {
    case 'daily':
      return `Every day at ${pad(value.hour)}:${pad(value.minute)}`;
    case 'weekly':
      return `Every ${sortedDays(value.days).map(dayName).join(', ')} at ${pad(value.hour)}:${pad(value.minute)}`;
    case 'monthly':
      return `${value.dayOfMonth === 'L' ? 'The last day' : `Day ${value.dayOfMonth}`} of every month at ${pad(value.hour)}:${pad(value.minute)}`;
    case 'rate':
      return value.value === 1 ? `Every ${value.unit}` : `Every ${value.value} ${value.unit}s`;
  }
}

const DAY_NAMES: Readonly<Record<Weekday, string>> = {
  SUN: 'Sunday',
  MON: 'Monday',
  TUE: 'Tuesday',
  WED: 'Wednesday',
  THU: 'Thursday',
  FRI: 'Friday',
  SAT: 'Saturday',
};

export function dayName(day: Weekday): string {
  return DAY_NAMES[day];
}
