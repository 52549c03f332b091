/**
 * `aws:updateSsmAgent` (AWS-UpdateSSMAgent): updates this agent to a release published on the
 * server it is registered with. The step runs in two workers:
 *
 *   this worker   resolve the target (blank = the latest release) → compare with this version:
 *                   same        → Success, "mado-agent X has already been installed, update skipped"
 *                   older, allowDowngrade=false → Failed, "updating mado-agent to an older version,
 *                                 please enable allow downgrade to proceed"
 *                 → download over the connection, verify size and SHA-256 → install in
 *                   releases/<version>/ → wait until no other command runs on the node (new ones
 *                   wait) → record the update (releases/update.json) and restart into it
 *   supervisor    starts the new release on trial; it must connect within the bound, or the
 *                 previous release is started again (supervisor.ts)
 *   next worker   reports the step: Success with the old and the new version, or Failed with
 *                 the reason of the rollback (self-update.ts); the journal makes it exactly once
 *
 * The texts follow the SSM agent's, with `mado-agent` as the agent's name. The restart ends the
 * worker, so the step must be the document's last one; `source` must be the built-in
 * `{ServerUrl}/…` (releases come from the server only).
 */
import { compareAgentVersions, isAgentVersion } from '../../domain/agent-release.js';
import type { ResolvedStep } from '../../domain/command.js';
import { AGENT_UPDATE_MANIFEST_SOURCE } from '../../domain/builtin-documents.js';
import type { ReleaseInfo } from '../../protocol/agent-protocol.js';
import { stepNotRun, type StepAction, type StepContext, type StepOutcome } from './step-action.js';

export const AGENT_NAME = 'mado-agent';

/** What the action needs from the worker (self-update.ts implements it). */
export interface UpdateHost {
  readonly currentVersion: string;
  /** Whether a supervisor can restart this worker into another release. */
  readonly canSwitch: boolean;
  /** The release named `version`, or the latest. @throws Error with a message for the output */
  findRelease(version: string | undefined, signal: AbortSignal): Promise<ReleaseInfo>;
  /** The release's bundle, size and SHA-256 verified. @throws Error with a message for the output */
  downloadRelease(release: ReleaseInfo, signal: AbortSignal): Promise<Uint8Array>;
  /** Installs a verified bundle beside the current one; returns its path. */
  installRelease(version: string, bundle: Uint8Array): string;
  /** Claims the node's one update slot; returns the command holding it when it is taken. */
  tryBeginUpdate(commandId: string): string | undefined;
  endUpdate(commandId: string): void;
  /** Commands running on the node besides `commandId`. */
  runningOthers(commandId: string): number;
  /** Holds new commands and waits for the running ones; false when `signal` aborted first. */
  drainOthers(commandId: string, signal: AbortSignal): Promise<boolean>;
  /** Lets held commands start (the update did not happen). */
  resumeStarts(): void;
  /** Records the update and stops this worker so that the supervisor starts the new release. */
  switchTo(request: {
    readonly commandId: string;
    readonly stepIndex: number;
    readonly to: { readonly version: string; readonly path: string };
    readonly stdout: string;
  }): void;
}

interface UpdateInputs {
  readonly targetVersion: string | undefined;
  readonly allowDowngrade: boolean;
  readonly timeoutSeconds: number;
}

