/**
 * Run Command round-trip benchmark (`npm run bench:roundtrip`, after `npm run build`).
 *
 * Measures, as a client sees it, how long `echo hi` takes on one real agent: SendCommand
 * AWS-RunShellScript → GetCommandInvocation shows Success, against the built server
 * (`bin/mado.js server`) and one real `mado agent run` (supervisor + worker) on 127.0.0.1. Next
 * to it, the same client measures a trivial signed API call (GetMaintenanceWindow on a missing
 * id, answered DoesNotExistException): the floor of one SDK request to this server.
 *
 * Phases, in order:
 *  1. start    the server (fresh data directory), CreateActivation (RegistrationLimit 1),
 *              `mado agent register` into a temporary state directory, `mado agent run` in its
 *              own process group; wait until DescribeInstanceInformation shows it Online;
 *  2. measure  `--warmup` then `--iterations` iterations, one at a time; each sends
 *              SendCommand (InstanceIds: the node, `echo hi`), polls GetCommandInvocation every
 *              POLL_INTERVAL_MS until it is terminal and checks Success, exit code 0 and the
 *              output `hi`; then one GetMaintenanceWindow on a missing id. Alternating the two
 *              gives both the same machine (it is shared, and its load moves);
 *  3. report   p50/p90/p99/max of each, the round trip split by the step's start and end times
 *              as the agent reported them, the goal;
 *  4. cleanup  stop the agent (SIGTERM to its group, SIGKILL after AGENT_STOP_TIMEOUT_MS) and the
 *              server, remove both directories: always, also on failure or Ctrl-C.
 *
 * Invariants: traffic goes to 127.0.0.1 only; every loop is bounded in count and time, and the
 * whole run in time (`BUDGET_MS`); a command that does not end Success with `hi`, or a baseline
 * call that does not fail with DoesNotExistException, fails the run (exit 1). Missing the goal
 * does not.
 *
 * `--profile-server` runs the server under `node --cpu-prof` and prints the top functions during
 * the measured iterations. Its figures are slower than an unprofiled run's.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateActivationCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  GetMaintenanceWindowCommand,
  SendCommandCommand,
  type GetCommandInvocationCommandOutput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { fmt, loadAverageText, machineLine, median, percentileOfSorted, preciseNowMs } from './support/figures.js';
import {
  checkBuiltServer,
  MADO_BIN,
  REPO_ROOT,
  SERVER_SETTINGS,
  ssmClient,
  startMado,
  type ServerHandle,
} from './support/mado-server.js';
import { parseBenchArgs, runWhenMain } from './support/options.js';
import { RunGuard } from './support/run-guard.js';
import { printServerProfile, type MeasuredSpan } from './support/server-profile.js';

const execFileAsync = promisify(execFile);

const GOAL_P50_MS = 100;
const POLL_INTERVAL_MS = 10;
/** How long one command may take before the run fails. */
const COMMAND_TIMEOUT_MS = 30_000;
const ONLINE_TIMEOUT_MS = 60_000;
const ONLINE_POLL_MS = 100;
const AGENT_STOP_TIMEOUT_MS = 10_000;
/** Hard limit on the whole run, whatever the options. */
const BUDGET_MS = 15 * 60 * 1000;
const MISSING_WINDOW_ID = 'mw-0123456789abcdef0';
const TERMINAL_STATUSES = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

// ---------------------------------------------------------------------------------------------
// Options

interface BenchOptions {
  readonly iterations: number;
  readonly warmup: number;
  readonly profileServer: boolean;
}

const USAGE = 'Usage: npm run bench:roundtrip -- [--iterations 100] [--warmup 5] [--profile-server]';

function parseOptions(argv: readonly string[]): BenchOptions {
  const args = parseBenchArgs(argv, { iterations: '100', warmup: '5' }, [], USAGE);
  return {
    iterations: args.whole('iterations', 1, 2000),
    warmup: args.whole('warmup', 0, 100),
    profileServer: args.flag('profile-server'),
  };
}

const guard = new RunGuard();

// ---------------------------------------------------------------------------------------------
// The real agent

