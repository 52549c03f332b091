import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeliveredInvocation } from '../protocol/agent-protocol.js';
import { systemClock } from '../shared/clock.js';
import { runHostedProcessTree, stepHostDir, type StepHostCommand } from './hosted-process.js';
import type { JournalEntry } from './journal.js';
import { fingerprintOf, isProcessGone } from './process-tree.js';
import { readStepExit, type StepHostSpec } from './step-host.js';
import { NOT_RUN_AFTER_RESTART_MESSAGE, recoverHostedStep } from './step-recovery.js';

/** The real host, run from the TypeScript sources. */
const HOST: StepHostCommand = {
  command: process.execPath,
  args: ['--import', import.meta.resolve('tsx'), join(import.meta.dirname, 'step-host-main.ts'), 'step-host'],
};
const COMMAND_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mado-step-host-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function options(
  script: string,
  overrides: { timeoutMs?: number; signal?: AbortSignal; maxOutputBytes?: number } = {},
) {
  return {
    command: '/bin/sh',
    args: ['-c', script],
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    timeoutMs: overrides.timeoutMs ?? 20_000,
    signal: overrides.signal ?? new AbortController().signal,
    clock: systemClock,
    killGraceMs: 1_000,
    maxOutputBytes: overrides.maxOutputBytes ?? 1024,
  };
}

describe('runHostedProcessTree', () => {
  it('reports the exit code and output recorded by the host, and leaves them in its directory', async () => {
    const dir = join(root, 'step-1');
    const result = await runHostedProcessTree(options('echo out; echo err >&2; exit 7'), HOST, dir);
    expect(result).toEqual({ end: { kind: 'exited', exitCode: 7, signal: null }, stdout: 'out\n', stderr: 'err\n' });
    expect(readStepExit(dir)).toMatchObject({ kind: 'exited', exitCode: 7, stdoutBytes: 4, stderrBytes: 4 });
    expect(readFileSync(join(dir, 'stdout'), 'utf8')).toBe('out\n');
  }, 30_000);

  it('keeps only the first maxOutputBytes on disk and says how much was dropped', async () => {
    const dir = join(root, 'step-1');
    const result = await runHostedProcessTree(
      options('head -c 5000 /dev/zero | tr "\\0" x', { maxOutputBytes: 100 }),
      HOST,
      dir,
    );
    expect(readFileSync(join(dir, 'stdout')).length).toBe(100);
    expect(result.stdout).toContain('---Output truncated: the agent kept the first 100 of 5000 bytes---');
  }, 30_000);

  it('lets the host enforce the time limit, killing the step', async () => {
    const dir = join(root, 'step-1');
    const result = await runHostedProcessTree(options('echo start; sleep 30', { timeoutMs: 1_000 }), HOST, dir);
    expect(result.end.kind).toBe('timed-out');
    expect(result.stdout).toBe('start\n');
    expect(readStepExit(dir)?.kind).toBe('timed-out');
  }, 30_000);

  it('kills the whole tree, host included, on abort', async () => {
    const dir = join(root, 'step-1');
    const controller = new AbortController();
    const pidFile = join(root, 'grandchild');
    const running = runHostedProcessTree(
      { ...options(`sleep 60 & echo $! > ${pidFile}; wait`, { signal: controller.signal }) },
      HOST,
      dir,
    );
    for (let i = 0; i < 200 && !existsSync(pidFile); i += 1) {
      await systemClock.sleep(25);
    }
    controller.abort('cancel');
    const result = await running;
    expect(result.end).toMatchObject({ kind: 'aborted', reason: 'cancel' });
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(isProcessGone(grandchild)).toBe(true);
    expect(readStepExit(dir)?.kind).toBe('terminated');
  }, 30_000);
});

function entry(activeIndex: number, fingerprint?: ReturnType<typeof fingerprintOf>): JournalEntry {
  const invocation: DeliveredInvocation = {
    commandId: COMMAND_ID,
    documentName: 'Test',
    defaultTimeoutSeconds: 60,
    steps: ['one', 'two', 'three'].map((name) => ({ action: 'aws:runShellScript', name, inputs: {} })),
  };
  return {
    version: 1,
    commandId: COMMAND_ID,
    state: 'running',
    invocation,
    acceptedAt: 1,
    startedAt: 2,
    steps: [
      { name: 'one', action: 'aws:runShellScript', outcome: 'Success', responseCode: 0, stdout: 'a', stderr: '' },
    ],
    activeStep: { index: activeIndex, startedAt: 3, ...(fingerprint === undefined ? {} : { process: fingerprint }) },
  };
}

function writeSpec(dir: string): void {
  const spec: StepHostSpec = {
    version: 1,
    command: '/bin/sh',
    args: [],
    cwd: root,
    timeoutMs: 5_000,
    killGraceMs: 1_000,
    maxOutputBytes: 1024,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
}

describe('recoverHostedStep', () => {
  it('reports the recorded result, and later steps as not run', () => {
    const dir = stepHostDir(root, COMMAND_ID, 1);
    writeSpec(dir);
    writeFileSync(join(dir, 'stdout'), 'done\n');
    writeFileSync(
      join(dir, 'exit.json'),
      JSON.stringify({
        version: 1,
        kind: 'exited',
        exitCode: 7,
        signal: null,
        startedAt: 3,
        endedAt: 9,
        stdoutBytes: 5,
        stderrBytes: 0,
      }),
    );
    const decided = recoverHostedStep(entry(1), root, 1024);
    expect(decided).toMatchObject({
      kind: 'finished',
      outcome: 'Failed',
      steps: [
        { name: 'one', outcome: 'Success' },
        { name: 'two', outcome: 'Failed', responseCode: 7, stdout: 'done\n', startedAt: 3, endedAt: 9 },
        { name: 'three', outcome: 'Failed', responseCode: -1, stderr: NOT_RUN_AFTER_RESTART_MESSAGE },
      ],
    });
  });

  it('waits while the recorded host still runs, bounded by the step limit', async () => {
    const dir = stepHostDir(root, COMMAND_ID, 1);
    writeSpec(dir);
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    await new Promise((resolve) => sleeper.once('spawn', resolve));
    try {
      const decided = recoverHostedStep(entry(1, fingerprintOf(sleeper.pid!)), root, 1024);
      expect(decided).toMatchObject({ kind: 'wait', dir, deadline: 3 + 5_000 + 1_000 + 15_000 });
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('falls back to "interrupted" without exit.json and without a live host, or when the agent stopped it', () => {
    const dir = stepHostDir(root, COMMAND_ID, 1);
    expect(recoverHostedStep(entry(1), root, 1024)).toEqual({ kind: 'interrupted' });
    writeSpec(dir);
    // A fingerprint whose start time does not match: a reused pid is not taken for the host.
    const reused = { ...fingerprintOf(process.pid), startTicks: '1' };
    expect(recoverHostedStep(entry(1, reused), root, 1024)).toEqual({ kind: 'interrupted' });
    writeFileSync(
      join(dir, 'exit.json'),
      JSON.stringify({ version: 1, kind: 'terminated', exitCode: null, signal: 'SIGTERM', startedAt: 3, endedAt: 4 }),
    );
    expect(recoverHostedStep(entry(1), root, 1024)).toEqual({ kind: 'interrupted' });
  });
});
