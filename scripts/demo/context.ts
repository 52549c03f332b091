/**
 * What the demo's steps share: the guard (stop signal, time budget), the narrator, the SSM
 * client, the processes, and the cast of the story (versions, nodes). Also the one bounded
 * wait every step uses.
 */
import { join, resolve } from 'node:path';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { DemoStopped, type DemoGuard } from './guard.js';
import type { DemoProcesses, Managed } from './processes.js';
import type { Narrator } from './say.js';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const MADO_BIN = join(REPO_ROOT, 'bin', 'mado.js');
export const EXAMPLE_PACKAGE = join(REPO_ROOT, 'examples', 'packages', 'metrics-agent');

/** The versions of the story (SCENARIO.md: 3.2.1798.0 → 3.2.2222.0 for the management agent). */
export const VERSIONS = {
  agentOld: '3.2.1798.0',
  agentNew: '3.2.2222.0',
  packageName: 'metrics-agent',
  packageOld: '1.0.0',
  packageNew: '2.0.0',
} as const;

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface DemoNode {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly nodeId: string;
  readonly stateDir: string;
  readonly agent: Managed;
  /** The metrics-agent's home on the node (MADO_PACKAGE_DATA_DIR) and its configuration. */
  readonly packageHome: string;
  readonly configFile: string;
  /** The operator's configuration, written before the first install; it must survive the update. */
  readonly configText: string;
}

export interface Demo {
  readonly guard: DemoGuard;
  readonly say: Narrator;
  readonly processes: DemoProcesses;
  readonly root: string;
  readonly url: string;
  /** The web console's address, when the server has one. */
  readonly consoleUrl: string | undefined;
  readonly credentials: Credentials;
  readonly ssm: SSMClient;
  /** The environment for child processes (no AWS or Mado settings of the user leak in). */
  readonly childEnv: NodeJS.ProcessEnv;
}

export function stateDirOf(root: string, name: string): string {
  return join(root, 'nodes', name);
}

/**
 * Polls `probe` every `intervalMs` until `accept` holds, for at most `timeoutMs`; fails the
 * demo naming `what` and the last value (or error) seen. Stops at once when the run stops.
 */
export async function waitFor<T>(
  demo: Pick<Demo, 'guard'>,
  what: string,
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  options: { readonly timeoutMs: number; readonly intervalMs?: number; readonly describe?: (value: T) => string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last: { value: T } | undefined;
  let lastError: unknown;
  for (;;) {
    demo.guard.throwIfStopped();
    try {
      const value = await probe();
      last = { value };
      if (accept(value)) {
        return value;
      }
    } catch (error) {
      demo.guard.throwIfStopped();
      lastError = error;
    }
    if (Date.now() >= deadline) {
      break;
    }
    await demo.guard.sleep(options.intervalMs ?? 500);
  }
  const seen =
    last === undefined
      ? `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`
      : `; last seen: ${options.describe?.(last.value) ?? JSON.stringify(last.value)}`;
  throw new DemoStopped(`timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${what}${seen}`, 1);
}
