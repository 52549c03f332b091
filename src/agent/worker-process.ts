/**
 * The worker process (`mado agent worker`, started by the supervisor): loads the state
 * directory, recovers the journal, starts invocations accepted before a restart, then runs the
 * connection loop until SIGTERM/SIGINT, the supervisor's disappearance, or revocation.
 *
 * Order at start: recover (running → Failed) and start accepted ones BEFORE connecting, so the
 * first hello already lists every unfinished command and the first welcome resends every result.
 * Order at stop: close the connection, stop running invocations (their process trees are
 * killed; they stay `running` in the journal and are reported Failed by the next start), exit.
 *
 * A self-update (`aws:updateSsmAgent`, self-update.ts) is settled from releases/update.json
 * before that recovery, and ends the worker with EXIT_SWITCH_RELEASE for the supervisor.
 *
 * Exit codes: 0 stopped, EXIT_REVOKED (77) revoked, EXIT_STATE_INVALID (78) unusable state,
 * EXIT_SWITCH_RELEASE (75) restart from the release just installed.
 */
import { join } from 'node:path';
import { platformTypeOf } from '../domain/managed-node.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { AgentEventListener } from './agent-events.js';
import type { AgentSettings } from './config.js';
import { createConfigurePackageAction } from './actions/configure-package.js';
import { createUpdateSsmAgentAction } from './actions/update-ssm-agent.js';
import { EXIT_REVOKED, EXIT_STATE_INVALID, EXIT_SWITCH_RELEASE } from './exit-codes.js';
import type { StepHostCommand } from './hosted-process.js';
import { InstalledPackages } from './installed-packages.js';
import { InvocationManager } from './invocation-manager.js';
import { InventoryReporter } from './inventory-reporter.js';
import { Journal } from './journal.js';
import { collectNodeFacts } from './node-facts.js';
import { ServerPackageSource } from './package-download.js';
import { DEFAULT_ACTIONS } from './runner.js';
import { ReleaseClient } from './release-client.js';
import { ReleaseState } from './release-state.js';
import { SelfUpdate, type SupervisorChannel } from './self-update.js';
import { ServerRequests } from './server-requests.js';
import { PinnedAgent, ServerPins } from './server-trust.js';
import { parseSupervisorMessage } from './supervisor-ipc.js';
import { AGENT_VERSION } from './version.js';
import { JOURNAL_DIR, loadState, StateDirectoryError, WORK_DIR, type LoadedState } from './state-directory.js';
import { AgentWorker, type WorkerEnd } from './worker.js';

export interface WorkerRuntime {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: AgentSettings;
  readonly env: NodeJS.ProcessEnv;
  readonly onEvent?: AgentEventListener;
  /** How to start step hosts (`agent step-host`); without it script steps are piped (tests). */
  readonly stepHost?: StepHostCommand;
  /** The supervisor's IPC channel, when the worker runs under `mado agent run`. */
  readonly supervisor?: SupervisorChannel;
}