function parseInputs(
  step: ResolvedStep,
  context: StepContext,
): { ok: true; inputs: UpdateInputs } | { ok: false; message: string } {
  const { agentName, source, allowDowngrade, targetVersion, timeoutSeconds } = step.inputs;
  if (agentName !== undefined && agentName !== 'amazon-ssm-agent' && agentName !== AGENT_NAME) {
    return {
      ok: false,
      message: `agentName ${JSON.stringify(agentName)} is not supported: ${AGENT_NAME} updates itself (agentName amazon-ssm-agent or ${AGENT_NAME}).`,
    };
  }
  if (source !== undefined && source !== '' && source !== AGENT_UPDATE_MANIFEST_SOURCE) {
    return {
      ok: false,
      message: `source ${JSON.stringify(source)} is not supported: ${AGENT_NAME} installs releases from its Mado server only (source ${AGENT_UPDATE_MANIFEST_SOURCE}).`,
    };
  }
  const downgrade = allowDowngrade === undefined ? 'false' : String(allowDowngrade);
  if (downgrade !== 'true' && downgrade !== 'false') {
    return { ok: false, message: `allowDowngrade must be "true" or "false"; got ${JSON.stringify(allowDowngrade)}.` };
  }
  if (targetVersion !== undefined && typeof targetVersion !== 'string') {
    return { ok: false, message: `targetVersion must be a string; got ${JSON.stringify(targetVersion)}.` };
  }
  const version = targetVersion === undefined || targetVersion.trim() === '' ? undefined : targetVersion.trim();
  if (version !== undefined && !isAgentVersion(version)) {
    return {
      ok: false,
      message: `${AGENT_NAME} version ${JSON.stringify(version)} is unsupported: versions look like 1.2.0, 3.2.1798.0 or 1.2.0-rc.1.`,
    };
  }
  let seconds = context.defaultTimeoutSeconds;
  if (timeoutSeconds !== undefined && timeoutSeconds !== '') {
    seconds = Number(timeoutSeconds);
    if (!Number.isInteger(seconds) || seconds < 1) {
      return {
        ok: false,
        message: `timeoutSeconds must be a whole number of seconds; got ${JSON.stringify(timeoutSeconds)}.`,
      };
    }
  }
  return {
    ok: true,
    inputs: { targetVersion: version, allowDowngrade: downgrade === 'true', timeoutSeconds: seconds },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Resolves when `signal` aborts. */
function aborted(signal: AbortSignal): Promise<void> {
  return signal.aborted
    ? Promise.resolve()
    : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export function createUpdateSsmAgentAction(host: UpdateHost): StepAction {
  return {
    name: 'aws:updateSsmAgent',
    platforms: ['Linux', 'Windows', 'MacOS'],
    async run(step, context) {
      const parsed = parseInputs(step, context);
      if (!parsed.ok) {
        return stepNotRun(parsed.message);
      }
      const stepCount = context.stepCount ?? context.stepIndex + 1;
      if (context.stepIndex !== stepCount - 1) {
        return stepNotRun(
          `aws:updateSsmAgent restarts the agent, so it must be the document's last step (it is step ${context.stepIndex + 1} of ${stepCount}).`,
        );
      }
      if (!host.canSwitch) {
        return stepNotRun(
          `${AGENT_NAME} runs without its supervisor (mado agent run), which is what restarts it into a new release; not updated.`,
        );
      }
      const { inputs } = parsed;
      const current = host.currentVersion;
      const lines: string[] = [`Updating ${AGENT_NAME} from ${current} to ${inputs.targetVersion ?? 'latest'}`];
      const stdout = () => `${lines.join('\n')}\n`;
      const fail = (message: string, responseCode = 1): StepOutcome => ({
        outcome: 'Failed',
        responseCode,
        stdout: stdout(),
        stderr: `${message}\n`,
      });

      const deadline = new AbortController();
      const signal = AbortSignal.any([context.signal, deadline.signal]);
      const timer = new AbortController();
      context.clock.sleep(inputs.timeoutSeconds * 1000, timer.signal).then(
        () => deadline.abort('timeout'),
        () => {
          // The step ended first.
        },
      );
      const stopped = (): StepOutcome | undefined => {
        if (context.signal.aborted) {
          return {
            outcome: 'Cancelled',
            responseCode: -1,
            stdout: stdout(),
            stderr: `Not updated: ${context.signal.reason === 'shutdown' ? 'the agent stopped' : 'the command was cancelled'}.\n`,
          };
        }
        if (deadline.signal.aborted) {
          return {
            outcome: 'TimedOut',
            responseCode: 124,
            stdout: stdout(),
            stderr: `Not updated: the update did not get to the restart within ${inputs.timeoutSeconds} s.\n`,
          };
        }
        return undefined;
      };

      let claimed = false;
      let switched = false;
      try {
        let release: ReleaseInfo;
        try {
          release = await host.findRelease(inputs.targetVersion, signal);
        } catch (error) {
          return (
            stopped() ??
            fail(`${AGENT_NAME} version ${inputs.targetVersion ?? 'latest'} is unavailable: ${messageOf(error)}`)
          );
        }
        if (inputs.targetVersion === undefined) {
          lines.push(`The latest ${AGENT_NAME} release on the server is ${release.version}`);
        }
        const order = compareAgentVersions(release.version, current);
        if (order === 0) {
          lines.push(`${AGENT_NAME} ${current} has already been installed, update skipped`);
          return { outcome: 'Success', responseCode: 0, stdout: stdout(), stderr: '' };
        }
        if (order < 0 && !inputs.allowDowngrade) {
          return fail(
            `updating ${AGENT_NAME} to an older version, please enable allow downgrade to proceed (installed ${current}, requested ${release.version})`,
          );
        }
        const holder = host.tryBeginUpdate(context.commandId);
        if (holder !== undefined) {
          return fail(`another ${AGENT_NAME} update (command ${holder}) is in progress on this node; not updated`);
        }
        claimed = true;
        let bundle: Uint8Array;
        try {
          bundle = await host.downloadRelease(release, signal);
        } catch (error) {
          return stopped() ?? fail(`could not download ${AGENT_NAME} ${release.version}: ${messageOf(error)}`);
        }
        lines.push(
          `Successfully downloaded ${AGENT_NAME} ${release.version} (${release.sizeBytes} bytes, sha256 ${release.sha256})`,
        );
        let path: string;
        try {
          path = host.installRelease(release.version, bundle);
        } catch (error) {
          return fail(`could not install ${AGENT_NAME} ${release.version}: ${messageOf(error)}`);
        }
        lines.push(`Installed ${AGENT_NAME} ${release.version} in ${path}`);
        const others = host.runningOthers(context.commandId);
        if (others > 0) {
          lines.push(`Waiting for ${others} other command${others === 1 ? '' : 's'} running on this node to end`);
        }
        if (!(await host.drainOthers(context.commandId, signal))) {
          return stopped() ?? fail('the update was interrupted while other commands ran');
        }
        lines.push(`Initiating ${AGENT_NAME} update to ${release.version}`);
        host.switchTo({
          commandId: context.commandId,
          stepIndex: context.stepIndex,
          to: { version: release.version, path },
          stdout: stdout(),
        });
        switched = true;
        // The worker stops now; the next one reports this step (self-update.ts). What is returned
        // here is journaled only as a fallback for a lost update record.
        await Promise.race([aborted(context.signal), aborted(deadline.signal)]);
        return {
          outcome: 'Failed',
          responseCode: -1,
          stdout: stdout(),
          stderr: `The agent restarted to run ${AGENT_NAME} ${release.version}; the outcome of the update was not recorded.\n`,
        };
      } finally {
        timer.abort();
        if (claimed && !switched) {
          // The update stopped short of the restart: held commands may start, another update may run.
          host.resumeStarts();
          host.endUpdate(context.commandId);
        }
      }
    },
  };
}
