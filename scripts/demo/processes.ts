/**
 * The processes a demo run starts, and how it stops every one of them.
 *
 * Everything lives under one working directory (`root`, a fresh temporary directory): the
 * server's data, each node's state directory, the agent bundles, the logs. The server and the
 * agents run detached (each the leader of its own process group, writing to a log file), so a
 * Ctrl-C in the terminal reaches only the demo, which then stops them in order:
 *
 *  1. the agents: SIGTERM to each group (the supervisor stops its worker, the worker stops the
 *     scripts it runs), SIGKILL to the group after AGENT_STOP_MS;
 *  2. the package daemons: the sample metrics-agent starts its daemon with `setsid`, outside
 *     the agent's group, as SSM lets daemons outlive the command: SIGTERM by the pid file it
 *     keeps, SIGKILL after DAEMON_STOP_MS;
 *  3. the server: SIGTERM (it finishes requests and closes its store), SIGKILL after SERVER_STOP_MS;
 *  4. a sweep: any process of this user whose command line still names a path in `root` (a daemon
 *     started while the agents stopped, say) is killed by its pid.
 *
 * Invariant: after `stopAll` no process the run started is left, whatever state the story was in.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const AGENT_STOP_MS = 15_000;
const DAEMON_STOP_MS = 5_000;
const SERVER_STOP_MS = 15_000;

export interface Managed {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<string>;
  hasExited(): boolean;
}

export interface StopReport {
  readonly stopped: string[];
  readonly killed: string[];
}

/** True while `pid` runs (a zombie, exited but not reaped, does not count). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    // No /proc (macOS): kill(0) is all we know.
    return true;
  }
}

async function waitUntilGone(pids: readonly number[], ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (pids.some(isRunning)) {
    if (Date.now() > deadline) {
      return false;
    }
    await sleep(100);
  }
  return true;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already.
  }
}

export class DemoProcesses {
  private readonly agents: Managed[] = [];
  private server: Managed | undefined;
  /** Pid files of package daemons (`<state-dir>/package-data/<name>/<name>.pid`). */
  private readonly daemonPidFiles: string[] = [];

  constructor(
    readonly root: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    mkdirSync(join(root, 'logs'), { recursive: true, mode: 0o700 });
  }

  /** Starts `node ARGS` detached, its output in `logs/<name>.log`. */
  private spawnNode(name: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Managed {
    const logFile = join(this.root, 'logs', `${name}.log`);
    const fd = openSync(logFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [...args], {
        env: { ...this.env, ...env },
        stdio: ['ignore', fd, fd],
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    if (child.pid === undefined) {
      throw new Error(`could not start ${name} (node ${args.join(' ')})`);
    }
    let exitText: string | undefined;
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => {
        exitText = code === null ? String(signal) : `code ${code}`;
        resolve(exitText);
      });
      child.once('error', (error) => {
        exitText = error.message;
        resolve(exitText);
      });
    });
    return { name, pid: child.pid, logFile, child, exited, hasExited: () => exitText !== undefined };
  }

  startServer(args: readonly string[], env: NodeJS.ProcessEnv): Managed {
    this.server = this.spawnNode('server', args, env);
    return this.server;
  }

  startAgent(name: string, args: readonly string[]): Managed {
    const agent = this.spawnNode(name, args);
    this.agents.push(agent);
    return agent;
  }

  /** A daemon that `stopAll` must stop through its pid file (it is not in any group we own). */
  trackDaemonPidFile(file: string): void {
    this.daemonPidFiles.push(file);
  }

  /** The processes still running that the run started (by pid, for the user and for tests). */
  list(): { name: string; pid: number }[] {
    return [...(this.server === undefined ? [] : [this.server]), ...this.agents]
      .filter((managed) => !managed.hasExited())
      .map(({ name, pid }) => ({ name, pid }));
  }

  private daemonPids(): number[] {
    return this.daemonPidFiles.flatMap((file) => {
      if (!existsSync(file)) {
        return [];
      }
      const pid = Number(readFileSync(file, 'utf8').trim());
      return Number.isInteger(pid) && pid > 1 && isRunning(pid) ? [pid] : [];
    });
  }

  private async stopManaged(targets: readonly Managed[], ms: number, report: StopReport): Promise<void> {
    const running = targets.filter((managed) => !managed.hasExited());
    for (const managed of running) {
      signalGroup(managed.pid, 'SIGTERM');
    }
    const all = Promise.all(running.map((managed) => managed.exited));
    const inTime = await Promise.race([all.then(() => true), sleep(ms).then(() => false)]);
    if (!inTime) {
      for (const managed of running.filter((candidate) => !candidate.hasExited())) {
        signalGroup(managed.pid, 'SIGKILL');
        report.killed.push(`${managed.name} (pid ${managed.pid}, after ${ms / 1000} s)`);
      }
      await all;
    }
    for (const managed of running) {
      // The group may hold more than its leader (the supervisor's worker): make sure it is empty.
      signalGroup(managed.pid, 'SIGKILL');
      report.stopped.push(`${managed.name} (pid ${managed.pid})`);
    }
  }

  /** Stops everything the run started; see the header for the order. Never throws. */
  async stopAll(): Promise<StopReport> {
    const report: StopReport = { stopped: [], killed: [] };
    await this.stopManaged(this.agents, AGENT_STOP_MS, report);

    const daemons = this.daemonPids();
    for (const pid of daemons) {
      signalPid(pid, 'SIGTERM');
    }
    if (!(await waitUntilGone(daemons, DAEMON_STOP_MS))) {
      for (const pid of daemons.filter(isRunning)) {
        signalPid(pid, 'SIGKILL');
        report.killed.push(`metrics-agent daemon (pid ${pid}, after ${DAEMON_STOP_MS / 1000} s)`);
      }
    }
    report.stopped.push(...daemons.map((pid) => `metrics-agent daemon (pid ${pid})`));

    if (this.server !== undefined) {
      await this.stopManaged([this.server], SERVER_STOP_MS, report);
    }

    const leftovers = processesNaming(`${this.root}/`);
    for (const { pid } of leftovers) {
      signalPid(pid, 'SIGKILL');
    }
    await waitUntilGone(
      leftovers.map(({ pid }) => pid),
      5_000,
    );
    report.killed.push(...leftovers.map(({ pid, command }) => `pid ${pid} (${command.slice(0, 100)})`));
    return report;
  }
}

/**
 * This user's processes whose command line contains `text` (other than this one), read with
 * `ps`, which Linux and macOS both have. An empty list when `ps` cannot run.
 */
export function processesNaming(text: string): { pid: number; command: string }[] {
  const uid = process.getuid?.();
  const listed = spawnSync('ps', [...(uid === undefined ? ['-e'] : ['-U', String(uid)]), '-o', 'pid=,args='], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (listed.status !== 0) {
    return [];
  }
  return listed.stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ pid: Number(match[1]), command: match[2]! }))
    .filter(({ pid, command }) => pid !== process.pid && command.includes(text) && !command.startsWith('ps '));
}
