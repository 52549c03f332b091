/**
 * The server-side state the scenario of ../shared/SCENARIO.md needs for its updates to succeed:
 * an old and a new agent bundle (scripts/build-agent.mjs --version), both published as agent
 * releases, and the sample metrics-agent package (examples/packages/metrics-agent) published in
 * two versions, all with Mado's own CLI. The agents start from the old bundle; after the window
 * runs they report the new version. test/e2e/scenario.test.ts builds on the same pieces.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Fleet } from './fleet.js';
import { MADO_BIN, REPO_ROOT, type ServerProcess } from './server-process.js';

const execFileAsync = promisify(execFile);

/** The story's management agent versions: the old one the nodes run, the one they are updated to. */
export const OLD_AGENT = '3.2.1798.0';
export const NEW_AGENT = '3.2.2222.0';
/** The sample package standing in for the story's metrics agent. */
export const PACKAGE = 'metrics-agent';
export const PACKAGE_VERSIONS = ['1.0.0', '2.0.0'] as const;
const EXAMPLE = join(REPO_ROOT, 'examples', 'packages', PACKAGE);

/** Builds the agent bundle of `version` at `out` (a `mado-agent.cjs` path). */
export function buildAgentBundle(version: string, out: string): void {
  const built = spawnSync(process.execPath, ['scripts/build-agent.mjs', '--version', version, '--out', out], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (built.status !== 0) {
    throw new Error(`build-agent.mjs --version ${version} failed:\n${built.stderr}`);
  }
}

/** `mado …` (Mado's own CLI) against `server`, signed with the admin key; throws on a non-zero exit. */
export async function madoCli(server: ServerProcess, home: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await execFileAsync(process.execPath, [MADO_BIN, ...args], {
      cwd: REPO_ROOT,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: home,
        ...server.cliEnv(),
      },
      timeout: 60_000,
    });
    return stdout;
  } catch (error) {
    const failed = error as { stdout?: unknown; stderr?: unknown };
    throw new Error(`mado ${args.join(' ')} failed:\n${String(failed.stdout)}\n${String(failed.stderr)}`, {
      cause: error,
    });
  }
}

export interface ScenarioBundles {
  /** The old agent's bundle: start the fleet from it. */
  readonly oldBundle: string;
  readonly newBundle: string;
}

/** Builds the two agent bundles under `scratch`. */
export function buildScenarioBundles(scratch: string): ScenarioBundles {
  const oldBundle = join(scratch, 'old', 'mado-agent.cjs');
  const newBundle = join(scratch, 'new', 'mado-agent.cjs');
  buildAgentBundle(OLD_AGENT, oldBundle);
  buildAgentBundle(NEW_AGENT, newBundle);
  return { oldBundle, newBundle };
}

/** Publishes both agent releases (the new one latest) and both package versions. */
export async function publishScenarioStores(
  server: ServerProcess,
  scratch: string,
  bundles: ScenarioBundles,
): Promise<void> {
  await madoCli(server, scratch, ['releases', 'publish', bundles.oldBundle]);
  await madoCli(server, scratch, ['releases', 'publish', bundles.newBundle]);
  for (const version of PACKAGE_VERSIONS) {
    const archive = join(scratch, `${PACKAGE}-${version}.tar.gz`);
    await execFileAsync('tar', ['-czf', archive, '-C', join(EXAMPLE, version), '.']);
    await madoCli(server, scratch, ['packages', 'publish', PACKAGE, version, archive]);
  }
}

/** The package's home on an agent: its data directory (where its daemon writes its pid). */
export function packageHome(stateDir: string): string {
  return join(stateDir, 'package-data', PACKAGE);
}

/**
 * Stops the package daemons the fleet's nodes started (they run detached from the agents), each
 * checked by its command line in case a process id was reused.
 */
export function stopPackageDaemons(fleet: Fleet | undefined): void {
  for (const agent of fleet?.agents ?? []) {
    const home = packageHome(agent.agent.stateDir);
    const pidFile = join(home, `${PACKAGE}.pid`);
    if (!existsSync(pidFile)) {
      continue;
    }
    const pid = Number(readFileSync(pidFile, 'utf8'));
    let commandLine: string | undefined;
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      commandLine = undefined;
    }
    if (commandLine?.includes(`${PACKAGE}.mjs`) === true && commandLine.includes(home)) {
      process.kill(pid, 'SIGKILL');
    }
  }
}
