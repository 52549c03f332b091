/**
 * For tests that kill the server: a real server process (on a fixed port and data directory, so
 * that it can be killed with SIGKILL and started again where it was), three real agents, and a
 * scratch directory whose `marks/` the nodes' commands write their start and end lines to. On
 * failure the output of every server process and agent is kept there, with the data.
 *
 * `useKillableServer()` registers the suite's beforeAll/afterAll; `server`, `ssm` and `fleet`
 * are set once beforeAll ran, and `server` and `ssm` change at each restart.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateMaintenanceWindowCommand,
  RegisterTargetWithMaintenanceWindowCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll } from 'vitest';
import { startFleet, type Fleet } from './fleet.js';
import { freePort, startServerProcess, type ServerProcess } from './server-process.js';

export interface KillableServer {
  readonly scratch: string;
  /** Where the nodes' commands write (`markedSleep`), one file per node. */
  readonly marksDir: string;
  server: ServerProcess;
  ssm: SSMClient;
  fleet: Fleet;
  /** Every server process so far, the running one last. */
  readonly incarnations: ServerProcess[];
  /** SIGKILL, wait for the exit, start again on the same data directory and port. @returns when it listens. */
  crashAndRestart(): Promise<number>;
  /** Keeps the logs and data (call on failure); `what` names the test in the message. */
  keepDiagnostics(what: string): void;
}

export function useKillableServer(options: {
  readonly name: string;
  readonly env: Record<string, string>;
}): KillableServer {
  const scratch = mkdtempSync(join(tmpdir(), `mado-e2e-${options.name}-`));
  const dataDir = join(scratch, 'data');
  let port = 0;
  let failed = false;
  const harness: KillableServer = {
    scratch,
    marksDir: join(scratch, 'marks'),
    server: undefined as unknown as ServerProcess,
    ssm: undefined as unknown as SSMClient,
    fleet: undefined as unknown as Fleet,
    incarnations: [],
    async crashAndRestart() {
      const child = harness.server.process;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(
          `the server exited by itself (${child.exitCode ?? child.signalCode}):\n${harness.server.output()}`,
        );
      }
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
      harness.ssm.destroy();
      await start();
      return Date.now();
    },
    keepDiagnostics(what) {
      failed = true;
      const dir = join(scratch, 'logs');
      mkdirSync(dir, { recursive: true });
      harness.incarnations.forEach((incarnation, index) =>
        writeFileSync(join(dir, `server-${index}.log`), incarnation.output()),
      );
      harness.fleet?.agents.forEach((agent) =>
        writeFileSync(join(dir, `agent-${agent.agent.nodeId}.log`), agent.output()),
      );
      console.error(`${what}: server and agent logs, node marks and data kept in ${scratch}`);
    },
  };

  async function start(): Promise<void> {
    harness.server = await startServerProcess({ dataDir, port, env: options.env });
    harness.incarnations.push(harness.server);
    harness.ssm = harness.server.client();
  }

  beforeAll(async () => {
    mkdirSync(harness.marksDir);
    mkdirSync(dataDir, { mode: 0o700 });
    port = await freePort();
    await start();
    harness.fleet = await startFleet(harness.server, [{ Role: 'one' }, { Role: 'two' }, { Role: 'three' }], {
      name: options.name,
    });
  }, 90_000);

  afterAll(async () => {
    harness.ssm?.destroy();
    await harness.fleet?.dispose();
    await harness.server?.dispose();
    if (!failed) {
      rmSync(scratch, { recursive: true, force: true });
    }
  }, 30_000);

  return harness;
}

/** One line a node's command wrote: `start|end TIME INVOCATION WINDOW_EXECUTION NODE [words]`. */
export interface Mark {
  /** The node's file. */
  readonly file: string;
  readonly edge: 'start' | 'end';
  readonly invocationId: string;
  readonly windowExecutionId: string;
  readonly nodeId: string;
  /** What the test wrote after the ids (`markedSleep`'s `words`). */
  readonly words: readonly string[];
}

/** Shell lines that mark the start, sleep, and mark the end, in the node's file under `dir`. */
export function markedSleep(dir: string, sleepSeconds: number, words: readonly (string | number)[] = []): string[] {
  const file = join(dir, '{{RESOURCE_ID}}.log');
  const line = (edge: string) =>
    `echo "${edge} $(date +%s%N) {{INVOCATION_ID}} {{WINDOW_EXECUTION_ID}} {{RESOURCE_ID}} ${words.join(' ')}" >> ${file}`;
  return [line('start'), `sleep ${sleepSeconds}`, line('end')];
}

/** Every mark written under `dir` so far. */
export function readMarks(dir: string): Mark[] {
  return readdirSync(dir).flatMap((file) =>
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line): Mark => {
        const [edge, , invocationId = '', windowExecutionId = '', nodeId = '', ...words] = line.trim().split(' ');
        return { file, edge: edge as Mark['edge'], invocationId, windowExecutionId, nodeId, words };
      }),
  );
}

/** Creates a window (Duration 1 h, Cutoff 0) with one INSTANCE target over `nodeIds`. */
export async function windowOverNodes(
  ssm: SSMClient,
  window: {
    readonly name: string;
    readonly schedule: string;
    readonly zone?: string;
    readonly ownerInformation?: string;
  },
  nodeIds: readonly string[],
): Promise<{ windowId: string; windowTargetId: string }> {
  const { WindowId } = await ssm.send(
    new CreateMaintenanceWindowCommand({
      Name: window.name,
      Schedule: window.schedule,
      ScheduleTimezone: window.zone ?? 'UTC',
      Duration: 1,
      Cutoff: 0,
      AllowUnassociatedTargets: false,
    }),
  );
  const { WindowTargetId } = await ssm.send(
    new RegisterTargetWithMaintenanceWindowCommand({
      WindowId,
      ResourceType: 'INSTANCE',
      Targets: [{ Key: 'InstanceIds', Values: [...nodeIds] }],
      ...(window.ownerInformation === undefined ? {} : { OwnerInformation: window.ownerInformation }),
    }),
  );
  return { windowId: WindowId!, windowTargetId: WindowTargetId! };
}
