/** Command-line checks shared by the benchmarks' option parsers. */

/**
 * `text` as a whole number from `min` to `max`.
 * @throws Error naming the option and showing `usage` otherwise.
 */
export function wholeNumberOption(name: string, text: string, min: number, max: number, usage: string): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max}; got "${text}".\n${usage}`);
  }
  return Number(text);
}