interface AgentHandle {
  readonly nodeId: string;
  output(): string;
  /** SIGTERM to its process group, SIGKILL after AGENT_STOP_TIMEOUT_MS; resolves on exit. */
  stop(): Promise<void>;
}

/** `mado agent register` into `stateDir`, then `mado agent run` in its own process group. */
async function startAgent(url: URL, activation: { id: string; code: string }, stateDir: string): Promise<AgentHandle> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir() };
  const { stdout } = await execFileAsync(
    process.execPath,
    [
      MADO_BIN,
      'agent',
      'register',
      '--server',
      url.origin,
      '--activation-id',
      activation.id,
      '--activation-code',
      activation.code,
      '--state-dir',
      stateDir,
      '--tag',
      'Bench=roundtrip',
    ],
    { cwd: REPO_ROOT, env, timeout: 30_000 },
  );
  const nodeId = /mi-[0-9a-f]{17}/.exec(stdout)?.[0];
  if (nodeId === undefined) {
    throw new Error(`mado agent register printed no node id:\n${stdout}`);
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [MADO_BIN, 'agent', 'run', '--state-dir', stateDir, '--log-level', 'warn'],
    // Its own process group, so that stopping it reaches the supervisor and the worker alike.
    { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolveExit();
    }
    child.once('exit', () => resolveExit());
  });
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    }
  };
  return {
    nodeId,
    output: () => output,
    stop: async () => {
      signalGroup('SIGTERM');
      const timer = setTimeout(() => {
        console.error(`agent did not exit ${AGENT_STOP_TIMEOUT_MS / 1000} s after SIGTERM; killing it`);
        signalGroup('SIGKILL');
      }, AGENT_STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitOnline(ssm: SSMClient, nodeId: string): Promise<number> {
  const start = performance.now();
  const maxPolls = Math.ceil(ONLINE_TIMEOUT_MS / ONLINE_POLL_MS);
  let last = 'not listed';
  for (let poll = 0; poll < maxPolls; poll++) {
    const page = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [nodeId] }] }),
    );
    const node = page.InstanceInformationList?.find((candidate) => candidate.InstanceId === nodeId);
    if (node?.PingStatus === 'Online') {
      return performance.now() - start;
    }
    last = node?.PingStatus ?? 'not listed';
    await guard.sleep(ONLINE_POLL_MS);
  }
  throw new Error(`agent ${nodeId} not Online ${ONLINE_TIMEOUT_MS / 1000} s after it started (last: ${last})`);
}

// ---------------------------------------------------------------------------------------------
// One iteration

interface EchoFigures {
  /** SendCommand sent → a GetCommandInvocation answer showing Success received. */
  readonly totalMs: number;
  readonly sendCallMs: number;
  /** SendCommand sent → the step's start as the agent reported it (same machine clock). */
  readonly toStepStartMs: number;
  readonly stepMs: number;
  /** The step's end → the client saw Success. */
  readonly afterStepMs: number;
  readonly pollCallsMs: readonly number[];
}

/** Epoch ms of GetCommandInvocation's `2020-02-19T18:18:03.419Z` strings (NaN for ""). */
function epochMs(text: string | undefined): number {
  return text === undefined || text === '' ? NaN : Date.parse(text);
}

