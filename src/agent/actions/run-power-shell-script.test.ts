import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedStep } from '../../domain/command.js';
import { systemClock } from '../../shared/clock.js';
import { POWERSHELL_MISSING, runPowerShellScript } from './run-power-shell-script.js';
import type { StepContext } from './step-action.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mado-pwsh-'));
  for (const dir of ['bin', 'work', 'scripts', 'empty']) {
    mkdirSync(join(root, dir));
  }
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function context(path: string): StepContext {
  return {
    commandId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
    nodeId: 'mi-0123456789abcdef0',
    stepIndex: 0,
    platform: 'linux',
    workDir: join(root, 'work'),
    scriptDir: join(root, 'scripts'),
    defaultTimeoutSeconds: 60,
    env: { PATH: path },
    clock: systemClock,
    killGraceMs: 1_000,
    maxOutputBytes: 1024 * 1024,
    signal: new AbortController().signal,
    onProcessStarted: () => {},
  };
}

const step: ResolvedStep = {
  action: 'aws:runPowerShellScript',
  name: 'ps',
  inputs: { runCommand: ['Write-Output "hi"', 'exit 0'] },
};

describe('aws:runPowerShellScript', () => {
  it('fails without running when pwsh is not on PATH, saying PowerShell is not installed', async () => {
    const outcome = await runPowerShellScript.run(step, context(join(root, 'empty')));
    expect(outcome).toEqual({
      outcome: 'Failed',
      responseCode: -1,
      stdout: '',
      stderr: 'PowerShell (pwsh) is not installed on this node',
    });
    expect(POWERSHELL_MISSING).toBe('PowerShell (pwsh) is not installed on this node');
  });

  it('runs the script with pwsh -NoProfile -NonInteractive -File where pwsh is on PATH', async () => {
    // A stand-in pwsh that shows how it was called and what script it got.
    const fake = join(root, 'bin', 'pwsh');
    writeFileSync(fake, '#!/bin/sh\necho "args: $1 $2 $3"\n/bin/cat "$4"\nexit 7\n');
    chmodSync(fake, 0o755);
    const outcome = await runPowerShellScript.run(step, context(join(root, 'bin')));
    expect(outcome.outcome).toBe('Failed');
    expect(outcome.responseCode).toBe(7);
    expect(outcome.stdout).toBe('args: -NoProfile -NonInteractive -File\n\ufeffWrite-Output "hi"\nexit 0\n');
  });

  it('supports Windows, Linux and macOS', () => {
    expect(runPowerShellScript.platforms).toEqual(['Windows', 'Linux', 'MacOS']);
  });
});
