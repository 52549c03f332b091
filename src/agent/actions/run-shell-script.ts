/**
 * `aws:runShellScript` (Linux, macOS): the `runCommand` lines joined with newlines into one
 * script, run by bash when it is on PATH and by sh otherwise, without `-e`, so the exit code of
 * the last command is the step's response code (spec §8.4).
 */
import { findExecutable } from '../find-executable.js';
import { parseScriptInputs, runScriptStep } from './script-step.js';
import { stepNotRun, type StepAction } from './step-action.js';

export const runShellScript: StepAction = {
  name: 'aws:runShellScript',
  platforms: ['Linux', 'MacOS'],
  async run(step, context) {
    const parsed = parseScriptInputs(step, context);
    if (!parsed.ok) {
      return stepNotRun(parsed.message);
    }
    const shell = findExecutable('bash', context.env.PATH) ?? findExecutable('sh', context.env.PATH) ?? '/bin/sh';
    return runScriptStep(step, context, parsed.inputs, {
      interpreter: shell,
      interpreterArgs: [],
      scriptFileName: `step-${context.stepIndex + 1}.sh`,
    });
  },
};