/** Wires one worker over a loaded state directory; `run` resolves when it ends. */
export function createWorker(state: LoadedState, runtime: WorkerRuntime) {
  const { clock, logger, settings } = runtime;
  const journal = Journal.open(join(state.stateDir, JOURNAL_DIR));
  for (const problem of journal.loadProblems) {
    logger.error({ problem }, 'unreadable journal entry set aside');
  }
  // Packages (aws:configurePackage): downloads over the connection, inventory reported on it.
  const installedPackages = InstalledPackages.open(state.stateDir, clock.now().getTime());
  if (installedPackages.loadProblem !== undefined) {
    logger.error({ problem: installedPackages.loadProblem }, 'package inventory unreadable; starting empty');
  }
  const serverRequests = new ServerRequests(clock);
  const inventory = new InventoryReporter(installedPackages, clock);
  const configurePackage = createConfigurePackageAction({
    installed: installedPackages,
    source: new ServerPackageSource(serverRequests),
    platform: collectNodeFacts,
    onInventoryChanged: () => inventory.changed(),
    now: () => clock.now().getTime(),
  });
  // Self-update (aws:updateSsmAgent): releases over the connection, restart through the supervisor.
  const switchRelease = new AbortController();
  const selfUpdate = new SelfUpdate({
    state: new ReleaseState(state.stateDir),
    journal,
    releases: new ReleaseClient(serverRequests),
    clock,
    logger,
    version: AGENT_VERSION,
    ...(runtime.supervisor === undefined ? {} : { supervisor: runtime.supervisor }),
    requestSwitch: () => switchRelease.abort(),
  });
  const updateAgent = createUpdateSsmAgentAction(selfUpdate);
  const manager = new InvocationManager({
    journal,
    clock,
    logger,
    settings,
    ...(runtime.onEvent === undefined ? {} : { onEvent: runtime.onEvent }),
    runner: {
      nodeId: state.identity.nodeId,
      platformType: platformTypeOf(process.platform),
      platform: process.platform,
      workRoot: join(state.stateDir, WORK_DIR),
      env: runtime.env,
      clock,
      killGraceMs: settings.killGraceMs,
      maxOutputBytes: settings.maxOutputBytes,
      ...(runtime.stepHost === undefined
        ? {}
        : { stepHost: { ...runtime.stepHost, root: join(state.stateDir, JOURNAL_DIR) } }),
      actions: new Map([
        ...DEFAULT_ACTIONS,
        [configurePackage.name, configurePackage],
        [updateAgent.name, updateAgent],
      ]),
    },
  });
  const pins = new ServerPins(state.stateDir, state.trust, logger);
  const worker = new AgentWorker({
    ...(state.trust.pins.length === 0
      ? {}
      : {
          agent: new PinnedAgent(
            () => pins.pins,
            (fingerprint) => pins.verified(fingerprint),
          ),
          onPin: (fingerprint: string) => pins.announced(fingerprint),
        }),
    serverUrl: state.identity.serverUrl,
    nodeId: state.identity.nodeId,
    privateKey: state.privateKey,
    facts: collectNodeFacts,
    manager,
    clock,
    logger,
    settings,
    random: Math.random,
    channels: [serverRequests, inventory],
    onEvent: (event) => {
      if (event.type === 'welcomed') {
        selfUpdate.onWelcomed();
      }
      runtime.onEvent?.(event);
    },
  });
  selfUpdate.bind(manager);
  return {
    journal,
    manager,
    selfUpdate,
    /** Ends with 'switch-release' when a self-update asks the supervisor to restart it. */
    async run(signal: AbortSignal): Promise<WorkerEnd | 'switch-release'> {
      const settled = selfUpdate.settle();
      manager.recover(settled.keepRunning);
      manager.startAccepted();
      try {
        const end = await worker.run(AbortSignal.any([signal, switchRelease.signal]));
        return switchRelease.signal.aborted && !signal.aborted ? 'switch-release' : end;
      } finally {
        await manager.shutdown();
      }
    },
  };
}

/** Runs the worker in this process; returns the exit code. */
export async function runWorkerProcess(stateDir: string, runtime: WorkerRuntime): Promise<number> {
  let state: LoadedState;
  try {
    state = loadState(stateDir);
  } catch (error) {
    if (error instanceof StateDirectoryError) {
      console.error(`mado agent: ${error.message}`);
      return EXIT_STATE_INVALID;
    }
    throw error;
  }
  const logger = runtime.logger.child({ nodeId: state.identity.nodeId });
  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping');
    stop.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  // Started by a supervisor over IPC: if it goes away (even by SIGKILL), stop rather than run on
  // unsupervised next to the worker of a new supervisor.
  const onDisconnect = () => {
    logger.warn({}, 'the supervisor went away; stopping');
    stop.abort();
  };
  let supervisor: SupervisorChannel | undefined;
  if (process.connected) {
    process.on('disconnect', onDisconnect);
    supervisor = {
      send: (message) => {
        if (process.connected) {
          process.send?.(message);
        }
      },
      onMessage: (listener) => {
        process.on('message', (raw: unknown) => {
          const message = parseSupervisorMessage(raw);
          if (message !== undefined) {
            listener(message);
          }
        });
      },
    };
  }
  try {
    logger.info({ serverUrl: state.identity.serverUrl }, 'agent worker starting');
    const end = await createWorker(state, {
      ...runtime,
      logger,
      ...(supervisor === undefined ? {} : { supervisor }),
    }).run(stop.signal);
    if (end === 'switch-release') {
      logger.info({}, 'stopping to restart from the new agent release');
      return EXIT_SWITCH_RELEASE;
    }
    if (end === 'revoked') {
      console.error(
        `mado agent: the server no longer accepts node ${state.identity.nodeId} (it was deregistered or its key ` +
          'was refused). Register the node again with --force to give it a new identity.',
      );
      return EXIT_REVOKED;
    }
    return 0;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('disconnect', onDisconnect);
  }
}
