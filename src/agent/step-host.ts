/**
 * The step host: a small process that owns one script step, so that the step's result survives
 * a crash of the worker (`mado agent step-host <dir>`, started detached by hosted-process.ts).
 *
 * The worker writes `<dir>/spec.json` (what to run, the time limit), then starts the host as the
 * leader of a new process group. The host starts the step in that same group, writes the first
 * `maxOutputBytes` of its stdout and stderr to `<dir>/stdout` and `<dir>/stderr` (counting the
 * rest), and when the step has ended writes `<dir>/exit.json` atomically, after the output
 * files are on disk:
 *
 *   exited       the step ended on its own (exit code or signal)
 *   timed-out    the host's own timer passed: the group got SIGTERM, then SIGKILL after the grace
 *                period (the host writes exit.json before that SIGKILL, which ends the host too)
 *   terminated   the host got SIGTERM/SIGINT (the agent's cancel or shutdown killing the group)
 *   spawn-failed the step could not be started
 *
 * The host has no pipe to the worker (stdio is ignored), so a dead worker can neither SIGPIPE
 * the step nor lose its output. The worker kills the whole tree, host included, by signalling
 * the group, as it did before there was a host (process-tree.ts).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { replaceFile } from './atomic-file.js';

export const SPEC_FILE = 'spec.json';
export const EXIT_FILE = 'exit.json';
export const STDOUT_FILE = 'stdout';
export const STDERR_FILE = 'stderr';

/** After the step exits, how long to keep reading pipes held open by background children. */
const OUTPUT_DRAIN_MS = 200;
/** Node timers overflow past 2³¹-1 ms; longer limits are slept in slices. */
const MAX_TIMER_MS = 2_147_483_647;

export interface StepHostSpec {
  readonly version: 1;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly killGraceMs: number;
  readonly maxOutputBytes: number;
}

export type StepExitKind = 'exited' | 'timed-out' | 'terminated' | 'spawn-failed';

export interface StepExit {
  readonly version: 1;
  readonly kind: StepExitKind;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly startedAt: number;
  readonly endedAt: number;
  /** Bytes the step wrote, kept or not (the files hold at most `maxOutputBytes` each). */
  readonly stdoutBytes: number;
  readonly stderrBytes: number;
  readonly message?: string;
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function readStepSpec(dir: string): StepHostSpec | undefined {
  const spec = readJson<StepHostSpec>(join(dir, SPEC_FILE));
  return spec?.version === 1 ? spec : undefined;
}

/** The recorded end of the step, once the host wrote it. */
export function readStepExit(dir: string): StepExit | undefined {
  const exit = readJson<StepExit>(join(dir, EXIT_FILE));
  return exit?.version === 1 && typeof exit.kind === 'string' ? exit : undefined;
}

/** One output stream into a file: the first `maxBytes` are written, the rest only counted. */
class CappedFile {
  private readonly fd: number;
  private written = 0;
  total = 0;

  constructor(
    path: string,
    private readonly maxBytes: number,
  ) {
    this.fd = openSync(path, 'w', 0o600);
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    const room = this.maxBytes - this.written;
    if (room <= 0) {
      return;
    }
    const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
    let offset = 0;
    while (offset < kept.length) {
      offset += writeSync(this.fd, kept, offset, kept.length - offset);
    }
    this.written += kept.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}

function sleep(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let settle: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    settle = resolve;
    const step = (remaining: number) => {
      const slice = Math.min(remaining, MAX_TIMER_MS);
      timer = setTimeout(() => (remaining > slice ? step(remaining - slice) : resolve()), slice);
    };
    step(ms);
  });
  return {
    promise,
    cancel: () => {
      clearTimeout(timer);
      settle();
    },
  };
}

function signalOwnGroup(signal: NodeJS.Signals): void {
  try {
    process.kill(-process.pid, signal);
  } catch {
    // The group is gone already (or this is Windows, where there are no groups).
  }
}

/** Runs the step of `dir` to its end and records it; returns the host's exit code. */
export async function runStepHost(dir: string): Promise<number> {
  const spec = readStepSpec(dir);
  if (spec === undefined) {
    return 2;
  }
  const startedAt = Date.now();
  const stdout = new CappedFile(join(dir, STDOUT_FILE), spec.maxOutputBytes);
  const stderr = new CappedFile(join(dir, STDERR_FILE), spec.maxOutputBytes);
  const record = (kind: StepExitKind, exitCode: number | null, signal: NodeJS.Signals | null, message?: string) => {
    stdout.close();
    stderr.close();
    const exit: StepExit = {
      version: 1,
      kind,
      exitCode,
      signal,
      startedAt,
      endedAt: Date.now(),
      stdoutBytes: stdout.total,
      stderrBytes: stderr.total,
      ...(message === undefined ? {} : { message }),
    };
    replaceFile(join(dir, EXIT_FILE), JSON.stringify(exit), 0o600);
  };

  let terminated = false;
  let timingOut = false;
  // SIGTERM reaches the host with the rest of its group; it stays to record how the step ended.
  const onTerminate = () => {
    if (!timingOut) {
      terminated = true;
    }
  };
  process.on('SIGTERM', onTerminate);
  process.on('SIGINT', onTerminate);
  process.on('SIGHUP', () => undefined);

  let child: ChildProcessByStdio<null, Readable, Readable>;
  try {
    child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
  } catch (error) {
    record('spawn-failed', null, null, (error as Error).message);
    return 0;
  }
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (error) => resolve(error));
  });
  if (spawnError !== undefined) {
    record('spawn-failed', null, null, spawnError.message);
    return 0;
  }
  child.on('error', () => undefined);

  const timer = sleep(spec.timeoutMs);
  const first = await Promise.race([exited, timer.promise.then(() => 'timed-out' as const)]);
  timer.cancel();
  let status: { code: number | null; signal: NodeJS.Signals | null };
  if (first === 'timed-out') {
    timingOut = true;
    signalOwnGroup('SIGTERM');
    const grace = sleep(spec.killGraceMs);
    const ended = await Promise.race([exited, grace.promise.then(() => undefined)]);
    grace.cancel();
    status = ended ?? { code: null, signal: null };
  } else {
    status = first;
  }
  const drain = sleep(OUTPUT_DRAIN_MS);
  await Promise.race([closed, drain.promise]);
  drain.cancel();
  child.stdout.destroy();
  child.stderr.destroy();
  const kind: StepExitKind = first === 'timed-out' ? 'timed-out' : terminated ? 'terminated' : 'exited';
  record(kind, status.code, status.signal);
  if (kind === 'timed-out') {
    // Whatever is left of the step's tree, and the host with it.
    signalOwnGroup('SIGKILL');
  }
  return 0;
}
