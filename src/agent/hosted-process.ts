/**
 * Runs a script step through a step host (step-host.ts) instead of as a child with pipes into
 * the worker, so that the step's exit code and output survive a crash of the worker.
 *
 *   <dir>/spec.json   written here before the host starts (command, limits)
 *   <dir>/stdout, stderr, exit.json   written by the host (see step-host.ts)
 *
 * The host is spawned detached (the leader of a new process group, with the step in that group)
 * and with no pipes, so `ProcessTreeOptions.onStarted` gets the HOST's fingerprint: killing that
 * group (cancel, the worker's backstop timer, a restarted agent's clean-up) kills the step's
 * whole tree and the host with it, exactly as process-tree.ts does for an unhosted step. The host
 * enforces the step's time limit itself (it must, when the worker is gone); the worker keeps a
 * later backstop timer in case the host cannot.
 *
 * While the step runs, its output is read from the files (for progress frames); at the end the
 * files and exit.json make the result. Without exit.json (the host was killed, or could not
 * start) the host's own exit status is reported.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDirectory, replaceFile } from './atomic-file.js';
import { cappedText, type LiveOutput } from './capped-output.js';
import {
  fingerprintOf,
  killProcessTree,
  raceExit,
  spawned,
  type ExitStatus,
  type ProcessEnd,
  type ProcessTreeOptions,
  type ProcessTreeResult,
} from './process-tree.js';
import { readStepExit, SPEC_FILE, STDERR_FILE, STDOUT_FILE, type StepExit, type StepHostSpec } from './step-host.js';

/** How to start a step host: `command ...args <dir>` (the agent's own entry + `agent step-host`). */
export interface StepHostCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** How much later than the step's limit the worker kills a host that did not stop it itself. */
const BACKSTOP_MARGIN_MS = 5_000;

const HOST_DIED_NOTE = 'The step host ended without recording how the step ended.';

/** `<root>/<commandId>/step-<index + 1>`: where a step's host keeps its files. */
export function stepHostDir(root: string, commandId: string, index: number): string {
  return join(root, commandId, `step-${index + 1}`);
}

function readHead(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return Buffer.alloc(0);
  }
  try {
    const buffer = Buffer.alloc(maxBytes);
    let length = 0;
    while (length < maxBytes) {
      const read = readSync(fd, buffer, length, maxBytes - length, length);
      if (read === 0) {
        break;
      }
      length += read;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** The step's output so far, read from its files while it runs. */
export function fileLiveOutput(dir: string, maxBytes: number): LiveOutput {
  const stdoutPath = join(dir, STDOUT_FILE);
  const stderrPath = join(dir, STDERR_FILE);
  return {
    version: () => sizeOf(stdoutPath) + sizeOf(stderrPath),
    stdout: () => readHead(stdoutPath, maxBytes).toString('utf8'),
    stderr: () => readHead(stderrPath, maxBytes).toString('utf8'),
  };
}

/** The step's output from its files, capped, with the truncation note exit.json allows. */
export function hostedOutput(
  dir: string,
  maxBytes: number,
  exit: StepExit | undefined,
): { stdout: string; stderr: string } {
  const stdout = readHead(join(dir, STDOUT_FILE), maxBytes);
  const stderr = readHead(join(dir, STDERR_FILE), maxBytes);
  return {
    stdout: cappedText(stdout, exit?.stdoutBytes ?? stdout.length),
    stderr: cappedText(stderr, exit?.stderrBytes ?? stderr.length),
  };
}

/** How the step ended, from exit.json (`fallback`: the host's own status when it has none). */
export function endOfHostedStep(exit: StepExit | undefined, fallback: ExitStatus): ProcessEnd {
  if (exit === undefined) {
    return { kind: 'exited', ...fallback };
  }
  const status = { exitCode: exit.exitCode, signal: exit.signal };
  switch (exit.kind) {
    case 'spawn-failed':
      return { kind: 'spawn-failed', message: exit.message ?? 'the process did not start' };
    case 'timed-out':
      return { kind: 'timed-out', ...status };
    case 'terminated':
      // Stopped by someone else than this agent: the step's own status is what it is.
      return { kind: 'exited', ...(exit.exitCode === null && exit.signal === null ? fallback : status) };
    case 'exited':
      return { kind: 'exited', ...status };
  }
}

function withNote(result: ProcessTreeResult, exit: StepExit | undefined): ProcessTreeResult {
  if (exit !== undefined || result.end.kind === 'spawn-failed') {
    return result;
  }
  const stderr = result.stderr === '' || result.stderr.endsWith('\n') ? result.stderr : `${result.stderr}\n`;
  return { ...result, stderr: `${stderr}${HOST_DIED_NOTE}\n` };
}

/** Runs `options.command` under a step host in `dir`; same contract as `runProcessTree`. */
export async function runHostedProcessTree(
  options: ProcessTreeOptions,
  host: StepHostCommand,
  dir: string,
): Promise<ProcessTreeResult> {
  const empty = { stdout: '', stderr: '' };
  if (options.signal.aborted) {
    return { end: { kind: 'aborted', reason: options.signal.reason, exitCode: null, signal: null }, ...empty };
  }
  ensureDirectory(dir, 0o700);
  const spec: StepHostSpec = {
    version: 1,
    command: options.command,
    args: options.args,
    cwd: options.cwd,
    timeoutMs: options.timeoutMs,
    killGraceMs: options.killGraceMs,
    maxOutputBytes: options.maxOutputBytes,
  };
  replaceFile(join(dir, SPEC_FILE), JSON.stringify(spec), 0o600);

  let child: ChildProcess;
  try {
    child = spawn(host.command, [...host.args, dir], {
      cwd: options.cwd,
      env: options.env,
      // Its own group (POSIX), and not ended with the worker (Windows).
      detached: true,
      stdio: 'ignore',
      windowsHide: true,
    });
  } catch (error) {
    return { end: { kind: 'spawn-failed', message: (error as Error).message }, ...empty };
  }
  const { exited, spawnError } = await spawned(child);
  if (spawnError !== undefined || child.pid === undefined) {
    return { end: { kind: 'spawn-failed', message: spawnError?.message ?? 'the step host did not start' }, ...empty };
  }
  const pid = child.pid;
  options.onStarted?.(fingerprintOf(pid));
  options.onLiveOutput?.(fileLiveOutput(dir, options.maxOutputBytes));

  const backstopMs = options.timeoutMs + options.killGraceMs + BACKSTOP_MARGIN_MS;
  const first = await raceExit(exited, options.clock, backstopMs, options.signal);
  if (first === 'timed-out' || first === 'aborted') {
    await killProcessTree(pid, options.killGraceMs, options.clock);
  }
  const hostStatus = await exited;
  const exit = readStepExit(dir);
  const output = hostedOutput(dir, options.maxOutputBytes, exit);
  let end: ProcessEnd;
  if (first === 'aborted') {
    const status = exit === undefined || exit.kind === 'spawn-failed' ? hostStatus : exit;
    end = { kind: 'aborted', reason: options.signal.reason, exitCode: status.exitCode, signal: status.signal };
  } else if (first === 'timed-out') {
    const status = exit ?? hostStatus;
    end = { kind: 'timed-out', exitCode: status.exitCode, signal: status.signal };
  } else {
    end = endOfHostedStep(exit, hostStatus);
  }
  return withNote({ end, ...output }, exit);
}
