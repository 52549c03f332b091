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
 * Exit codes: 0 stopped, EXIT_REVOKED (77) revoked, EXIT_STATE_INVALID (78) unusable state.
 */
import { join } from 'node:path';
import { platformTypeOf } from '../domain/managed-node.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { AgentEventListener } from './agent-events.js';
import type { AgentSettings } from './config.js';
import { EXIT_REVOKED, EXIT_STATE_INVALID } from './exit-codes.js';
import { InvocationManager } from './invocation-manager.js';
import { Journal } from './journal.js';
import { collectNodeFacts } from './node-facts.js';
import { JOURNAL_DIR, loadState, StateDirectoryError, WORK_DIR, type LoadedState } from './state-directory.js';
import { AgentWorker, type WorkerEnd } from './worker.js';

export interface WorkerRuntime {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly settings: AgentSettings;
  readonly env: NodeJS.ProcessEnv;
  readonly onEvent?: AgentEventListener;
}

/** Wires one worker over a loaded state directory; `run` resolves when it ends. */
export function createWorker(state: LoadedState, runtime: WorkerRuntime) {
  const { clock, logger, settings } = runtime;
  const journal = Journal.open(join(state.stateDir, JOURNAL_DIR));
  for (const problem of journal.loadProblems) {
    logger.error({ problem }, 'unreadable journal entry set aside');
  }
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
    },
  });
  const worker = new AgentWorker({
    serverUrl: state.identity.serverUrl,
    nodeId: state.identity.nodeId,
    privateKey: state.privateKey,
    facts: collectNodeFacts,
    manager,
    clock,
    logger,
    settings,
    random: Math.random,
    ...(runtime.onEvent === undefined ? {} : { onEvent: runtime.onEvent }),
  });
  return {
    journal,
    manager,
    async run(signal: AbortSignal): Promise<WorkerEnd> {
      manager.recover();
      manager.startAccepted();
      try {
        return await worker.run(signal);
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
  if (process.connected) {
    process.on('disconnect', onDisconnect);
  }
  try {
    logger.info({ serverUrl: state.identity.serverUrl }, 'agent worker starting');
    const end = await createWorker(state, { ...runtime, logger }).run(stop.signal);
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
