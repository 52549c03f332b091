/**
 * Runs this checkout's `mado` command line as an operator would, in a clean environment, and
 * returns what it printed and how it exited.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import { MADO_BIN, REPO_ROOT } from './server-process.js';

const execFileAsync = promisify(execFile);

/** How long one `mado` run may take before it is killed (and reported with exit code -1). */
const RUN_TIMEOUT_MS = 30_000;

export interface MadoRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `mado <args>` from the repository root with only PATH, HOME and `env` (usually
 * `server.cliEnv()`; `env` may set HOME): nothing from the caller's own AWS or Mado settings
 * leaks in. Never throws for a non-zero exit.
 */
export async function runMado(args: readonly string[], env: Record<string, string> = {}): Promise<MadoRun> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [MADO_BIN, ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
      timeout: RUN_TIMEOUT_MS,
    });
    return { exitCode: 0, stdout, stderr };
  } catch (error) {
    if (error instanceof Error && 'stdout' in error && 'stderr' in error) {
      const code = 'code' in error ? error.code : undefined;
      return {
        exitCode: typeof code === 'number' ? code : -1,
        stdout: String(error.stdout),
        stderr: String(error.stderr),
      };
    }
    throw error;
  }
}

/** Expects `run` to have exited 0, showing what it printed otherwise. */
export function expectSuccess(run: MadoRun): void {
  expect(run.exitCode, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(0);
}
