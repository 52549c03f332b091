/**
 * Runs one delivered invocation: its document steps in order, each through its action.
 *
 * Per step, in this order:
 *   1. stopped (cancel/shutdown)              → Cancelled, -1, not run
 *   2. an earlier step exited the document    → Skipped (0), unless the step is `finallyStep`
 *   3. `platformType` ≠ this node's platform,
 *      or the action does not support it     → Skipped (0), "incompatible platform" (schema 2.2)
 *   4. unknown action                         → Failed, -1, "not supported by this agent"
 *   5. otherwise the action runs              → Success | Failed | TimedOut | Cancelled
 *
 * Control flow follows the SSM agent: a failed step does NOT stop the document by default;
 * later steps still run. A step stops the document (later steps are Skipped, except a
 * `finallyStep`) when it exits with 168 (Success) or 169 (Failed), when it fails or times out
 * with `onFailure: exit` (or `successAndExit`, which reports it as Success, code 168), or when it
 * succeeds with `onSuccess: exit`.
 *
 * The invocation's outcome follows the SSM agent's precedence, Failed > TimedOut > Cancelled >
 * Success, except that an invocation stopped by `cancel` is Cancelled whatever ran before.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ResolvedStep } from '../domain/command.js';
import type { PlatformType } from '../domain/managed-node.js';
import type { DeliveredInvocation, InvocationOutcome, StepResult } from '../protocol/agent-protocol.js';
import type { Clock } from '../shared/clock.js';
import { runPowerShellScript } from './actions/run-power-shell-script.js';
import { runShellScript } from './actions/run-shell-script.js';
import type { StepAction, StepOutcome, StopReason } from './actions/step-action.js';
import { ensureDirectory } from './atomic-file.js';
import type { LiveOutput } from './capped-output.js';
import { stepHostDir, type StepHostCommand } from './hosted-process.js';
import type { ProcessFingerprint } from './process-tree.js';
import { AGENT_VERSION } from './version.js';

export const DEFAULT_ACTIONS: ReadonlyMap<string, StepAction> = new Map(
  [runShellScript, runPowerShellScript].map((action) => [action.name, action]),
);

/** SSM's exit codes that end the document early (agent ≥ 3.0.502). */
const EXIT_WITH_SUCCESS = 168;
const EXIT_WITH_FAILURE = 169;

export interface RunnerOptions {
  readonly nodeId: string;
  readonly platformType: PlatformType;
  readonly platform: NodeJS.Platform;
  /** Parent of the per-invocation work directories (`<state-dir>/work`). */
  readonly workRoot: string;
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly killGraceMs: number;
  readonly maxOutputBytes: number;
  readonly actions?: ReadonlyMap<string, StepAction>;
  /**
   * Script steps run under a step host started with this command, keeping their files in
   * `<root>/<commandId>/step-N` (the journal directory), so their result survives a worker crash.
   */
  readonly stepHost?: StepHostCommand & { readonly root: string };
}

export interface InvocationHooks {
  /** Aborted with a `StopReason` to stop the invocation. */
  readonly signal: AbortSignal;
  readonly onStepStarted?: (index: number, startedAt: number) => void;
  readonly onProcessStarted?: (index: number, fingerprint: ProcessFingerprint) => void;
  readonly onStepFinished?: (index: number, result: StepResult) => void;
  /** A running step's output so far, once its process runs (script steps). */
  readonly onStepOutput?: (index: number, output: LiveOutput) => void;
}

export interface InvocationRunResult {
  readonly outcome: InvocationOutcome;
  readonly steps: readonly StepResult[];
  /** Set when the invocation was stopped before it could finish on its own. */
  readonly stoppedBy?: StopReason;
}

/** Precedence of the SSM agent's document status: Failed > TimedOut > Cancelled > Success. */
export function invocationOutcomeOf(steps: readonly Pick<StepResult, 'outcome'>[]): InvocationOutcome {
  const outcomes = new Set(steps.map((step) => step.outcome));
  if (outcomes.has('Failed')) {
    return 'Failed';
  }
  if (outcomes.has('TimedOut')) {
    return 'ExecutionTimedOut';
  }
  if (outcomes.has('Cancelled')) {
    return 'Cancelled';
  }
  return 'Success';
}

function stopReasonOf(signal: AbortSignal): StopReason {
  return signal.reason === 'shutdown' ? 'shutdown' : 'cancel';
}

function inputText(step: ResolvedStep, name: string): string | undefined {
  const value = step.inputs[name];
  return typeof value === 'string' ? value : undefined;
}

function isFinallyStep(step: ResolvedStep): boolean {
  const value = step.inputs.finallyStep;
  return value === true || value === 'true';
}

