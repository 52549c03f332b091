/**
 * How one configuration value is read: whole numbers within bounds, durations in seconds and
 * true/false switches, each failing with a ConfigError that names the flag or variable.
 */

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A whole number from `min` to `max`. @throws ConfigError naming `name`. */
export function integer(value: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${value}".`);
  }
  return Number(value);
}

/** Reads the environment's values, each with its default when unset. */
export class EnvReader {
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  /** The variable as a whole number from `min` to `max`, or `fallback` when unset. */
  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.env[name];
    return value === undefined ? fallback : integer(value, name, min, max);
  }

  /** The variable in whole seconds (from `min` to `max`), returned in milliseconds. */
  milliseconds(name: string, fallbackSeconds: number, min: number, max: number): number {
    return this.integer(name, fallbackSeconds, min, max) * 1000;
  }

  /** The variable in whole days (from 1 to `maxDays`), returned in milliseconds. */
  days(name: string, fallbackDays: number, maxDays: number): number {
    return this.integer(name, fallbackDays, 1, maxDays) * 24 * 60 * 60 * 1000;
  }

  /** `true` or `false`; `fallback` when unset. */
  flag(name: string, fallback = false): boolean {
    const value = this.env[name];
    if (value === undefined) {
      return fallback;
    }
    if (value !== 'true' && value !== 'false') {
      throw new ConfigError(`${name} must be true or false; got "${value}".`);
    }
    return value === 'true';
  }

  /** The variable's text, or undefined when unset or empty. */
  text(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value === '' ? undefined : value;
  }
}
