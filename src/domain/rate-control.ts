/**
 * Rate control (spec §6.5, §7.5): MaxConcurrency bounds invocations in flight; MaxErrors stops
 * starting new ones once the error count exceeds it. Both are an absolute number or a
 * percentage of the N targets, resolved once N is known.
 */

/** A MaxConcurrency / MaxErrors value as given: `"10"` or `"25%"`. */
export type RateValue = string;

function percentOf(value: RateValue): number | undefined {
  return value.endsWith('%') ? Number(value.slice(0, -1)) : undefined;
}

/** Invocations allowed in flight for `targetCount` targets (at least 1). */
export function resolveMaxConcurrency(value: RateValue, targetCount: number): number {
  const percent = percentOf(value);
  const resolved = percent === undefined ? Number(value) : Math.floor((targetCount * percent) / 100);
  return Math.max(1, Math.min(resolved, Math.max(targetCount, 1)));
}

/** Errors tolerated for `targetCount` targets; starting stops once errors exceed it. */
export function resolveMaxErrors(value: RateValue, targetCount: number): number {
  const percent = percentOf(value);
  return percent === undefined ? Number(value) : Math.floor((targetCount * percent) / 100);
}

/** Whether new invocations may still start after `errors` errors. */
export function errorThresholdExceeded(errors: number, allowedErrors: number): boolean {
  return errors > allowedErrors;
}
