/**
 * AWS cron expressions for maintenance windows (spec §3.1): parsing, matching a wall-clock time,
 * and finding the next matching wall-clock time. Time zones are not involved here; `schedule.ts`
 * turns wall-clock times into instants.
 *
 * Grammar: `cron(Minutes Hours Day-of-month Month Day-of-week Year)`, or seven fields with a
 * leading Seconds field. Fields are separated by runs of whitespace; names and the letters
 * `L`/`W` are case-insensitive.
 *
 * | Field        | Values             | Specials        |
 * |--------------|--------------------|-----------------|
 * | Seconds      | 0–59               | , - * /         |
 * | Minutes      | 0–59               | , - * /         |
 * | Hours        | 0–23               | , - * /         |
 * | Day-of-month | 1–31               | , - * ? / L W   |
 * | Month        | 1–12 or JAN–DEC    | , - * /         |
 * | Day-of-week  | 1–7 or SUN–SAT     | , - * ? L #     |
 * | Year         | 1970–2199          | , - * /         |
 *
 * - Exactly one of day-of-month and day-of-week is `?`; the other restricts the day.
 * - `a/b` counts from a in steps of b up to the field maximum; `*\/b` starts at the field minimum
 *   (0 for time fields, 1 for day-of-month and month, 1970 for year); `x-y/b` stays within x–y.
 * - Ranges must ascend: `FRI-MON` is rejected rather than wrapped.
 * - Day-of-month: `L` last day, `LW` last weekday (Mon–Fri), `nW` the weekday nearest day n
 *   without leaving the month (1W on a Saturday → Monday 3rd; 31W on a Sunday → Friday 29th).
 *   `nW` for a day the month does not have (31W in April) matches nothing that month, like `31`.
 * - Day-of-week: `L` alone = 7 (Saturday), `nL` the last weekday n of the month, `d#n` the n-th
 *   (1–5) weekday d; a month without that occurrence has no match. At most one `#` item.
 * - Items of a list combine as a union (`L,15` = the 15th and the last day).
 *
 * Evaluation jumps field by field (year → month → day → time of day) using precomputed
 * "next allowed value" tables and a per-month bit mask of matching days, so finding the next
 * match costs a handful of table lookups, not a minute-by-minute scan.
 */
import { dayOfWeek, daysInMonth, wallClockFields, type WallClockTime } from './calendar.js';
import { invalidScheduleExpression } from './schedule-errors.js';

export const CRON_YEAR_MIN = 1970;
export const CRON_YEAR_MAX = 2199;

/** Day-of-month restriction (the field is not `?`). Days are 1–31. */
export interface DayOfMonthRule {
  /** Plain days from values, ranges, increments and `*`. */
  readonly days: readonly number[];
  /** `L`. */
  readonly isLastDay: boolean;
  /** `LW`. */
  readonly isLastWeekday: boolean;
  /** Each `nW`: the weekday nearest day n. */
  readonly nearestWeekdays: readonly number[];
}

/** Day-of-week restriction (the field is not `?`). Days are 1 = Sunday … 7 = Saturday. */
export interface DayOfWeekRule {
  /** Every such weekday, from values, ranges, `*` and `L` (= 7). */
  readonly days: readonly number[];
  /** Each `nL`: the last weekday n of the month. */
  readonly lastOfMonth: readonly number[];
  /** `d#n`: the n-th weekday d of the month. */
  readonly nthOfMonth: { readonly dayOfWeek: number; readonly occurrence: number } | undefined;
}

type FieldLabel = 'seconds' | 'minutes' | 'hours' | 'day-of-month' | 'month' | 'day-of-week' | 'year';

interface FieldSpec {
  readonly label: FieldLabel;
  readonly min: number;
  readonly max: number;
  /** Names for min, min + 1, … (month and day-of-week). */
  readonly names?: readonly string[];
  /** Special characters this field accepts. */
  readonly specials: string;
}

