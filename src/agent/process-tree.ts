/**
 * Runs one script as a process tree that can be stopped as a whole.
 *
 * On POSIX the process is spawned detached, i.e. as the leader of a new process group, and
 * everything it forks (unless it calls setsid itself) stays in that group. A timeout or a cancel
 * sends SIGTERM to the whole group, waits up to a grace period for the group to empty, then sends
 * SIGKILL, and returns only once no live member is left: when `runProcessTree` resolves after a
 * kill, the children of children are gone too. On Windows the tree is ended with `taskkill /T /F`.
 *
 * A process that exits normally may leave background processes behind (a script that starts a
 * daemon); those are left alone, as SSM leaves them. Its output pipes are read until they close
 * or, if a background process holds them open, for a short drain period after the exit.
 *
 * Linux detail: a group member that has exited but was not reaped (a zombie, common in
 * containers whose PID 1 does not reap) counts as gone; /proc tells them apart.
 */
import { spawn, spawnSync, type ChildProcess, type ChildProcessByStdio } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Clock } from '../shared/clock.js';
import { CappedOutput, liveOutputOf, type LiveOutput } from './capped-output.js';

const isWindows = process.platform === 'win32';
const isLinux = process.platform === 'linux';

/** How often the group is checked while waiting for it to empty. */
const GROUP_POLL_MS = 20;
/** After SIGKILL, how long to wait for the kernel to finish tearing the group down. */
const AFTER_KILL_WAIT_MS = 5_000;
/** After the main process exits, how long to keep reading pipes held open by background children. */
const OUTPUT_DRAIN_MS = 200;

/** Enough to find a step's processes again after the agent itself crashed. */
export interface ProcessFingerprint {
  readonly processGroupId: number;
  /** Linux: start time of the group leader (clock ticks after boot, /proc/<pid>/stat field 22). */
  readonly startTicks?: string;
  /** Linux: /proc/sys/kernel/random/boot_id when the process started. */
  readonly bootId?: string;
}

export interface ProcessTreeOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Execution limit; the tree is killed when it passes. */
  readonly timeoutMs: number;
  /** Aborting it (cancel, agent shutdown) kills the tree. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  /** SIGTERM → SIGKILL grace period. */
  readonly killGraceMs: number;
  readonly maxOutputBytes: number;
  /** Called once the process runs, before any waiting (the journal records it). */
  readonly onStarted?: (fingerprint: ProcessFingerprint) => void;
  /** Called once the process runs, with a view of its output so far (read while it runs). */
  readonly onLiveOutput?: (output: LiveOutput) => void;
}

/** How the main process ended: an exit code, or the signal that ended it. */
export interface ExitStatus {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

export type ProcessEnd =
  | ({ readonly kind: 'exited' } & ExitStatus)
  /** Killed (with its tree) because the time limit passed. */
  | ({ readonly kind: 'timed-out' } & ExitStatus)
  /** Killed (with its tree) because the signal was aborted; `reason` is the signal's reason. */
  | ({ readonly kind: 'aborted'; readonly reason: unknown } & ExitStatus)
  | { readonly kind: 'spawn-failed'; readonly message: string };

export interface ProcessTreeResult {
  readonly end: ProcessEnd;
  readonly stdout: string;
  readonly stderr: string;
}

interface ProcStat {
  readonly state: string;
  readonly processGroupId: number;
  readonly startTicks: string;
}

function readProcStat(pid: number | string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const group = Number(fields[2]);
  const startTicks = fields[19];
  if (state === undefined || !Number.isInteger(group) || startTicks === undefined) {
    return undefined;
  }
  return { state, processGroupId: group, startTicks };
}

function readBootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** True while the group has a member that is not a zombie. */
export function isProcessGroupAlive(processGroupId: number): boolean {
  try {
    process.kill(-processGroupId, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') {
      return false;
    }
    if (code === 'EPERM') {
      return true;
    }
    throw error;
  }
  if (!isLinux) {
    return true;
  }
  for (const name of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(name)) {
      continue;
    }
    const stat = readProcStat(name);
    if (stat !== undefined && stat.processGroupId === processGroupId && stat.state !== 'Z') {
      return true;
    }
  }
  return false;
}

/** True when `pid` is gone or only a zombie (Linux); the test suite uses it too. */
export function isProcessGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  if (!isLinux) {
    return false;
  }
  const stat = readProcStat(pid);
  return stat === undefined || stat.state === 'Z';
}

function signalGroup(processGroupId: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-processGroupId, signal);
  } catch (error) {
    // ESRCH: the group is already gone, which is what we want.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') {
      throw error;
    }
  }
}

/** Node timers overflow past 2³¹-1 ms (about 24.8 days); longer limits are slept in slices. */
const MAX_TIMER_MS = 2_147_483_647;

export async function sleepLong(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  let remaining = ms;
  do {
    const slice = Math.min(remaining, MAX_TIMER_MS);
    await clock.sleep(slice, signal);
    remaining -= slice;
  } while (remaining > 0);
}

/**
 * Waits until `child` has started or failed to start. `exited` resolves with its exit status;
 * `spawnError` is the error that kept it from starting. Later 'error' events (a failed kill)
 * are ignored so they cannot crash the agent: the exit is what counts.
 */
export async function spawned(
  child: ChildProcess,
): Promise<{ readonly exited: Promise<ExitStatus>; readonly spawnError: Error | undefined }> {
  const exited = new Promise<ExitStatus>((resolve) =>
    child.once('exit', (exitCode, signal) => resolve({ exitCode, signal })),
  );
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', (error) => resolve(error));
  });
  child.on('error', () => {});
  return { exited, spawnError };
}

