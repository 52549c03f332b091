/**
 * `aws:runPowerShellScript` (Windows, Linux, macOS): the `runCommand` lines as a .ps1 file run
 * by `powershell.exe` on Windows and by `pwsh` elsewhere, as the SSM agent does (spec §8.4).
 * Scripts must end with `exit <n>` for their own code to be reported; otherwise PowerShell
 * reports 0, or 1 after a terminating error. Without PowerShell the step fails without running.
 */
import { findExecutable } from '../find-executable.js';
import { parseScriptInputs, runScriptStep } from './script-step.js';
import { stepNotRun, type StepAction } from './step-action.js';

export const POWERSHELL_MISSING = 'PowerShell (pwsh) is not installed on this node';

export const runPowerShellScript: StepAction = {
  name: 'aws:runPowerShellScript',
  platforms: ['Windows', 'Linux', 'MacOS'],
  async run(step, context) {
    const parsed = parseScriptInputs(step, context);
    if (!parsed.ok) {
      return stepNotRun(parsed.message);
    }
    const onWindows = context.platform === 'win32';
    const interpreter = onWindows
      ? (findExecutable('powershell', context.env.PATH, 'win32') ?? findExecutable('pwsh', context.env.PATH, 'win32'))
      : findExecutable('pwsh', context.env.PATH);
    if (interpreter === undefined) {
      return stepNotRun(onWindows ? 'PowerShell (powershell.exe) is not installed on this node' : POWERSHELL_MISSING);
    }
    return runScriptStep(step, context, parsed.inputs, {
      interpreter,
      interpreterArgs: onWindows
        ? ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File']
        : ['-NoProfile', '-NonInteractive', '-File'],
      scriptFileName: `step-${context.stepIndex + 1}.ps1`,
      // Windows PowerShell 5 reads a BOM-less script as the ANSI code page.
      preamble: '\ufeff',
    });
  },
};
