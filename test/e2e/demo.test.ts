/**
 * `npm run demo` for real (scripts/demo.ts, after `npm run build`): a server, three agents and
 * the scenario's window, run to the end (exit 0, the story's key lines); stopped by SIGINT
 * half-way (exit 130, nothing left running, its directory removed); and with --keep-running
 * (the printed URL and credentials work; SIGTERM then stops it all, exit 0).
 *
 * Each run gets its own TMPDIR, so "nothing left" is checkable: no `mado-demo-*` directory in
 * it and no process whose command line names it. The three runs go in parallel.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeMaintenanceWindowExecutionsCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/server-process.js';
import { eventually } from '../support/wait.js';

const DEMO = join(REPO_ROOT, 'scripts', 'demo.ts');

interface DemoRun {
  readonly child: ChildProcessWithoutNullStreams;
  readonly scratch: string;
  output(): string;
  /** Resolves with the exit code (or the signal that ended the demo). */
  readonly exited: Promise<number | NodeJS.Signals | null>;
  /** Waits until the output matches `pattern` (or the demo exits, or `timeoutMs` passes). */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
}

const scratches: string[] = [];

function startDemo(args: readonly string[]): DemoRun {
  const scratch = mkdtempSync(join(tmpdir(), 'mado-e2e-demo-'));
  scratches.push(scratch);
  const child = spawn(process.execPath, ['--import', 'tsx', DEMO, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? scratch, TMPDIR: scratch },
    stdio: 'pipe',
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  let ended = false;
  void exited.then(() => (ended = true));
  return {
    child,
    scratch,
    output: () => output,
    exited,
    waitFor: async (pattern, timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(output);
        if (match !== null) {
          return match;
        }
        if (ended || Date.now() > deadline) {
          throw new Error(`the demo ${ended ? 'exited' : 'did not print'} ${pattern} in time:\n${output}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  };
}

async function exitWithin(run: DemoRun, ms: number): Promise<number | NodeJS.Signals | null> {
  const timer = setTimeout(() => run.child.kill('SIGKILL'), ms);
  try {
    return await run.exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Processes of this user whose command line names `text`. */
function processesNaming(text: string): string[] {
  const listed = spawnSync('ps', ['-U', String(process.getuid!()), '-o', 'pid=,args='], { encoding: 'utf8' });
  return listed.stdout.split('\n').filter((line) => line.includes(text) && !/^\s*\d+\s+ps /.test(line));
}

function pidsPrinted(output: string): number[] {
  return [...output.matchAll(/\bpid (\d+)\b/g)].map((match) => Number(match[1]));
}

/** True while `pid` runs; a zombie (exited, not yet reaped by init) does not count. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    // Gone in between (Linux), or no /proc to tell a zombie (macOS).
    return process.platform !== 'linux';
  }
}

/** No process of the run is left, and (unless kept) its working directory is gone. */
async function expectNothingLeft(run: DemoRun, options: { readonly kept: boolean }): Promise<void> {
  // Everything is stopped before the demo exits; a short grace for the kernel to reap.
  await eventually(
    () => Promise.resolve(processesNaming(run.scratch)),
    (left) => left.length === 0,
    { timeoutMs: 5_000, what: `no process naming ${run.scratch}` },
  );
  const pids = pidsPrinted(run.output());
  expect(pids.length).toBeGreaterThanOrEqual(options.kept ? 4 : 1);
  expect(pids.filter(isRunning), run.output()).toEqual([]);
  const left = readdirSync(run.scratch).filter((name) => name.startsWith('mado-demo-'));
  expect(left).toHaveLength(options.kept ? 1 : 0);
}

describe.concurrent('npm run demo', () => {
  afterAll(() => {
    for (const scratch of scratches) {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('tells the story, prints the final versions and exits 0', async () => {
    const run = startDemo([]);
    const code = await exitWithin(run, 200_000);
    const output = run.output();
    expect(code, output).toBe(0);
    for (const line of [
      /Published: mado-agent 3\.2\.1798\.0/,
      /Published: mado-agent 3\.2\.2222\.0 \(latest\)/,
      /Published metrics-agent 1\.0\.0/,
      /Published metrics-agent 2\.0\.0/,
      /web-1 +mi-[0-9a-f]{17} +Env=demo,Role=web +Online +mado-agent 3\.2\.1798\.0 \(not the latest\)/,
      /batch-1 +mi-[0-9a-f]{17} +Env=demo,Role=batch +Online/,
      /AWS-ConfigureAWSPackage Install metrics-agent 1\.0\.0: \S+ Success/,
      /Window mw-[0-9a-f]{17} "agent-updates": schedule at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\)/,
      /Task \S+: AWS-UpdateSSMAgent, priority 1, version blank \(latest\)/,
      /Task \S+: AWS-ConfigureAWSPackage, priority 1, Install "Uninstall and reinstall" metrics-agent, version blank/,
      /Due at \d\d:\d\d:\d\d .*, in \d+ s/,
      /waiting: the window is due in \d+ s/,
      /execution \S+ started/,
      /task AWS-UpdateSSMAgent: IN_PROGRESS/,
      /web-2 +AWS-ConfigureAWSPackage: SUCCESS/,
      /execution: SUCCESS/,
      /web-1 +SUCCESS +mado-agent updated successfully to 3\.2\.2222\.0 \(was 3\.2\.1798\.0\)/,
      /batch-1 +SUCCESS +metrics-agent 2\.0\.0 is installed \(was 1\.0\.0\)\./,
      /keeping the existing configuration/,
      /Done in .*: every node runs mado-agent 3\.2\.2222\.0 and metrics-agent 2\.0\.0 on its unchanged configuration\./,
    ]) {
      expect(output).toMatch(line);
    }
    for (const node of ['web-1', 'web-2', 'batch-1']) {
      expect(output).toMatch(
        new RegExp(
          `${node} +mi-[0-9a-f]{17} +3\\.2\\.2222\\.0 \\(Online\\) +yes +2\\.0\\.0 +2\\.0\\.0, pid \\d+ +unchanged`,
        ),
      );
    }
    // The two tasks ran in parallel: both were IN_PROGRESS before either ended.
    const firstEnd = Math.min(
      output.indexOf('task AWS-UpdateSSMAgent: SUCCESS'),
      output.indexOf('task AWS-ConfigureAWSPackage: SUCCESS'),
    );
    expect(output.indexOf('task AWS-UpdateSSMAgent: IN_PROGRESS')).toBeLessThan(firstEnd);
    expect(output.indexOf('task AWS-ConfigureAWSPackage: IN_PROGRESS')).toBeLessThan(firstEnd);
    await expectNothingLeft(run, { kept: false });
  }, 220_000);

  it('stops cleanly on SIGINT half-way: exit 130, no process left, its directory removed', async () => {
    const run = startDemo([]);
    // By then the server, three agents and three package daemons run.
    await run.waitFor(/waiting: the window is due in/, 120_000);
    expect(run.output()).toMatch(/metrics-agent 1\.0\.0 running \(pid \d+\)/);
    run.child.kill('SIGINT');
    const code = await exitWithin(run, 60_000);
    expect(code, run.output()).toBe(130);
    expect(run.output()).toMatch(/Stopped: stopped by SIGINT while waiting for the window to run/);
    expect(run.output()).toMatch(/Stopped: web-1 \(pid \d+\), .*metrics-agent daemon \(pid \d+\).*server \(pid \d+\)/);
    await expectNothingLeft(run, { kept: false });
  }, 200_000);

  it('keeps everything up with --keep-running, with working credentials, until SIGTERM', async () => {
    const run = startDemo(['--keep-running', '--due-in', '10']);
    await run.waitFor(/Everything keeps running/, 150_000);
    const url = (await run.waitFor(/API: +(http:\/\/\S+)/, 1_000))[1]!;
    const [, accessKeyId, secretAccessKey] = await run.waitFor(
      /export AWS_ACCESS_KEY_ID=(\S+) AWS_SECRET_ACCESS_KEY=(\S+)/,
      1_000,
    );
    const windowId = (await run.waitFor(/--window-id (mw-[0-9a-f]{17})/, 1_000))[1]!;
    const ssm = new SSMClient({
      endpoint: url,
      region: 'us-east-1',
      credentials: { accessKeyId: accessKeyId!, secretAccessKey: secretAccessKey! },
      maxAttempts: 1,
    });
    try {
      const executions = await ssm.send(new DescribeMaintenanceWindowExecutionsCommand({ WindowId: windowId }));
      expect(executions.WindowExecutions?.map((execution) => execution.Status)).toEqual(['SUCCESS']);
    } finally {
      ssm.destroy();
    }
    // Still up a while later: nothing ends by itself.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(run.child.exitCode).toBeNull();

    run.child.kill('SIGTERM');
    const code = await exitWithin(run, 60_000);
    expect(code, run.output()).toBe(0);
    expect(run.output()).toMatch(/Kept \S+mado-demo-\S+ \(logs\/, server\/, nodes\/\) for inspection\./);
    await expectNothingLeft(run, { kept: true });
  }, 200_000);
});