/**
 * Waits for whichever comes first: the process's exit, `timeoutMs` on `clock`, or `signal`
 * (already aborted counts at once). The timer and the abort listener are removed before it
 * resolves.
 */
export async function raceExit(
  exited: Promise<ExitStatus>,
  clock: Clock,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ExitStatus | 'timed-out' | 'aborted'> {
  const stopTimer = new AbortController();
  // The timer is stopped only once the race is decided: then its rejection settles nothing.
  const timedOut = sleepLong(clock, timeoutMs, stopTimer.signal).then(
    () => 'timed-out' as const,
    () => new Promise<never>(() => {}),
  );
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'aborted'>((resolve) => {
    onAbort = () => resolve('aborted');
    if (signal.aborted) {
      // Aborted already, e.g. from inside onStarted: the listener would never fire.
      resolve('aborted');
    } else {
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  const first = await Promise.race([exited, timedOut, aborted]);
  stopTimer.abort();
  if (onAbort !== undefined) {
    signal.removeEventListener('abort', onAbort);
  }
  return first;
}

async function waitForGroupExit(processGroupId: number, limitMs: number, clock: Clock): Promise<boolean> {
  const deadline = clock.now().getTime() + limitMs;
  while (isProcessGroupAlive(processGroupId)) {
    if (clock.now().getTime() >= deadline) {
      return false;
    }
    await clock.sleep(GROUP_POLL_MS);
  }
  return true;
}

/**
 * Stops a process tree: SIGTERM to its group, SIGKILL after `graceMs` if anything is left.
 * Resolves when no live member remains (or after a last bounded wait following SIGKILL).
 */
export async function killProcessTree(pid: number, graceMs: number, clock: Clock): Promise<void> {
  if (isWindows) {
    spawnSync('taskkill', ['/pid', String(pid), '/T', '/F'], { windowsHide: true });
    return;
  }
  signalGroup(pid, 'SIGTERM');
  if (await waitForGroupExit(pid, graceMs, clock)) {
    return;
  }
  signalGroup(pid, 'SIGKILL');
  await waitForGroupExit(pid, AFTER_KILL_WAIT_MS, clock);
}

/**
 * True when the group leader the journal recorded still runs (same boot, same start time, not a
 * zombie), so that a reused process id is never taken for it. Without /proc (not Linux) this
 * cannot be told for sure, and the answer is false.
 */
export function isRecordedProcessAlive(fingerprint: ProcessFingerprint): boolean {
  if (!isLinux || fingerprint.startTicks === undefined || fingerprint.bootId === undefined) {
    return false;
  }
  if (readBootId() !== fingerprint.bootId) {
    return false;
  }
  const leader = readProcStat(fingerprint.processGroupId);
  return leader !== undefined && leader.state !== 'Z' && leader.startTicks === fingerprint.startTicks;
}

/**
 * After a crash of the agent: kills what is left of a step's process group, but only when its
 * leader is still the very process the journal recorded (same boot, same start time), so that a
 * reused process id is never touched. Returns whether something was killed.
 */
export function tryKillOrphanedTree(fingerprint: ProcessFingerprint): boolean {
  if (!isRecordedProcessAlive(fingerprint)) {
    return false;
  }
  signalGroup(fingerprint.processGroupId, 'SIGKILL');
  return true;
}

export function fingerprintOf(pid: number): ProcessFingerprint {
  if (!isLinux) {
    return { processGroupId: pid };
  }
  const stat = readProcStat(pid);
  const bootId = readBootId();
  return {
    processGroupId: pid,
    ...(stat === undefined ? {} : { startTicks: stat.startTicks }),
    ...(bootId === undefined ? {} : { bootId }),
  };
}

/** Runs `command args…` as its own process tree; see the file header for the guarantees. */
export async function runProcessTree(options: ProcessTreeOptions): Promise<ProcessTreeResult> {
  const stdout = new CappedOutput(options.maxOutputBytes);
  const stderr = new CappedOutput(options.maxOutputBytes);
  const result = (end: ProcessEnd): ProcessTreeResult => ({ end, stdout: stdout.text(), stderr: stderr.text() });
  if (options.signal.aborted) {
    return result({ kind: 'aborted', reason: options.signal.reason, exitCode: null, signal: null });
  }

  let child: ChildProcessByStdio<null, Readable, Readable>;
  try {
    child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: !isWindows,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
  } catch (error) {
    // Invalid arguments (e.g. a NUL byte in the environment) throw instead of emitting 'error'.
    return result({ kind: 'spawn-failed', message: (error as Error).message });
  }
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const { exited, spawnError } = await spawned(child);
  if (spawnError !== undefined || child.pid === undefined) {
    return result({ kind: 'spawn-failed', message: spawnError?.message ?? 'the process did not start' });
  }
  const pid = child.pid;
  options.onStarted?.(fingerprintOf(pid));
  options.onLiveOutput?.(liveOutputOf(stdout, stderr));

  const first = await raceExit(exited, options.clock, options.timeoutMs, options.signal);

  let end: ProcessEnd;
  if (first === 'timed-out' || first === 'aborted') {
    await killProcessTree(pid, options.killGraceMs, options.clock);
    const status = await exited;
    end =
      first === 'timed-out'
        ? { kind: 'timed-out', ...status }
        : { kind: 'aborted', reason: options.signal.reason, ...status };
  } else {
    end = { kind: 'exited', ...first };
  }

  const drainStop = new AbortController();
  await Promise.race([
    closed,
    options.clock.sleep(OUTPUT_DRAIN_MS, drainStop.signal).catch(() => {
      // Stopped because the pipes closed first.
    }),
  ]);
  drainStop.abort();
  child.stdout.destroy();
  child.stderr.destroy();
  return result(end);
}
