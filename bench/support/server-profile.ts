/**
 * The end of a `--profile-server` run: finds the `.cpuprofile` the server wrote when it exited
 * and prints its summary for the measured span only (see bench/cpu-profile-summary.ts).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { summariseCpuProfile } from '../cpu-profile-summary.js';
import type { ServerHandle } from './mado-server.js';

/** `performance.now()` at the start and the end of what was measured, in the benchmark process. */
export interface MeasuredSpan {
  fromMs?: number;
  toMs?: number;
}

/**
 * Prints the summary of the profile in `profileDir`, cut to `measured` (the server's profile
 * starts about when it was spawned). Returns false when the server wrote no profile.
 */
export function printServerProfile(
  profileDir: string,
  server: ServerHandle | undefined,
  measured: MeasuredSpan,
  title: string,
): boolean {
  const profiles = readdirSync(profileDir).filter((file) => file.endsWith('.cpuprofile'));
  if (profiles.length === 0) {
    console.error(`No .cpuprofile was written to ${profileDir}.`);
    return false;
  }
  const file = join(profileDir, profiles[0]!);
  const span =
    server !== undefined && measured.fromMs !== undefined && measured.toMs !== undefined
      ? { fromS: (measured.fromMs - server.spawnedAtMs) / 1000, toS: (measured.toMs - server.spawnedAtMs) / 1000 }
      : undefined;
  console.log('');
  console.log(title);
  console.log(summariseCpuProfile(file, 25, span).text);
  console.log(`\n(Profile kept for Chrome DevTools / speedscope: ${file})`);
  return true;
}
