/** Command-line handling shared by the benchmarks. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

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

export interface BenchArgs<N extends string, F extends string> {
  /** The whole-number option `name`, checked against its bounds. */
  whole(name: N, min: number, max: number): number;
  /** Whether the flag `name` was given. */
  flag(name: F | 'profile-server'): boolean;
}

/**
 * Parses a benchmark's options: whole-number options with their defaults, boolean flags, and
 * the flags every benchmark has (`--profile-server`, `--help`, which prints `usage` and exits).
 */
export function parseBenchArgs<N extends string, F extends string = never>(
  argv: readonly string[],
  numbers: Readonly<Record<N, string>>,
  flags: readonly F[],
  usage: string,
): BenchArgs<N, F> {
  const options: Record<string, { type: 'string'; default: string } | { type: 'boolean'; default: boolean }> = {
    'profile-server': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  };
  for (const [name, fallback] of Object.entries<string>(numbers)) {
    options[name] = { type: 'string', default: fallback };
  }
  for (const name of flags) {
    options[name] = { type: 'boolean', default: false };
  }
  const { values } = parseArgs({ args: [...argv], options });
  if (values.help === true) {
    console.log(usage);
    process.exit(0);
  }
  return {
    whole: (name, min, max) => wholeNumberOption(name, String(values[name]), min, max, usage),
    flag: (name) => values[name] === true,
  };
}

/** Runs `main` and sets the exit code when the module is the script Node was started with. */
export async function runWhenMain(moduleUrl: string, main: () => Promise<number>): Promise<void> {
  if (process.argv[1] !== undefined && moduleUrl === pathToFileURL(resolve(process.argv[1])).href) {
    process.exitCode = await main();
  }
}
