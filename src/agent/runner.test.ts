import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedStep } from '../domain/command.js';
import type { DeliveredInvocation } from '../protocol/agent-protocol.js';
import { systemClock } from '../shared/clock.js';
import type { ProcessFingerprint } from './process-tree.js';
import { isProcessGone, isProcessGroupAlive } from './process-tree.js';
import { invocationOutcomeOf, invocationWorkDir, runInvocation, type RunnerOptions } from './runner.js';

const COMMAND_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

let root: string;
let scratch: string;
const leftovers: number[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mado-runner-'));
  scratch = join(root, 'scratch');
  mkdirSync(scratch);
});

afterEach(() => {
  for (const pid of leftovers.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(root, { recursive: true, force: true });
});

function options(overrides: Partial<RunnerOptions> = {}): RunnerOptions {
  return {
    nodeId: 'mi-0123456789abcdef0',
    platformType: 'Linux',
    platform: 'linux',
    workRoot: join(root, 'work'),
    env: process.env,
    clock: systemClock,
    killGraceMs: 2_000,
    maxOutputBytes: 1024 * 1024,
    ...overrides,
  };
}

function shell(name: string, runCommand: string | string[], inputs: Record<string, unknown> = {}): ResolvedStep {
  return { action: 'aws:runShellScript', name, inputs: { runCommand, ...inputs } };
}

function invocation(steps: ResolvedStep[], defaultTimeoutSeconds = 60): DeliveredInvocation {
  return { commandId: COMMAND_ID, documentName: 'AWS-RunShellScript', steps, defaultTimeoutSeconds };
}

const run = (steps: ResolvedStep[], overrides: Partial<RunnerOptions> = {}, signal = new AbortController().signal) =>
  runInvocation(invocation(steps), options(overrides), { signal });

const readPid = (file: string): number => {
  const pid = Number(readFileSync(join(scratch, file), 'utf8').trim());
  leftovers.push(pid);
  return pid;
};

describe('runner with aws:runShellScript', () => {
  it('runs the lines as one script and captures stdout, stderr and the exit code', async () => {
    const result = await run([shell('hello', ['echo hello', 'echo oops >&2', 'exit 0'])]);
    expect(result.outcome).toBe('Success');
    expect(result.steps).toEqual([
      expect.objectContaining({
        name: 'hello',
        action: 'aws:runShellScript',
        outcome: 'Success',
        responseCode: 0,
        stdout: 'hello\n',
        stderr: 'oops\n',
      }),
    ]);
    expect(result.steps[0]!.startedAt).toBeLessThanOrEqual(result.steps[0]!.endedAt!);
  });

  it('reports a non-zero exit code as Failed with that response code', async () => {
    const result = await run([shell('fails', 'echo before; exit 3')]);
    expect(result.outcome).toBe('Failed');
    expect(result.steps[0]).toMatchObject({ outcome: 'Failed', responseCode: 3, stdout: 'before\n' });
  });

  it('takes the exit code of the last command, as sh without -e does', async () => {
    const result = await run([shell('last', ['false', 'true'])]);
    expect(result.steps[0]).toMatchObject({ outcome: 'Success', responseCode: 0 });
  });

  it('runs the steps in order and keeps running after a failed step, as SSM does', async () => {
    const log = join(scratch, 'order.log');
    const result = await run([
      shell('one', `echo one >> ${log}`),
      shell('two', `echo two >> ${log}; exit 1`),
      shell('three', `echo three >> ${log}`),
    ]);
    expect(readFileSync(log, 'utf8')).toBe('one\ntwo\nthree\n');
    expect(result.steps.map((step) => step.outcome)).toEqual(['Success', 'Failed', 'Success']);
    expect(result.outcome).toBe('Failed');
  });

  it('skips the remaining steps after a failure with onFailure: exit, but runs a finallyStep', async () => {
    const result = await run([
      shell('fails', 'exit 2', { onFailure: 'exit' }),
      shell('skipped', 'echo never'),
      shell('cleanup', 'echo cleanup', { finallyStep: true }),
    ]);
    expect(result.steps.map((step) => [step.name, step.outcome, step.responseCode])).toEqual([
      ['fails', 'Failed', 2],
      ['skipped', 'Skipped', 0],
      ['cleanup', 'Success', 0],
    ]);
    expect(result.steps[1]!.stdout).toContain('onFailure: exit');
    expect(result.outcome).toBe('Failed');
  });

  it('ends the document with Success on exit code 168 and with Failed on 169', async () => {
    const succeeded = await run([shell('done', 'exit 168'), shell('after', 'echo never')]);
    expect(succeeded.steps.map((step) => step.outcome)).toEqual(['Success', 'Skipped']);
    expect(succeeded.outcome).toBe('Success');
    const failed = await run([shell('stop', 'exit 169'), shell('after', 'echo never')]);
    expect(failed.steps.map((step) => step.outcome)).toEqual(['Failed', 'Skipped']);
    expect(failed.outcome).toBe('Failed');
  });

  it('accepts runCommand as one string and timeoutSeconds as a string', async () => {
    const result = await run([shell('string', 'echo a\necho b', { timeoutSeconds: '30' })]);
    expect(result.steps[0]).toMatchObject({ outcome: 'Success', stdout: 'a\nb\n' });
  });

  it('runs in the given working directory', async () => {
    const result = await run([shell('pwd', 'pwd', { workingDirectory: scratch })]);
    expect(result.steps[0]!.stdout.trim()).toBe(scratch);
  });

  it('runs in the invocation work directory by default and removes it afterwards', async () => {
    const result = await run([shell('pwd', 'pwd; touch made-here')]);
    const workDir = invocationWorkDir(join(root, 'work'), COMMAND_ID);
    expect(result.steps[0]!.stdout.trim()).toBe(join(workDir, 'run'));
    expect(existsSync(workDir)).toBe(false);
  });

  it('fails a step whose working directory does not exist, without running it', async () => {
    const missing = join(scratch, 'missing');
    const result = await run([shell('nowhere', `touch ${join(scratch, 'ran')}`, { workingDirectory: missing })]);
    expect(result.steps[0]).toMatchObject({ outcome: 'Failed', responseCode: -1 });
    expect(result.steps[0]!.stderr).toContain(`the working directory ${missing} does not exist`);
    expect(existsSync(join(scratch, 'ran'))).toBe(false);
  });

  it('fails a step with a malformed timeoutSeconds, without running it', async () => {
    const result = await run([shell('bad', 'echo hi', { timeoutSeconds: 'soon' })]);
    expect(result.steps[0]).toMatchObject({ outcome: 'Failed', responseCode: -1 });
    expect(result.steps[0]!.stderr).toContain('timeoutSeconds must be a positive number');
  });

  it('gives scripts the node id in AWS_SSM_INSTANCE_ID', async () => {
    const result = await run([shell('env', 'echo $AWS_SSM_INSTANCE_ID')]);
    expect(result.steps[0]!.stdout).toBe('mi-0123456789abcdef0\n');
  });

  it('keeps at most maxOutputBytes of each stream and says how much was dropped', async () => {
    const result = await run(
      [shell('loud', "head -c 5000 /dev/zero | tr '\\0' a; head -c 3000 /dev/zero | tr '\\0' b >&2")],
      {
        maxOutputBytes: 1000,
      },
    );
    const step = result.steps[0]!;
    expect(step.stdout.startsWith('a'.repeat(1000))).toBe(true);
    expect(step.stdout).not.toContain('a'.repeat(1001));
    expect(step.stdout).toContain('kept the first 1000 of 5000 bytes');
    expect(step.stderr).toContain('kept the first 1000 of 3000 bytes');
  });

  it('kills the whole process tree when a step times out, children of children included', async () => {
    const result = await run([
      shell(
        'slow',
        [`echo $$ > ${join(scratch, 'shell.pid')}`, `(sleep 300 & echo $! > ${join(scratch, 'grandchild.pid')}; wait)`],
        {
          timeoutSeconds: 0.2,
        },
      ),
      shell('after', 'echo after'),
    ]);
    expect(result.steps[0]).toMatchObject({ outcome: 'TimedOut', responseCode: 124 });
    expect(result.steps[0]!.stderr).toContain('exceeded its execution timeout of 0.2 seconds');
    expect(result.outcome).toBe('ExecutionTimedOut');
    expect(isProcessGone(readPid('shell.pid'))).toBe(true);
    expect(isProcessGone(readPid('grandchild.pid'))).toBe(true);
    expect(result.steps[1]).toMatchObject({ outcome: 'Success', stdout: 'after\n' });
  });

  it('uses SIGKILL after the grace period when the tree ignores SIGTERM', async () => {
    const result = await run(
      [
        shell('stubborn', ["trap '' TERM", `sleep 300 & echo $! > ${join(scratch, 'child.pid')}`, 'wait'], {
          timeoutSeconds: 0.2,
        }),
      ],
      { killGraceMs: 100 },
    );
    expect(result.steps[0]).toMatchObject({ outcome: 'TimedOut', responseCode: 124 });
    expect(isProcessGone(readPid('child.pid'))).toBe(true);
  });

  it('kills the running step on cancel and reports the invocation Cancelled', async () => {
    const cancel = new AbortController();
    let started: ProcessFingerprint | undefined;
    const result = await runInvocation(
      invocation([
        shell('long', [`sleep 300 & echo $! > ${join(scratch, 'sleep.pid')}`, 'wait']),
        shell('never', `touch ${join(scratch, 'ran')}`),
      ]),
      options(),
      {
        signal: cancel.signal,
        onProcessStarted: (_index, fingerprint) => {
          started = fingerprint;
          cancel.abort('cancel');
        },
      },
    );
    expect(started?.processGroupId).toBeGreaterThan(0);
    expect(result.outcome).toBe('Cancelled');
    expect(result.stoppedBy).toBe('cancel');
    expect(result.steps[0]).toMatchObject({ name: 'long', outcome: 'Cancelled' });
    expect(result.steps[0]!.stderr).toContain('cancelled');
    expect(result.steps[1]).toMatchObject({ name: 'never', outcome: 'Cancelled', responseCode: -1 });
    expect(existsSync(join(scratch, 'ran'))).toBe(false);
    expect(isProcessGroupAlive(started!.processGroupId)).toBe(false);
  });

  it('finishes a step whose background process keeps its output open', async () => {
    const result = await run([
      shell('daemon', [`sleep 300 & echo $! > ${join(scratch, 'daemon.pid')}`, 'echo started']),
    ]);
    expect(result.steps[0]).toMatchObject({ outcome: 'Success', stdout: 'started\n' });
    expect(isProcessGone(readPid('daemon.pid'))).toBe(false);
  });

  it('skips a step meant for another platform and runs the rest', async () => {
    const result = await run([
      {
        action: 'aws:runPowerShellScript',
        name: 'windows-only',
        inputs: { runCommand: ['dir'] },
        platformType: 'Windows',
      },
      shell('linux', 'echo linux'),
    ]);
    expect(result.steps[0]).toMatchObject({ outcome: 'Skipped', responseCode: 0 });
    expect(result.steps[0]!.stdout).toContain('skipped due to incompatible platform');
    expect(result.steps[1]).toMatchObject({ outcome: 'Success', stdout: 'linux\n' });
    expect(result.outcome).toBe('Success');
  });

  it('skips a shell script step on a Windows node, where the plugin does not run', async () => {
    const result = await run([shell('sh', 'echo hi')], { platformType: 'Windows' });
    expect(result.steps[0]).toMatchObject({ outcome: 'Skipped', responseCode: 0 });
  });

  it('fails a step with an unknown action with a clear message and runs the rest', async () => {
    const result = await run([{ action: 'aws:domainJoin', name: 'join', inputs: {} }, shell('after', 'echo after')]);
    expect(result.steps[0]).toMatchObject({ outcome: 'Failed', responseCode: -1 });
    expect(result.steps[0]!.stderr).toContain('Plugin aws:domainJoin is not supported by mado-agent');
    expect(result.steps[0]!.stderr).toContain('aws:runShellScript');
    expect(result.steps[1]!.outcome).toBe('Success');
    expect(result.outcome).toBe('Failed');
  });
});

describe('invocation outcome', () => {
  it('follows the SSM precedence Failed > TimedOut > Cancelled > Success', () => {
    expect(invocationOutcomeOf([{ outcome: 'Success' }, { outcome: 'Skipped' }])).toBe('Success');
    expect(invocationOutcomeOf([{ outcome: 'Cancelled' }, { outcome: 'Success' }])).toBe('Cancelled');
    expect(invocationOutcomeOf([{ outcome: 'Cancelled' }, { outcome: 'TimedOut' }])).toBe('ExecutionTimedOut');
    expect(invocationOutcomeOf([{ outcome: 'TimedOut' }, { outcome: 'Failed' }])).toBe('Failed');
  });
});