/** After a step ran: does it end the document, and how is it reported? */
export function applyControlFlow(step: ResolvedStep, ran: StepOutcome): { outcome: StepOutcome; exitReason?: string } {
  if (ran.responseCode === EXIT_WITH_SUCCESS) {
    return {
      outcome: {
        ...ran,
        outcome: 'Success',
        stdout: `${ran.stdout}\nStep exited with code 168: marked Success; the remaining steps are skipped.\n`,
      },
      exitReason: `step ${step.name} exited with code 168`,
    };
  }
  if (ran.responseCode === EXIT_WITH_FAILURE) {
    return {
      outcome: {
        ...ran,
        outcome: 'Failed',
        stderr: `${ran.stderr}\nStep exited with code 169: marked Failed; the remaining steps are skipped.\n`,
      },
      exitReason: `step ${step.name} exited with code 169`,
    };
  }
  const onFailure = inputText(step, 'onFailure');
  if ((ran.outcome === 'Failed' || ran.outcome === 'TimedOut') && onFailure === 'exit') {
    return {
      outcome: { ...ran, stderr: `${ran.stderr}\nStep has onFailure: exit; the remaining steps are skipped.\n` },
      exitReason: `step ${step.name} failed with onFailure: exit`,
    };
  }
  if ((ran.outcome === 'Failed' || ran.outcome === 'TimedOut') && onFailure === 'successAndExit') {
    return {
      outcome: {
        ...ran,
        outcome: 'Success',
        responseCode: EXIT_WITH_SUCCESS,
        stderr: `${ran.stderr}\nStep has onFailure: successAndExit; marked Success and the remaining steps are skipped.\n`,
      },
      exitReason: `step ${step.name} failed with onFailure: successAndExit`,
    };
  }
  if (ran.outcome === 'Success' && inputText(step, 'onSuccess') === 'exit') {
    return { outcome: ran, exitReason: `step ${step.name} succeeded with onSuccess: exit` };
  }
  return { outcome: ran };
}

function safeDirectoryName(commandId: string): string {
  return commandId.replace(/[^A-Za-z0-9-]/g, '_');
}

/** The per-invocation work directory, `<workRoot>/<commandId>`. */
export function invocationWorkDir(workRoot: string, commandId: string): string {
  return join(workRoot, safeDirectoryName(commandId));
}

/** Runs the invocation's steps; never throws for a step's failure (outcomes are data). */
export async function runInvocation(
  invocation: DeliveredInvocation,
  options: RunnerOptions,
  hooks: InvocationHooks,
): Promise<InvocationRunResult> {
  const actions = options.actions ?? DEFAULT_ACTIONS;
  const workDir = invocationWorkDir(options.workRoot, invocation.commandId);
  const runDir = join(workDir, 'run');
  const scriptDir = join(workDir, 'scripts');
  ensureDirectory(options.workRoot, 0o700);
  ensureDirectory(workDir, 0o700);
  ensureDirectory(scriptDir, 0o700);
  mkdirSync(runDir, { recursive: true });

  const now = () => options.clock.now().getTime();
  const results: StepResult[] = [];
  let exitReason: string | undefined;
  try {
    for (const [index, step] of invocation.steps.entries()) {
      const base = { name: step.name, action: step.action };
      let result: StepResult;
      const action = actions.get(step.action);
      if (hooks.signal.aborted) {
        const why = stopReasonOf(hooks.signal) === 'cancel' ? 'the command was cancelled' : 'the agent stopped';
        result = { ...base, outcome: 'Cancelled', responseCode: -1, stdout: '', stderr: `Not run: ${why}.` };
      } else if (exitReason !== undefined && !isFinallyStep(step)) {
        const at = now();
        result = {
          ...base,
          outcome: 'Skipped',
          responseCode: 0,
          startedAt: at,
          endedAt: at,
          stdout: `Step skipped: ${exitReason}, which ends the document. Step name: ${step.name}`,
          stderr: '',
        };
      } else if (
        (step.platformType !== undefined && step.platformType.toLowerCase() !== options.platformType.toLowerCase()) ||
        (action !== undefined && !action.platforms.includes(options.platformType))
      ) {
        const at = now();
        result = {
          ...base,
          outcome: 'Skipped',
          responseCode: 0,
          startedAt: at,
          endedAt: at,
          stdout: `Step execution skipped due to incompatible platform (this node is ${options.platformType}). Step name: ${step.name}`,
          stderr: '',
        };
      } else if (action === undefined) {
        const at = now();
        const supported = [...actions.keys()].join(', ');
        result = {
          ...base,
          outcome: 'Failed',
          responseCode: -1,
          startedAt: at,
          endedAt: at,
          stdout: '',
          stderr: `Plugin ${step.action} is not supported by mado-agent ${AGENT_VERSION} (supported: ${supported}). Step name: ${step.name}`,
        };
      } else {
        const startedAt = now();
        hooks.onStepStarted?.(index, startedAt);
        const ran = await action.run(step, {
          commandId: invocation.commandId,
          nodeId: options.nodeId,
          stepIndex: index,
          stepCount: invocation.steps.length,
          platform: options.platform,
          workDir: runDir,
          scriptDir,
          defaultTimeoutSeconds: invocation.defaultTimeoutSeconds,
          env: options.env,
          clock: options.clock,
          killGraceMs: options.killGraceMs,
          maxOutputBytes: options.maxOutputBytes,
          signal: hooks.signal,
          onProcessStarted: (fingerprint) => hooks.onProcessStarted?.(index, fingerprint),
          onLiveOutput: (output) => hooks.onStepOutput?.(index, output),
          ...(options.stepHost === undefined
            ? {}
            : {
                stepHost: {
                  command: options.stepHost.command,
                  args: options.stepHost.args,
                  dir: stepHostDir(options.stepHost.root, invocation.commandId, index),
                },
              }),
        });
        const flow = applyControlFlow(step, ran);
        exitReason ??= flow.exitReason;
        result = { ...base, ...flow.outcome, startedAt, endedAt: now() };
      }
      results.push(result);
      hooks.onStepFinished?.(index, result);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  if (hooks.signal.aborted) {
    const stoppedBy = stopReasonOf(hooks.signal);
    return { outcome: stoppedBy === 'cancel' ? 'Cancelled' : invocationOutcomeOf(results), steps: results, stoppedBy };
  }
  return { outcome: invocationOutcomeOf(results), steps: results };
}
