/**
 * What the script plugins share (spec §8.4): the `runCommand`, `workingDirectory` and
 * `timeoutSeconds` inputs, writing the script file, running it as a killable process tree, and
 * mapping how it ended to an SSM outcome:
 *
 *   exit 0 → Success · exit n → Failed (n) · killed by signal s → Failed (128 + s)
 *   timeout → TimedOut (124) · cancel/shutdown → Cancelled (the code it ended with)
 *   interpreter missing, bad input, missing working directory → Failed (-1), nothing ran
 */
import { existsSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { ResolvedStep } from '../../domain/command.js';
import { writeFileAtomic } from '../atomic-file.js';
import { runHostedProcessTree } from '../hosted-process.js';
import { runProcessTree, type ProcessEnd, type ProcessTreeOptions } from '../process-tree.js';
import { stepNotRun, type StepContext, type StepOutcome } from './step-action.js';

export interface ScriptInputs {
  /** The script's lines, in order. */
  readonly lines: readonly string[];
  /** Absolute working directory. */
  readonly workingDirectory: string;
  readonly timeoutSeconds: number;
}

export type ParsedScriptInputs =
  { readonly ok: true; readonly inputs: ScriptInputs } | { readonly ok: false; readonly message: string };

/** Reads `timeoutSeconds` (a number or a numeric string; empty or absent → the default). */
export function parseTimeoutSeconds(value: unknown, defaultSeconds: number): number | undefined {
  if (value === undefined || value === null || value === '') {
    return defaultSeconds;
  }
  const seconds = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : Number.NaN;
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}

/** Validates the shared inputs of the script plugins. */
export function parseScriptInputs(step: ResolvedStep, context: StepContext): ParsedScriptInputs {
  const { runCommand, workingDirectory, timeoutSeconds } = step.inputs;
  let lines: string[];
  if (typeof runCommand === 'string') {
    lines = [runCommand];
  } else if (Array.isArray(runCommand) && runCommand.every((line) => typeof line === 'string')) {
    lines = runCommand as string[];
  } else if (runCommand === undefined) {
    return { ok: false, message: `Step ${step.name}: the runCommand input is required.` };
  } else {
    return { ok: false, message: `Step ${step.name}: runCommand must be a string or a list of strings.` };
  }
  let directory = context.workDir;
  if (workingDirectory !== undefined && workingDirectory !== '') {
    if (typeof workingDirectory !== 'string') {
      return { ok: false, message: `Step ${step.name}: workingDirectory must be a string.` };
    }
    directory = isAbsolute(workingDirectory) ? workingDirectory : resolve(context.workDir, workingDirectory);
    if (!existsSync(directory) || !statSync(directory).isDirectory()) {
      return {
        ok: false,
        message: `Step ${step.name}: the working directory ${directory} does not exist on this node.`,
      };
    }
  }
  const seconds = parseTimeoutSeconds(timeoutSeconds, context.defaultTimeoutSeconds);
  if (seconds === undefined) {
    return {
      ok: false,
      message: `Step ${step.name}: timeoutSeconds must be a positive number of seconds; got ${JSON.stringify(timeoutSeconds)}.`,
    };
  }
  return { ok: true, inputs: { lines, workingDirectory: directory, timeoutSeconds: seconds } };
}

/** The shell convention for a process ended by a signal: 128 + its number. */
function exitStatusCode(exitCode: number | null, signal: NodeJS.Signals | null): number {
  if (exitCode !== null) {
    return exitCode;
  }
  const number = signal === null ? undefined : constants.signals[signal];
  return number === undefined ? -1 : 128 + number;
}

function appendNote(text: string, note: string): string {
  return text === '' || text.endsWith('\n') ? `${text}${note}\n` : `${text}\n${note}\n`;
}

/** How a script step's end is reported (also for a step recovered after a worker crash). */
export function scriptOutcomeOf(end: ProcessEnd, stdout: string, stderr: string, timeoutSeconds: number): StepOutcome {
  switch (end.kind) {
    case 'exited': {
      const code = exitStatusCode(end.exitCode, end.signal);
      if (code === 0) {
        return { outcome: 'Success', responseCode: 0, stdout, stderr };
      }
      const note = end.signal === null ? stderr : appendNote(stderr, `The script was ended by ${end.signal}.`);
      return { outcome: 'Failed', responseCode: code, stdout, stderr: note };
    }
    case 'timed-out':
      return {
        outcome: 'TimedOut',
        responseCode: 124,
        stdout,
        stderr: appendNote(
          stderr,
          `The step exceeded its execution timeout of ${timeoutSeconds} seconds; its processes were stopped.`,
        ),
      };
    case 'aborted':
      return {
        outcome: 'Cancelled',
        responseCode: exitStatusCode(end.exitCode, end.signal),
        stdout,
        stderr: appendNote(
          stderr,
          end.reason === 'shutdown'
            ? 'The agent stopped while this step ran; its processes were stopped.'
            : 'The command was cancelled; the processes of this step were stopped.',
        ),
      };
    case 'spawn-failed':
      return stepNotRun(`The script could not be started: ${end.message}`);
  }
}

export interface ScriptRun {
  /** Interpreter executable (absolute path or a name on PATH). */
  readonly interpreter: string;
  /** Interpreter arguments that come before the script path. */
  readonly interpreterArgs: readonly string[];
  /** File name of the script inside the step's script directory, e.g. `step-1.sh`. */
  readonly scriptFileName: string;
  /** Text written before the joined lines (e.g. a UTF-8 BOM for PowerShell). */
  readonly preamble?: string;
}

/** Writes the script, runs it in its working directory and maps how it ended. */
export async function runScriptStep(
  step: ResolvedStep,
  context: StepContext,
  inputs: ScriptInputs,
  run: ScriptRun,
): Promise<StepOutcome> {
  const scriptPath = join(context.scriptDir, run.scriptFileName);
  writeFileAtomic(scriptPath, `${run.preamble ?? ''}${inputs.lines.join('\n')}\n`, 0o700);
  const tree: ProcessTreeOptions = {
    command: run.interpreter,
    args: [...run.interpreterArgs, scriptPath],
    cwd: inputs.workingDirectory,
    env: {
      ...context.env,
      // As the SSM agent does, so that existing scripts find their node id.
      AWS_SSM_INSTANCE_ID: context.nodeId,
      MADO_COMMAND_ID: context.commandId,
    },
    timeoutMs: Math.ceil(inputs.timeoutSeconds * 1000),
    signal: context.signal,
    clock: context.clock,
    killGraceMs: context.killGraceMs,
    maxOutputBytes: context.maxOutputBytes,
    onStarted: context.onProcessStarted,
    onLiveOutput: context.onLiveOutput,
  };
  const host = context.stepHost;
  const result = host === undefined ? await runProcessTree(tree) : await runHostedProcessTree(tree, host, host.dir);
  return scriptOutcomeOf(result.end, result.stdout, result.stderr, inputs.timeoutSeconds);
}
