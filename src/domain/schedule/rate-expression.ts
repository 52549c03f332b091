/**
 * `rate(<value> <unit>)` schedules (spec §3.2): a fixed interval counted from an anchor instant.
 * The anchor rule lives in `schedule.ts`; this file only parses and validates the expression.
 *
 * - value: a positive integer without sign or leading zeros;
 * - unit: `minute(s)`, `hour(s)`, `day(s)`, singular exactly when the value is 1;
 * - interval between 5 minutes and 365 days (AWS documents neither bound; we enforce both).
 * Days are exact 24-hour periods: rates ignore DST and the window's time zone.
 */
import { invalidScheduleExpression } from './schedule-errors.js';

export type RateUnit = 'minute' | 'hour' | 'day';

export interface RateExpression {
  readonly value: number;
  readonly unit: RateUnit;
  readonly intervalMs: number;
}

const UNIT_MS: Readonly<Record<RateUnit, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MIN_INTERVAL_MS = 5 * UNIT_MS.minute;
const MAX_INTERVAL_MS = 365 * UNIT_MS.day;

/**
 * Parses `rate(...)`. `text` is the whole expression, already trimmed.
 * @throws ValidationError on field `schedule`.
 */
export function parseRateExpression(text: string): RateExpression {
  const fail = (detail: string): never => {
    throw invalidScheduleExpression(text, detail);
  };
  const parts = /^rate\(([^\s()]+) +([^\s()]+)\)$/.exec(text);
  if (parts?.[1] === undefined || parts[2] === undefined) {
    return fail('expected rate(<value> <unit>), e.g. rate(30 minutes)');
  }
  const [, valueText, unitText] = parts;
  if (!/^[0-9]+$/.test(valueText)) {
    return fail(`rate value ${valueText} is not a positive integer`);
  }
  if (/^0[0-9]/.test(valueText)) {
    return fail(`rate value ${valueText} must not have leading zeros`);
  }
  const value = Number(valueText);
  if (value === 0) {
    return fail(`rate value ${valueText} must be at least 1`);
  }
  const unit = unitText.replace(/s$/, '');
  if (unit !== 'minute' && unit !== 'hour' && unit !== 'day') {
    return fail(`rate unit ${unitText} is not one of minute, minutes, hour, hours, day, days`);
  }
  const isPlural = unitText.endsWith('s');
  if (value === 1 && isPlural) {
    return fail(`rate unit ${unitText} must be singular (${unit}) when the value is 1`);
  }
  if (value !== 1 && !isPlural) {
    return fail(`rate unit ${unitText} must be plural (${unit}s) when the value is ${valueText}`);
  }
  const intervalMs = value * UNIT_MS[unit];
  if (intervalMs < MIN_INTERVAL_MS) {
    return fail(`rate(${valueText} ${unitText}) is shorter than the minimum of 5 minutes`);
  }
  if (intervalMs > MAX_INTERVAL_MS) {
    return fail(`rate(${valueText} ${unitText}) is longer than the maximum of 365 days`);
  }
  return { value, unit, intervalMs };
}
