/**
 * What an action (an SSM plugin such as `aws:runShellScript`) is to the runner: a name, the
 * platforms it can run on, and a function from a step to its outcome. Outcomes are data: a
 * script that fails, times out or cannot start is a `StepOutcome`, never an exception.
 */
import type { PlatformType } from '../../domain/managed-node.js';
import type { ResolvedStep } from '../../domain/command.js';
import type { Clock } from '../../shared/clock.js';
import type { LiveOutput } from '../capped-output.js';
import type { StepHostCommand } from '../hosted-process.js';
import type { ProcessFingerprint } from '../process-tree.js';

/** Why a running invocation was stopped: the server's `cancel`, or the agent shutting down. */
export type StopReason = 'cancel' | 'shutdown';

export interface StepContext {
  readonly commandId: string;
  readonly nodeId: string;
  readonly stepIndex: number;
  /** Number of steps in the document (the runner always sets it). */
  readonly stepCount?: number;
  readonly platform: NodeJS.Platform;
  /** The invocation's default working directory (exists). */
  readonly workDir: string;
  /** Where the action writes its script file (exists, private). */
  readonly scriptDir: string;
  /** Execution limit when the step's `timeoutSeconds` input is absent. */
  readonly defaultTimeoutSeconds: number;
  /** Environment the script inherits; its PATH is also where interpreters are looked up. */
  readonly env: NodeJS.ProcessEnv;
  readonly clock: Clock;
  readonly killGraceMs: number;
  readonly maxOutputBytes: number;
  /** Aborted with a `StopReason` to stop the step. */
  readonly signal: AbortSignal;
  readonly onProcessStarted: (fingerprint: ProcessFingerprint) => void;
  /** A script step's output so far, once its process runs (the agent reports it while it runs). */
  readonly onLiveOutput?: (output: LiveOutput) => void;
  /**
   * When set, a script step runs under a step host keeping its files in `dir`, so its result
   * survives a crash of the worker (hosted-process.ts); otherwise its output is piped.
   */
  readonly stepHost?: StepHostCommand & { readonly dir: string };
}

export interface StepOutcome {
  readonly outcome: 'Success' | 'Failed' | 'TimedOut' | 'Cancelled';
  /** Exit code; -1 when nothing ran; 124 after a timeout kill. */
  readonly responseCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface StepAction {
  /** The document's `action`, e.g. `aws:runShellScript`. */
  readonly name: string;
  /** Platforms the plugin supports; a step of another platform is skipped (schema 2.2). */
  readonly platforms: readonly PlatformType[];
  run(step: ResolvedStep, context: StepContext): Promise<StepOutcome>;
}

/** A step that did not run because its inputs or environment are wrong. */
export function stepNotRun(message: string): StepOutcome {
  return { outcome: 'Failed', responseCode: -1, stdout: '', stderr: message };
}