const SECONDS: FieldSpec = { label: 'seconds', min: 0, max: 59, specials: ',-*/' };
const MINUTES: FieldSpec = { label: 'minutes', min: 0, max: 59, specials: ',-*/' };
const HOURS: FieldSpec = { label: 'hours', min: 0, max: 23, specials: ',-*/' };
const DAY_OF_MONTH: FieldSpec = { label: 'day-of-month', min: 1, max: 31, specials: ',-*?/LW' };
const MONTH: FieldSpec = {
  label: 'month',
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  specials: ',-*/',
};
const DAY_OF_WEEK: FieldSpec = {
  label: 'day-of-week',
  min: 1,
  max: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
  specials: ',-*?L#',
};
const YEAR: FieldSpec = { label: 'year', min: CRON_YEAR_MIN, max: CRON_YEAR_MAX, specials: ',-*/' };

const SPECIAL_CHARACTERS = '?#/-*';
type Fail = (detail: string) => never;

/** A parsed AWS cron expression. Create with `parseCronExpression`; immutable. */
export class CronExpression {
  private readonly nextSecond: Int16Array;
  private readonly nextMinute: Int16Array;
  private readonly nextHour: Int16Array;
  private readonly nextMonth: Int16Array;
  private readonly nextYear: Int16Array;
  /** Second of the day of the first matching time, for days entered from the start. */
  private readonly firstSecondOfDay: number;
  /** Day-of-month: bit d − 1 set when day d is listed. */
  private readonly listedDaysMask: number;
  /** Day-of-week: index f − 1 is the mask of matching days in a month whose 1st is weekday f. */
  private readonly weeklyMasks: readonly number[];

  /** @internal Use `parseCronExpression`. */
  constructor(
    /** The expression as given, e.g. `cron(0 2 ? * THU#3 *)`. */
    readonly text: string,
    /** True for the seven-field form. */
    readonly hasSeconds: boolean,
    readonly seconds: readonly number[],
    readonly minutes: readonly number[],
    readonly hours: readonly number[],
    /** `undefined` when the field is `?`. */
    readonly daysOfMonth: DayOfMonthRule | undefined,
    readonly months: readonly number[],
    /** `undefined` when the field is `?`. */
    readonly daysOfWeek: DayOfWeekRule | undefined,
    readonly years: readonly number[],
  ) {
    this.nextSecond = nextAllowedTable(seconds, SECONDS.max);
    this.nextMinute = nextAllowedTable(minutes, MINUTES.max);
    this.nextHour = nextAllowedTable(hours, HOURS.max);
    this.nextMonth = nextAllowedTable(months, MONTH.max);
    this.nextYear = nextAllowedTable(years, YEAR.max);
    this.firstSecondOfDay = (hours[0] ?? 0) * 3600 + (minutes[0] ?? 0) * 60 + (seconds[0] ?? 0);
    this.listedDaysMask = (daysOfMonth?.days ?? []).reduce((mask, day) => mask | dayBit(day), 0);
    const weekdays = new Set(daysOfWeek?.days ?? []);
    this.weeklyMasks = [1, 2, 3, 4, 5, 6, 7].map((firstWeekday) => {
      let mask = 0;
      for (let day = 1; day <= 31; day++) {
        if (weekdays.has(((firstWeekday - 1 + day - 1) % 7) + 1)) {
          mask |= dayBit(day);
        }
      }
      return mask;
    });
  }

  /** True when the wall-clock time matches every field. */
  matches(time: WallClockTime): boolean {
    return (
      this.isYearAllowed(time.year) &&
      this.nextMonth[time.month] === time.month &&
      this.nextHour[time.hour] === time.hour &&
      this.nextMinute[time.minute] === time.minute &&
      this.nextSecond[time.second] === time.second &&
      (this.matchingDaysMask(time.year, time.month) & dayBit(time.day)) !== 0
    );
  }

