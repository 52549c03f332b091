/**
 * What a restarted worker does with an invocation the journal still has `running`, when its
 * running step was a hosted script step (step-host.ts):
 *
 *   exit.json recorded (not `terminated`)   → report the step's real exit code and output
 *   no exit.json, the host still runs        → wait for exit.json (bounded by the step's limit)
 *   (same pid + start time as journaled)
 *   otherwise (no host files, host gone
 *   without exit.json, or `terminated`,
 *   i.e. the agent itself stopped the step)  → interrupted: Failed, "the agent stopped"
 *
 * Steps after the recovered one are never started after a restart: the agent cannot know
 * whether running them later, after a crash, is still what was meant (the window may be over,
 * the node may be in another state). They are reported Failed (-1) as not run.
 */
import type { InvocationOutcome, StepResult } from '../protocol/agent-protocol.js';
import { scriptOutcomeOf } from './actions/script-step.js';
import { endOfHostedStep, hostedOutput, stepHostDir } from './hosted-process.js';
import type { JournalEntry } from './journal.js';
import { isRecordedProcessAlive, type ProcessFingerprint } from './process-tree.js';
import { applyControlFlow, invocationOutcomeOf } from './runner.js';
import { readStepExit, readStepSpec, type StepExit } from './step-host.js';

export const NOT_RUN_AFTER_RESTART_MESSAGE =
  'Not run: the agent restarted while an earlier step ran; later steps are not started after a restart, ' +
  'because the agent cannot know whether running them late is still safe';

/** Time allowed past the step's own limit for the host to record its end. */
const WAIT_MARGIN_MS = 15_000;

export type HostedRecovery =
  | { readonly kind: 'finished'; readonly outcome: InvocationOutcome; readonly steps: StepResult[] }
  | {
      readonly kind: 'wait';
      readonly dir: string;
      readonly host: ProcessFingerprint;
      /** Epoch ms after which the step is given up on (its host is killed). */
      readonly deadline: number;
    }
  | { readonly kind: 'interrupted' };

/** The invocation's result once its running step's host recorded `exit`. */
export function resultFromStepExit(
  entry: JournalEntry,
  index: number,
  dir: string,
  exit: StepExit,
  maxOutputBytes: number,
): { outcome: InvocationOutcome; steps: StepResult[] } {
  const spec = readStepSpec(dir);
  const { stdout, stderr } = hostedOutput(dir, maxOutputBytes, exit);
  const end = endOfHostedStep(exit, { exitCode: exit.exitCode, signal: exit.signal });
  const timeoutSeconds = (spec?.timeoutMs ?? 0) / 1000;
  const steps = entry.invocation.steps.map((step, at): StepResult => {
    const base = { name: step.name, action: step.action };
    const done = entry.steps[at];
    if (at < index && done !== undefined) {
      return done;
    }
    if (at === index) {
      const ran = applyControlFlow(step, scriptOutcomeOf(end, stdout, stderr, timeoutSeconds)).outcome;
      return { ...base, ...ran, startedAt: entry.activeStep?.startedAt ?? exit.startedAt, endedAt: exit.endedAt };
    }
    return { ...base, outcome: 'Failed', responseCode: -1, stdout: '', stderr: NOT_RUN_AFTER_RESTART_MESSAGE };
  });
  return { outcome: invocationOutcomeOf(steps), steps };
}

/** Decides what to do with a `running` entry whose step may have run under a step host. */
export function recoverHostedStep(entry: JournalEntry, root: string, maxOutputBytes: number): HostedRecovery {
  const active = entry.activeStep;
  if (active === undefined) {
    return { kind: 'interrupted' };
  }
  const dir = stepHostDir(root, entry.commandId, active.index);
  const spec = readStepSpec(dir);
  if (spec === undefined) {
    return { kind: 'interrupted' };
  }
  const exit = readStepExit(dir);
  if (exit !== undefined) {
    return exit.kind === 'terminated'
      ? { kind: 'interrupted' }
      : { kind: 'finished', ...resultFromStepExit(entry, active.index, dir, exit, maxOutputBytes) };
  }
  if (active.process !== undefined && isRecordedProcessAlive(active.process)) {
    return {
      kind: 'wait',
      dir,
      host: active.process,
      deadline: active.startedAt + spec.timeoutMs + spec.killGraceMs + WAIT_MARGIN_MS,
    };
  }
  // The host may have recorded its end between the two looks.
  const late = readStepExit(dir);
  return late === undefined || late.kind === 'terminated'
    ? { kind: 'interrupted' }
    : { kind: 'finished', ...resultFromStepExit(entry, active.index, dir, late, maxOutputBytes) };
}