async function echoRoundTrip(ssm: SSMClient, nodeId: string): Promise<EchoFigures> {
  guard.throwIfAborted();
  const sentAtMs = preciseNowMs();
  const sent = await ssm.send(
    new SendCommandCommand({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: [nodeId],
      Parameters: { commands: ['echo hi'] },
      Comment: 'bench:roundtrip',
    }),
  );
  const sendCallMs = preciseNowMs() - sentAtMs;
  const commandId = sent.Command?.CommandId;
  if (commandId === undefined) {
    throw new Error(`SendCommand answered without a command id: ${JSON.stringify(sent)}`);
  }
  const pollCallsMs: number[] = [];
  const maxPolls = Math.ceil(COMMAND_TIMEOUT_MS / POLL_INTERVAL_MS);
  let invocation: GetCommandInvocationCommandOutput | undefined;
  for (let poll = 0; poll < maxPolls; poll++) {
    const pollStart = preciseNowMs();
    invocation = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: nodeId }));
    const seenAtMs = preciseNowMs();
    pollCallsMs.push(seenAtMs - pollStart);
    if (TERMINAL_STATUSES.has(invocation.Status ?? '')) {
      if (
        invocation.Status !== 'Success' ||
        invocation.ResponseCode !== 0 ||
        invocation.StandardOutputContent?.trim() !== 'hi'
      ) {
        throw new Error(
          `command ${commandId} ended ${invocation.Status ?? '?'}/${invocation.StatusDetails ?? '?'}, exit code ${invocation.ResponseCode ?? '?'}, ` +
            `stdout ${JSON.stringify(invocation.StandardOutputContent)}, stderr ${JSON.stringify(invocation.StandardErrorContent)}; expected Success with "hi"`,
        );
      }
      const startedAt = epochMs(invocation.ExecutionStartDateTime);
      const endedAt = epochMs(invocation.ExecutionEndDateTime);
      return {
        totalMs: seenAtMs - sentAtMs,
        sendCallMs,
        toStepStartMs: startedAt - sentAtMs,
        stepMs: endedAt - startedAt,
        afterStepMs: seenAtMs - endedAt,
        pollCallsMs,
      };
    }
    await guard.sleep(POLL_INTERVAL_MS);
  }
  throw new Error(
    `command ${commandId} not finished ${COMMAND_TIMEOUT_MS / 1000} s after SendCommand (last: ${invocation?.Status ?? '?'}/${invocation?.StatusDetails ?? '?'})`,
  );
}

/** GetMaintenanceWindow on a missing id, which must fail with DoesNotExistException. */
async function baselineCall(ssm: SSMClient): Promise<number> {
  guard.throwIfAborted();
  const start = preciseNowMs();
  try {
    await ssm.send(new GetMaintenanceWindowCommand({ WindowId: MISSING_WINDOW_ID }));
  } catch (error) {
    const elapsedMs = preciseNowMs() - start;
    if (error instanceof Error && error.name === 'DoesNotExistException') {
      return elapsedMs;
    }
    throw new Error(
      `GetMaintenanceWindow ${MISSING_WINDOW_ID} failed with ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}, expected DoesNotExistException`,
      { cause: error },
    );
  }
  throw new Error(`GetMaintenanceWindow ${MISSING_WINDOW_ID} succeeded; expected DoesNotExistException`);
}

// ---------------------------------------------------------------------------------------------
// Report