  /**
   * The first matching wall-clock time strictly after `wallMs` (wall ms, see `zone-rules.ts`),
   * or `undefined` when there is none up to the end of 2199.
   */
  nextAfter(wallMs: number): number | undefined {
    // Matches fall on whole seconds, so the first candidate is the next whole second.
    let from = wallClockFields(Math.floor(wallMs / 1000) * 1000 + 1000);
    if (from.year < CRON_YEAR_MIN) {
      from = { year: CRON_YEAR_MIN, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
    }
    for (let year = this.yearAtOrAfter(from.year); year !== -1; year = this.yearAtOrAfter(year + 1)) {
      const isFromYear = year === from.year;
      for (
        let month = this.nextMonth[isFromYear ? from.month : 1] ?? -1;
        month !== -1;
        month = this.nextMonth[month + 1] ?? -1
      ) {
        const isFromMonth = isFromYear && month === from.month;
        let days = this.matchingDaysMask(year, month);
        if (isFromMonth) {
          days &= ~(dayBit(from.day) - 1); // drop the days before `from`
        }
        while (days !== 0) {
          const day = 32 - Math.clz32(days & -days); // lowest set bit
          const secondOfDay =
            isFromMonth && day === from.day
              ? this.firstSecondAtOrAfter(from.hour, from.minute, from.second)
              : this.firstSecondOfDay;
          if (secondOfDay !== -1) {
            return Date.UTC(year, month - 1, day) + secondOfDay * 1000;
          }
          days &= days - 1; // clear the lowest set bit
        }
      }
    }
    return undefined;
  }

  private isYearAllowed(year: number): boolean {
    return year >= CRON_YEAR_MIN && year <= CRON_YEAR_MAX && this.nextYear[year] === year;
  }

  private yearAtOrAfter(year: number): number {
    return year > CRON_YEAR_MAX ? -1 : (this.nextYear[Math.max(year, CRON_YEAR_MIN)] ?? -1);
  }

  /** Second of the day of the first matching time at or after h:m:s that day, or -1. */
  private firstSecondAtOrAfter(hour: number, minute: number, second: number): number {
    const firstHour = this.nextHour[hour] ?? -1;
    if (firstHour === -1) {
      return -1;
    }
    if (firstHour > hour) {
      return firstHour * 3600 + this.firstMinuteAndSecond();
    }
    const firstMinute = this.nextMinute[minute] ?? -1;
    if (firstMinute === minute) {
      const firstSecond = this.nextSecond[second] ?? -1;
      if (firstSecond !== -1) {
        return hour * 3600 + minute * 60 + firstSecond;
      }
      const laterMinute = this.nextMinute[minute + 1] ?? -1;
      if (laterMinute !== -1) {
        return hour * 3600 + laterMinute * 60 + (this.seconds[0] ?? 0);
      }
    } else if (firstMinute !== -1) {
      return hour * 3600 + firstMinute * 60 + (this.seconds[0] ?? 0);
    }
    const laterHour = this.nextHour[hour + 1] ?? -1;
    return laterHour === -1 ? -1 : laterHour * 3600 + this.firstMinuteAndSecond();
  }

  private firstMinuteAndSecond(): number {
    return (this.minutes[0] ?? 0) * 60 + (this.seconds[0] ?? 0);
  }

  /** Bit d − 1 set for every day d of the month that matches the day fields. */
  private matchingDaysMask(year: number, month: number): number {
    const lastDay = daysInMonth(year, month);
    const monthMask = 2 ** lastDay - 1;
    const dom = this.daysOfMonth;
    if (dom !== undefined) {
      let mask = this.listedDaysMask & monthMask;
      if (dom.isLastDay) {
        mask |= dayBit(lastDay);
      }
      if (dom.isLastWeekday) {
        mask |= dayBit(lastWeekdayOfMonth(year, month, lastDay));
      }
      for (const day of dom.nearestWeekdays) {
        if (day <= lastDay) {
          mask |= dayBit(nearestWeekday(year, month, day, lastDay));
        }
      }
      return mask;
    }
    const dow = this.daysOfWeek;
    if (dow === undefined) {
      return 0; // unreachable: the parser requires exactly one of the day fields
    }
    const firstWeekday = dayOfWeek(year, month, 1);
    let mask = (this.weeklyMasks[firstWeekday - 1] ?? 0) & monthMask;
    const lastWeekday = ((firstWeekday - 1 + lastDay - 1) % 7) + 1;
    for (const weekday of dow.lastOfMonth) {
      mask |= dayBit(lastDay - ((lastWeekday - weekday + 7) % 7));
    }
    if (dow.nthOfMonth !== undefined) {
      const { dayOfWeek: weekday, occurrence } = dow.nthOfMonth;
      const day = 1 + ((weekday - firstWeekday + 7) % 7) + 7 * (occurrence - 1);
      if (day <= lastDay) {
        mask |= dayBit(day);
      }
    }
    return mask;
  }
}

/**
 * Parses `cron(...)`. `text` is the whole expression, already trimmed.
 * @throws ValidationError on field `schedule`, naming the field and item that is wrong.
 */
export function parseCronExpression(text: string): CronExpression {
  const fail: Fail = (detail) => {
    throw invalidScheduleExpression(text, detail);
  };
  const body = /^cron\((.*)\)$/s.exec(text)?.[1];
  if (body === undefined) {
    return fail('expected cron(Minutes Hours Day-of-month Month Day-of-week Year)');
  }
  const fields = body.trim() === '' ? [] : body.trim().toUpperCase().split(/\s+/);
  if (fields.length !== 6 && fields.length !== 7) {
    return fail(
      `expected 6 fields (Minutes Hours Day-of-month Month Day-of-week Year) or 7 with leading Seconds, found ${fields.length}`,
    );
  }
  const hasSeconds = fields.length === 7;
  const [secondsText, minutesText, hoursText, domText, monthText, dowText, yearText] = hasSeconds
    ? fields
    : ['0', ...fields];
  const seconds = parseListField(SECONDS, secondsText ?? '', fail);
  const minutes = parseListField(MINUTES, minutesText ?? '', fail);
  const hours = parseListField(HOURS, hoursText ?? '', fail);
  const daysOfMonth = parseDayOfMonthField(domText ?? '', fail);
  const months = parseListField(MONTH, monthText ?? '', fail);
  const daysOfWeek = parseDayOfWeekField(dowText ?? '', fail);
  const years = parseListField(YEAR, yearText ?? '', fail);
  if ((daysOfMonth === undefined) === (daysOfWeek === undefined)) {
    fail(
      `exactly one of day-of-month and day-of-week must be ?, found ${daysOfMonth === undefined ? 'both' : 'neither'} (${domText} ${dowText})`,
    );
  }
  return new CronExpression(text, hasSeconds, seconds, minutes, hours, daysOfMonth, months, daysOfWeek, years);
}

function parseListField(spec: FieldSpec, fieldText: string, fail: Fail): number[] {
  const values = new Set<number>();
  for (const item of splitItems(spec, fieldText, fail)) {
    for (const value of parseRangeItem(spec, item, fail)) {
      values.add(value);
    }
  }
  return sortedNumbers(values);
}

function parseDayOfMonthField(fieldText: string, fail: Fail): DayOfMonthRule | undefined {
  if (fieldText === '?') {
    return undefined;
  }
  const days = new Set<number>();
  const nearestWeekdays = new Set<number>();
  let isLastDay = false;
  let isLastWeekday = false;
  for (const item of splitItems(DAY_OF_MONTH, fieldText, fail)) {
    const nearest = /^([0-9]+)W$/.exec(item);
    if (item === 'L') {
      isLastDay = true;
    } else if (item === 'LW') {
      isLastWeekday = true;
    } else if (nearest?.[1] !== undefined) {
      nearestWeekdays.add(parseValue(DAY_OF_MONTH, nearest[1], fail));
    } else if (/[LW]/.test(item)) {
      fail(`day-of-month item ${item} is invalid: L is allowed only as L or LW, W only as nW or LW`);
    } else {
      parseRangeItem(DAY_OF_MONTH, item, fail).forEach((day) => days.add(day));
    }
  }
  return { days: sortedNumbers(days), isLastDay, isLastWeekday, nearestWeekdays: sortedNumbers(nearestWeekdays) };
}

function parseDayOfWeekField(fieldText: string, fail: Fail): DayOfWeekRule | undefined {
  if (fieldText === '?') {
    return undefined;
  }
  const days = new Set<number>();
  const lastOfMonth = new Set<number>();
  let nthOfMonth: DayOfWeekRule['nthOfMonth'];
  for (const item of splitItems(DAY_OF_WEEK, fieldText, fail)) {
    const last = /^([0-9]+|[A-Z]{3})L$/.exec(item);
    const nth = /^([0-9]+|[A-Z]{3})#([0-9]+)$/.exec(item);
    if (item === 'L') {
      days.add(7);
    } else if (last?.[1] !== undefined) {
      lastOfMonth.add(parseValue(DAY_OF_WEEK, last[1], fail));
    } else if (nth?.[1] !== undefined && nth[2] !== undefined) {
      if (nthOfMonth !== undefined) {
        fail(`day-of-week allows only one # item, found ${fieldText}`);
      }
      const occurrence = Number(nth[2]);
      if (occurrence < 1 || occurrence > 5) {
        fail(`day-of-week item ${item}: occurrence ${nth[2]} is outside 1-5`);
      }
      nthOfMonth = { dayOfWeek: parseValue(DAY_OF_WEEK, nth[1], fail), occurrence };
    } else if (/[L#]/.test(item.replace(/[A-Z]{3}/g, (word) => (DAY_OF_WEEK.names?.includes(word) ? '0' : word)))) {
      fail(
        `day-of-week item ${item} is invalid: use L alone, nL for the last weekday n, or d#n for the n-th weekday d`,
      );
    } else {
      parseRangeItem(DAY_OF_WEEK, item, fail).forEach((day) => days.add(day));
    }
  }
  return { days: sortedNumbers(days), lastOfMonth: sortedNumbers(lastOfMonth), nthOfMonth };
}

/** Splits a field on commas after checking that it uses only the special characters it allows. */
function splitItems(spec: FieldSpec, fieldText: string, fail: Fail): string[] {
  for (const special of specialsIn(spec, fieldText)) {
    if (!spec.specials.includes(special)) {
      fail(`${spec.label} does not allow the special character ${special} (found ${fieldText})`);
    }
  }
  if (fieldText.includes('?') && fieldText !== '?') {
    fail(`${spec.label} may use ? only on its own, found ${fieldText}`);
  }
  const items = fieldText.split(',');
  if (items.includes('')) {
    fail(`${spec.label} has an empty list item in ${fieldText}`);
  }
  return items;
}

/**
 * The special characters used in a field. Letters count as `L`/`W` only when they stand apart
 * from the field's names (so `WED` is not a `W`), and any other letters are left for value
 * parsing to report as bad values.
 */
function specialsIn(spec: FieldSpec, fieldText: string): string[] {
  const withoutNames = fieldText.replace(/[A-Z]{3}/g, (word) => (spec.names?.includes(word) ? '0' : word));
  const found = [...withoutNames].filter((character) => SPECIAL_CHARACTERS.includes(character));
  for (const word of withoutNames.match(/[A-Z]+/g) ?? []) {
    if (word === 'L' || word === 'W' || word === 'LW') {
      found.push(...word);
    }
  }
  return found;
}

/** One list item that is `*`, a value, a range, or an increment; returns the values it selects. */
function parseRangeItem(spec: FieldSpec, item: string, fail: Fail): number[] {
  if (item === '*') {
    return steppedValues(spec.min, spec.max, 1);
  }
  const everyStep = /^\*\/([0-9]+)$/.exec(item)?.[1];
  if (everyStep !== undefined) {
    return steppedValues(spec.min, spec.max, parseStep(spec, everyStep, item, fail));
  }
  const parts = /^([0-9]+|[A-Z]+)(?:-([0-9]+|[A-Z]+))?(?:\/([0-9]+))?$/.exec(item);
  if (parts?.[1] === undefined) {
    return fail(`${spec.label} item ${item} is not a value, range or increment`);
  }
  const [, fromText, toText, stepText] = parts;
  const from = parseValue(spec, fromText, fail);
  let to = from;
  if (toText !== undefined) {
    to = parseValue(spec, toText, fail);
    if (to < from) {
      fail(`${spec.label} range ${fromText}-${toText} is descending; wrap-around ranges are not supported`);
    }
  } else if (stepText !== undefined) {
    to = spec.max; // `a/b` runs to the end of the field
  }
  const step = stepText === undefined ? 1 : parseStep(spec, stepText, item, fail);
  return steppedValues(from, to, step);
}

function parseValue(spec: FieldSpec, token: string, fail: Fail): number {
  if (/^[0-9]+$/.test(token)) {
    const value = Number(token);
    if (value < spec.min || value > spec.max) {
      fail(`${spec.label} value ${token} is outside ${spec.min}-${spec.max}`);
    }
    return value;
  }
  const index = spec.names?.indexOf(token) ?? -1;
  if (index === -1) {
    const expected = spec.names
      ? `a number or a name ${spec.names[0]}-${spec.names[spec.names.length - 1]}`
      : 'a number';
    return fail(`${spec.label} value ${token} is not ${expected}`);
  }
  return spec.min + index;
}

function parseStep(spec: FieldSpec, token: string, item: string, fail: Fail): number {
  const step = Number(token);
  if (step < 1) {
    fail(`${spec.label} increment ${token} in ${item} must be at least 1`);
  }
  if (step > spec.max - spec.min + 1) {
    fail(`${spec.label} increment ${token} in ${item} is larger than the range ${spec.min}-${spec.max}`);
  }
  return step;
}

function steppedValues(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) {
    values.push(value);
  }
  return values;
}

function sortedNumbers(values: Iterable<number>): number[] {
  return [...values].sort((a, b) => a - b);
}

/** table[v] = smallest allowed value ≥ v, or -1; sized so that table[max + 1] = -1. */
function nextAllowedTable(sortedValues: readonly number[], max: number): Int16Array {
  const table = new Int16Array(max + 2).fill(-1);
  let next = -1;
  const allowed = new Set(sortedValues);
  for (let value = max; value >= 0; value--) {
    if (allowed.has(value)) {
      next = value;
    }
    table[value] = next;
  }
  return table;
}

function dayBit(day: number): number {
  return 1 << (day - 1);
}

function lastWeekdayOfMonth(year: number, month: number, lastDay: number): number {
  const weekday = dayOfWeek(year, month, lastDay);
  return weekday === 7 ? lastDay - 1 : weekday === 1 ? lastDay - 2 : lastDay;
}

/** The Monday–Friday day nearest `day`, staying inside the month. */
function nearestWeekday(year: number, month: number, day: number, lastDay: number): number {
  const weekday = dayOfWeek(year, month, day);
  if (weekday === 7) {
    return day === 1 ? day + 2 : day - 1; // Saturday: Friday before, or Monday if that leaves the month
  }
  if (weekday === 1) {
    return day === lastDay ? day - 2 : day + 1; // Sunday: Monday after, or Friday if that leaves the month
  }
  return day;
}
