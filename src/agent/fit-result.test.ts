import { describe, expect, it } from 'vitest';
import type { StepResult } from '../protocol/agent-protocol.js';
import { fitStepsToFrame } from './fit-result.js';

const step = (stdout: string, stderr = ''): StepResult => ({
  name: 'step',
  action: 'aws:runShellScript',
  outcome: 'Success',
  responseCode: 0,
  stdout,
  stderr,
});

describe('fitting results into a frame', () => {
  it('leaves results that fit unchanged', () => {
    const steps = [step('a'.repeat(1000), 'b')];
    expect(fitStepsToFrame(steps, 100_000)).toEqual(steps);
  });

  it('cuts every stream to a share of the frame, keeping the start and saying so', () => {
    const steps = Array.from({ length: 10 }, () => step('x'.repeat(300_000), 'y'.repeat(300_000)));
    const fitted = fitStepsToFrame(steps, 1024 * 1024);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThan(1024 * 1024 - 64 * 1024);
    expect(fitted[0]!.stdout.startsWith('xxxx')).toBe(true);
    expect(fitted[0]!.stdout).toContain('Output truncated to fit the result message (300000 characters)');
  });

  it('fits outputs that grow when escaped as JSON', () => {
    const steps = Array.from({ length: 4 }, () => step('\u0001'.repeat(200_000)));
    const fitted = fitStepsToFrame(steps, 1024 * 1024);
    expect(Buffer.byteLength(JSON.stringify(fitted))).toBeLessThan(1024 * 1024 - 64 * 1024);
  });
});
