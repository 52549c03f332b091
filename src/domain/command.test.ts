import { describe, expect, it } from 'vitest';
import { invocationPlugins, isOutputCapped, isPluginFinished, type PluginResult } from './command.js';

const STEPS = [
  { name: 'first', action: 'aws:runShellScript' },
  { name: 'second', action: 'aws:runShellScript' },
];

const FIRST_DONE: PluginResult = {
  name: 'first',
  action: 'aws:runShellScript',
  status: 'Success',
  statusDetails: 'Success',
  responseCode: 0,
  startedAt: 1_000,
  endedAt: 2_000,
  output: 'hello',
};

describe('invocationPlugins', () => {
  it('lists every step with a placeholder while the invocation is pending', () => {
    expect(invocationPlugins(STEPS, { statusDetails: 'Pending', plugins: [] })).toEqual([
      {
        name: 'first',
        action: 'aws:runShellScript',
        status: 'Pending',
        statusDetails: 'Pending',
        responseCode: -1,
        output: '',
      },
      {
        name: 'second',
        action: 'aws:runShellScript',
        status: 'Pending',
        statusDetails: 'Pending',
        responseCode: -1,
        output: '',
      },
    ]);
  });

  it("uses the agent's result for a step that reported and keeps the steps' order", () => {
    const plugins = invocationPlugins(STEPS, { statusDetails: 'InProgress', plugins: [FIRST_DONE] });
    expect(plugins[0]).toBe(FIRST_DONE);
    expect(plugins[1]).toMatchObject({ name: 'second', status: 'InProgress', responseCode: -1 });
  });

  it('reports a step that never ran of a cancelled invocation as Cancelled', () => {
    expect(invocationPlugins(STEPS, { statusDetails: 'Cancelled', plugins: [] })[1]).toMatchObject({
      status: 'Cancelled',
      statusDetails: 'Cancelled',
      responseCode: -1,
    });
  });

  it('reports the steps of an undeliverable invocation as Failed with its details', () => {
    expect(invocationPlugins(STEPS, { statusDetails: 'Undeliverable', plugins: [] })[0]).toMatchObject({
      status: 'Failed',
      statusDetails: 'Undeliverable',
    });
  });
});

describe('isPluginFinished', () => {
  it.each([
    ['Pending', false],
    ['InProgress', false],
    ['Success', true],
    ['Failed', true],
    ['TimedOut', true],
    ['Cancelled', true],
  ] as const)('says a %s plugin finished: %s', (status, finished) => {
    expect(isPluginFinished({ status })).toBe(finished);
  });
});

describe('isOutputCapped', () => {
  it('is false for output under the cap', () => {
    expect(isOutputCapped('hello\n', 100)).toBe(false);
    expect(isOutputCapped('', 100)).toBe(false);
  });

  it('is true at the cap, allowing for a character cut in the middle', () => {
    expect(isOutputCapped('x'.repeat(100), 100)).toBe(true);
    expect(isOutputCapped(`${'x'.repeat(97)}\uFFFD`.slice(0, 98), 100)).toBe(true);
    expect(isOutputCapped('x'.repeat(96), 100)).toBe(false);
  });

  it('is true when the agent noted that it dropped the end', () => {
    expect(isOutputCapped('abc\n---Output truncated: the agent kept the first 3 of 9 bytes---\n', 1_000)).toBe(true);
    expect(isOutputCapped('abc\n---Output truncated to fit the result message (9 characters)---\n', 1_000)).toBe(true);
  });
});