function row(label: string, values: readonly number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const cell = (p: number) => fmt(percentileOfSorted(sorted, p), 1).padStart(7);
  return `${label.padEnd(52)} | ${cell(50)} ${cell(90)} ${cell(99)} ${fmt(sorted[sorted.length - 1] ?? NaN, 1).padStart(7)} | ${fmt(sorted.length).padStart(5)}`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  console.log('Mado Run Command round-trip benchmark');
  console.log(machineLine());
  if (!checkBuiltServer('npm run bench:roundtrip')) {
    return 1;
  }
  console.log(
    `Plan: one real agent; ${options.warmup} warm-up and ${options.iterations} measured iterations, each SendCommand ` +
      `AWS-RunShellScript "echo hi" → GetCommandInvocation every ${POLL_INTERVAL_MS} ms until Success, then one ` +
      `GetMaintenanceWindow on a missing id (baseline)` +
      (options.profileServer ? '; server under --cpu-prof' : ''),
  );

  guard.start(BUDGET_MS);
  const dataDir = mkdtempSync(join(tmpdir(), 'mado-bench-roundtrip-'));
  const stateDir = mkdtempSync(join(tmpdir(), 'mado-bench-agent-'));
  const profileDir = options.profileServer ? mkdtempSync(join(tmpdir(), 'mado-bench-profile-')) : undefined;
  let server: ServerHandle | undefined;
  let agent: AgentHandle | undefined;
  let failed = false;
  const measured: MeasuredSpan = {};
  try {
    server = await startMado({ dataDir, profileDir });
    console.log(
      `Server: node bin/mado.js server, pid ${server.pid ?? '?'}, at ${server.url.origin} (${SERVER_SETTINGS})`,
    );
    const ssm = ssmClient(server.url);
    const activation = await ssm.send(
      new CreateActivationCommand({ IamRole: 'MadoBenchNode', RegistrationLimit: 1, Description: 'bench:roundtrip' }),
    );
    if (activation.ActivationId === undefined || activation.ActivationCode === undefined) {
      throw new Error(`CreateActivation answered without an id or code: ${JSON.stringify(activation)}`);
    }
    agent = await startAgent(server.url, { id: activation.ActivationId, code: activation.ActivationCode }, stateDir);
    const onlineMs = await waitOnline(ssm, agent.nodeId);
    console.log(
      `Agent: mado agent run (supervisor + worker), node ${agent.nodeId}, Online ${fmt(onlineMs / 1000, 1)} s after it started`,
    );

    const echoes: EchoFigures[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < options.warmup + options.iterations; i++) {
      if (i === options.warmup) {
        measured.fromMs = performance.now();
      }
      const echo = await echoRoundTrip(ssm, agent.nodeId);
      const floor = await baselineCall(ssm);
      if (i >= options.warmup) {
        echoes.push(echo);
        baseline.push(floor);
      }
    }
    measured.toMs = performance.now();

    console.log('');
    console.log(`${''.padEnd(52)} | ${'ms'.padEnd(31)} |`);
    console.log(
      `${'measured, client side'.padEnd(52)} | ${'p50'.padStart(7)} ${'p90'.padStart(7)} ${'p99'.padStart(7)} ${'max'.padStart(7)} | ${'n'.padStart(5)}`,
    );
    console.log(
      row(
        'SendCommand → Success seen (echo hi, one agent)',
        echoes.map((e) => e.totalMs),
      ),
    );
    console.log(
      row(
        '  SendCommand call',
        echoes.map((e) => e.sendCallMs),
      ),
    );
    console.log(
      row(
        '  SendCommand sent → step started on the agent',
        echoes.map((e) => e.toStepStartMs),
      ),
    );
    console.log(
      row(
        '  step started → ended (as the agent reports it)',
        echoes.map((e) => e.stepMs),
      ),
    );
    console.log(
      row(
        `  step ended → Success seen (polls every ${POLL_INTERVAL_MS} ms)`,
        echoes.map((e) => e.afterStepMs),
      ),
    );
    console.log(
      row(
        '  one GetCommandInvocation poll',
        echoes.flatMap((e) => e.pollCallsMs),
      ),
    );
    console.log(row('GetMaintenanceWindow, missing id → error (baseline)', baseline));
    console.log('');
    console.log(
      `(Split by the step's ExecutionStart/EndDateTime, millisecond strings from the agent's clock on this machine; ` +
        `median ${fmt(median(echoes.map((e) => e.pollCallsMs.length)), 0)} polls per command. Load average now ${loadAverageText()}.)`,
    );
    const p50 = percentileOfSorted(
      echoes.map((e) => e.totalMs).sort((a, b) => a - b),
      50,
    );
    if (options.profileServer) {
      console.log('(Profiled run: the server ran under --cpu-prof; do not quote these figures.)');
    } else {
      console.log(
        `Goal SendCommand → Success p50 <= ${GOAL_P50_MS} ms: ${p50 <= GOAL_P50_MS ? 'met' : 'NOT met'} (${fmt(p50, 1)} ms; baseline call p50 ${fmt(
          percentileOfSorted(
            [...baseline].sort((a, b) => a - b),
            50,
          ),
          1,
        )} ms).`,
      );
    }
  } catch (error) {
    failed = true;
    console.error(`Benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    if (server !== undefined && server.output().trim() !== '') {
      console.error(`Server output (last 2,000 characters):\n${server.output().trim().slice(-2000)}`);
    }
    if (agent !== undefined && agent.output().trim() !== '') {
      console.error(`Agent output (last 2,000 characters):\n${agent.output().trim().slice(-2000)}`);
    }
  } finally {
    guard.dispose();
    await agent?.stop();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  }
  if (
    profileDir !== undefined &&
    !printServerProfile(
      profileDir,
      server,
      measured,
      'Server CPU profile during the measured iterations (start-up and warm-up excluded):',
    )
  ) {
    failed = true;
  }
  return failed ? 1 : 0;
}

await runWhenMain(import.meta.url, main);
