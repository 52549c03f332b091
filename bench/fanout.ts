/**
 * Run Command fan-out benchmark (`npm run bench:fanout`, after `npm run build`).
 *
 * Measures SendCommand by tag (`Fleet=bench`, MaxConcurrency 100%) to N simulated agents, from
 * the call to the last invocation recorded Success, against the built server
 * (`bin/mado.js server`), with N = 1,000 (baseline) and N = 10,000 in the same run; the server's
 * resident memory with the N agents connected and idle; the per-invocation delivery latency.
 *
 * Phases, in order:
 *  1. check   the open-files limit (each WebSocket is one descriptor in the server and one in the
 *             load generator; Node raises its soft limit to the hard limit when it starts, so
 *             the hard limit is the one that counts) and the ephemeral port range; the run stops
 *             with a clear message when N sockets do not fit;
 *  2. start   the real server process on 127.0.0.1, port 0, fresh data directory, and the load
 *             generator: `--generators` child processes of bench/support/agent-simulator.ts;
 *  3. stage   for each N (the baseline first), growing the same fleet:
 *     a. register  the new agents with `POST /agent/v1/register`, each with its own Ed25519 key
 *                  and the tag Fleet=bench, over ceil(new/1000) activations (RegistrationLimit
 *                  is 1..1000); the registration rate is printed;
 *     b. connect   a WebSocket per new agent from the load generator (challenge → signed hello
 *                  → welcome), at most `--handshakes-in-flight` at a time; the time until all
 *                  are welcomed is printed;
 *     c. idle RSS  VmRSS of the server (/proc/<pid>/status) after 2 s with all N idle;
 *     d. rounds    one warm-up, then `--rounds` measured: SendCommand AWS-RunShellScript to
 *                  tag:Fleet=bench, MaxConcurrency 100%, MaxErrors 0; ListCommands on the command
 *                  every 50 ms until it is terminal; then what the agents saw (deliveries,
 *                  acknowledgements, delivery latency) and the command's counters are checked;
 *     e. verify    every invocation of every round is listed Success (ListCommandInvocations,
 *                  all pages), after the rounds so that the paging is not measured;
 *     f. idle RSS  again, after the rounds;
 *  4. report  a summary table with the medians per N, the goals;
 *  5. cleanup close the agents, stop the load generator and the server, remove the data
 *             directory: always, also on failure or Ctrl-C.
 *
 * Invariants: traffic goes to 127.0.0.1 only; every loop is bounded in count and time, and the
 * whole run in time (`BUDGET_MS`); an invocation that is not Success, a lost agent connection, a
 * missing delivery or acknowledgement fails the run (exit 1). Missing a goal does not: it is
 * printed, as a figure to read.
 *
 * `--profile-server` runs the server under `node --cpu-prof` and prints the top functions during
 * the measured rounds of the largest N. Its figures are slower than an unprofiled run's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type Command,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { REGISTER_PATH } from '../src/protocol/agent-protocol.js';
import type { CommandSighting, SimulatorReply } from './support/agent-simulator.js';
import { fmt, loadAverageText, machineLine, median, percentileOfSorted, preciseNowMs } from './support/figures.js';
import { checkBuiltServer, SERVER_SETTINGS, ssmClient, startMado, type ServerHandle } from './support/mado-server.js';
import { megabytes, readCpuSeconds, readMemory } from './support/process-stats.js';
import { parseBenchArgs, runWhenMain } from './support/options.js';
import { RunGuard } from './support/run-guard.js';
import { printServerProfile, type MeasuredSpan } from './support/server-profile.js';
import {
  checkDescriptors,
  checkPorts,
  connectAgents,
  createActivations,
  newAgents,
  registerAgents,
  REGISTRATIONS_IN_FLIGHT,
  SimulatorProcess,
} from './support/simulated-fleet.js';

const GOAL_AGENTS = 10_000;
const GOAL_SUCCESS_SECONDS = 3;
const GOAL_IDLE_RSS_MB = 500;
const FLEET_TAG = { Key: 'Fleet', Value: 'bench' } as const;
const POLL_INTERVAL_MS = 50;
const SETTLE_MS = 2000;
const BETWEEN_ROUNDS_MS = 1000;
/** Hard limit on the whole run, whatever the options. */
const BUDGET_MS = 30 * 60 * 1000;
const REQUEST_TIMEOUT_MS = 30_000;
/** ListCommandInvocations' largest page. */
const INVOCATIONS_PAGE = 50;

// ---------------------------------------------------------------------------------------------
// Options

interface BenchOptions {
  /** N of the last stage, the one the goals are about. */
  readonly agents: number;
  /** N of the first stage, for comparison (0: none). */
  readonly baseline: number;
  readonly rounds: number;
  readonly generators: number;
  readonly handshakesInFlight: number;
  readonly roundTimeoutSeconds: number;
  readonly profileServer: boolean;
}

const USAGE = `Usage: npm run bench:fanout -- [--agents 10000] [--baseline 1000] [--rounds 5] [--generators 1]
                             [--handshakes-in-flight 200] [--round-timeout-seconds 120] [--profile-server]`;

function parseOptions(argv: readonly string[]): BenchOptions {
  const args = parseBenchArgs(
    argv,
    {
      agents: String(GOAL_AGENTS),
      baseline: '1000',
      rounds: '5',
      generators: '1',
      'handshakes-in-flight': '200',
      'round-timeout-seconds': '120',
    },
    [],
    USAGE,
  );
  const agents = args.whole('agents', 1, 50_000);
  return {
    agents,
    baseline: args.whole('baseline', 0, agents - 1),
    rounds: args.whole('rounds', 1, 20),
    generators: args.whole('generators', 1, 2),
    handshakesInFlight: args.whole('handshakes-in-flight', 1, 1000),
    roundTimeoutSeconds: args.whole('round-timeout-seconds', 5, 600),
    profileServer: args.flag('profile-server'),
  };
}

const guard = new RunGuard();

// ---------------------------------------------------------------------------------------------
// Rounds

const TERMINAL_COMMAND_STATUSES = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

interface RoundFigures {
  readonly label: string;
  readonly agents: number;
  readonly commandId: string;
  readonly callMs: number;
  /** Every delivery latency of the round, ascending (all generators). */
  readonly deliveryLatenciesMs: readonly number[];
  readonly lastAckMs: number;
  /** SendCommand sent → ListCommands first showed the command Success. */
  readonly successMs: number;
  readonly polls: number;
  readonly serverCpuS: number;
  readonly generatorCpuS: number;
}

function sumCpu(pids: readonly (number | undefined)[]): number {
  return pids.reduce<number>((sum, pid) => sum + (readCpuSeconds(pid) ?? NaN), 0);
}

/** Merges what each generator saw; throws when the agents' view is not a clean run. */
async function sightingsOf(
  generators: readonly SimulatorProcess[],
  commandId: string,
  sentAtMs: number,
  agents: number,
): Promise<Pick<RoundFigures, 'deliveryLatenciesMs' | 'lastAckMs'>> {
  const reports = await Promise.all(
    generators.map((generator) => generator.request({ type: 'report', commandId, sentAtMs }, REQUEST_TIMEOUT_MS)),
  );
  const seen = reports.filter((r): r is Extract<SimulatorReply, { type: 'report' }> => r.type === 'report');
  const total = (pick: (r: CommandSighting) => number) => seen.reduce((sum, r) => sum + pick(r), 0);
  const problems: string[] = [];
  const lost = seen.reduce((sum, r) => sum + r.lostConnections, 0);
  if (lost > 0) {
    problems.push(
      `${lost} agent connections were closed by the server (${seen.flatMap((r) => r.lostSamples).join('; ')})`,
    );
  }
  if (total((r) => r.delivered) !== agents) {
    problems.push(`${total((r) => r.delivered)} of ${agents} agents received the command`);
  }
  if (total((r) => r.acknowledged) !== agents) {
    problems.push(`${total((r) => r.acknowledged)} of ${agents} results were acknowledged`);
  }
  const unexpected = seen.flatMap((r) => r.unexpected);
  if (unexpected.length > 0) {
    problems.push(`${unexpected.length} unexpected frames, e.g. ${unexpected.slice(0, 3).join(' | ')}`);
  }
  if (problems.length > 0) {
    throw new Error(`command ${commandId}: ${problems.join('; ')}`);
  }
  return {
    deliveryLatenciesMs: seen.flatMap((r) => r.deliveryLatenciesMs).sort((a, b) => a - b),
    lastAckMs: Math.max(...seen.map((r) => r.lastAckMs)),
  };
}

async function runRound(
  ssm: SSMClient,
  server: ServerHandle,
  generators: readonly SimulatorProcess[],
  agents: number,
  label: string,
  timeoutSeconds: number,
): Promise<RoundFigures> {
  guard.throwIfAborted();
  const generatorPids = generators.map((generator) => generator.pid);
  const serverCpuBefore = readCpuSeconds(server.pid) ?? NaN;
  const generatorCpuBefore = sumCpu(generatorPids);
  const sentAtMs = preciseNowMs();
  const sent = await ssm.send(
    new SendCommandCommand({
      DocumentName: 'AWS-RunShellScript',
      Targets: [{ Key: `tag:${FLEET_TAG.Key}`, Values: [FLEET_TAG.Value] }],
      Parameters: { commands: ['echo ok'] },
      MaxConcurrency: '100%',
      MaxErrors: '0',
      TimeoutSeconds: 600,
      Comment: `bench:fanout ${label}, N=${agents}`,
    }),
  );
  const callMs = preciseNowMs() - sentAtMs;
  const commandId = sent.Command?.CommandId;
  if (commandId === undefined) {
    throw new Error(`SendCommand answered without a command id: ${JSON.stringify(sent)}`);
  }
  if (sent.Command?.TargetCount !== agents) {
    throw new Error(`SendCommand targeted ${sent.Command?.TargetCount ?? '?'} nodes, expected ${agents}`);
  }
  // ListCommands every POLL_INTERVAL_MS (from the previous poll's start) until terminal.
  const maxPolls = Math.ceil((timeoutSeconds * 1000) / POLL_INTERVAL_MS) + 1;
  let command: Command | undefined;
  let successMs = NaN;
  let polls = 0;
  while (polls < maxPolls) {
    const pollStart = preciseNowMs();
    polls += 1;
    const listed = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
    command = listed.Commands?.[0];
    if (TERMINAL_COMMAND_STATUSES.has(command?.Status ?? '')) {
      successMs = preciseNowMs() - sentAtMs;
      break;
    }
    await guard.sleep(Math.max(0, pollStart + POLL_INTERVAL_MS - preciseNowMs()));
  }
  const serverCpuS = (readCpuSeconds(server.pid) ?? NaN) - serverCpuBefore;
  const generatorCpuS = sumCpu(generatorPids) - generatorCpuBefore;
  if (command === undefined || !TERMINAL_COMMAND_STATUSES.has(command.Status ?? '')) {
    throw new Error(
      `command ${commandId} not finished ${timeoutSeconds} s after SendCommand: ${JSON.stringify(counters(command))}`,
    );
  }
  if (
    command.Status !== 'Success' ||
    command.CompletedCount !== agents ||
    command.ErrorCount !== 0 ||
    command.DeliveryTimedOutCount !== 0
  ) {
    throw new Error(
      `command ${commandId} ended ${JSON.stringify(counters(command))}, expected Success on all ${agents}`,
    );
  }
  const seen = await sightingsOf(generators, commandId, sentAtMs, agents);
  return { label, agents, commandId, callMs, successMs, polls, serverCpuS, generatorCpuS, ...seen };
}

function counters(command: Command | undefined) {
  return command === undefined
    ? undefined
    : {
        Status: command.Status,
        StatusDetails: command.StatusDetails,
        TargetCount: command.TargetCount,
        CompletedCount: command.CompletedCount,
        ErrorCount: command.ErrorCount,
        DeliveryTimedOutCount: command.DeliveryTimedOutCount,
      };
}

/** Pages through every invocation of the command; throws unless there are `agents`, all Success. */
async function verifyInvocations(ssm: SSMClient, commandId: string, agents: number): Promise<void> {
  const statuses = new Map<string, number>();
  const instances = new Set<string>();
  let nextToken: string | undefined;
  const maxPages = Math.ceil(agents / INVOCATIONS_PAGE) + 2;
  for (let page = 0; page < maxPages; page++) {
    guard.throwIfAborted();
    const listed = await ssm.send(
      new ListCommandInvocationsCommand({ CommandId: commandId, MaxResults: INVOCATIONS_PAGE, NextToken: nextToken }),
    );
    for (const invocation of listed.CommandInvocations ?? []) {
      instances.add(invocation.InstanceId ?? '');
      const key = `${invocation.Status ?? '?'}/${invocation.StatusDetails ?? '?'}`;
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
    nextToken = listed.NextToken;
    if (nextToken === undefined) {
      break;
    }
  }
  const successes = statuses.get('Success/Success') ?? 0;
  if (nextToken !== undefined || instances.size !== agents || successes !== agents) {
    throw new Error(
      `command ${commandId}: ListCommandInvocations shows ${instances.size} nodes, statuses ${JSON.stringify(Object.fromEntries(statuses))}; expected ${agents} Success`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const HEADER = [
  `${''.padEnd(8)} | ${''.padStart(6)} | ${'SendCmd'.padStart(7)} | ${'delivery latency ms'.padEnd(29)} | ${'last ack'.padStart(8)} | ${'Success'.padStart(7)} | CPU s`,
  `${'round'.padEnd(8)} | ${'N'.padStart(6)} | ${'call ms'.padStart(7)} | ${'first'.padStart(6)} ${'p50'.padStart(6)} ${'p99'.padStart(7)} ${'max'.padStart(7)} | ${'ms'.padStart(8)} | ${'s'.padStart(7)} | ${'server'.padStart(6)} ${'loadgen'.padStart(7)}`,
];

interface RowFigures {
  readonly agents: number;
  readonly callMs: number;
  readonly firstMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly lastAckMs: number;
  readonly successS: number;
  readonly serverCpuS: number;
  readonly generatorCpuS: number;
}

function rowFigures(round: RoundFigures): RowFigures {
  const latencies = round.deliveryLatenciesMs;
  return {
    agents: round.agents,
    callMs: round.callMs,
    firstMs: latencies[0] ?? NaN,
    p50Ms: percentileOfSorted(latencies, 50),
    p99Ms: percentileOfSorted(latencies, 99),
    maxMs: latencies[latencies.length - 1] ?? NaN,
    lastAckMs: round.lastAckMs,
    successS: round.successMs / 1000,
    serverCpuS: round.serverCpuS,
    generatorCpuS: round.generatorCpuS,
  };
}

function medianRow(rounds: readonly RoundFigures[]): RowFigures {
  const rows = rounds.map(rowFigures);
  const of = (pick: (row: RowFigures) => number) => median(rows.map(pick));
  return {
    agents: rows[0]?.agents ?? NaN,
    callMs: of((r) => r.callMs),
    firstMs: of((r) => r.firstMs),
    p50Ms: of((r) => r.p50Ms),
    p99Ms: of((r) => r.p99Ms),
    maxMs: of((r) => r.maxMs),
    lastAckMs: of((r) => r.lastAckMs),
    successS: of((r) => r.successS),
    serverCpuS: of((r) => r.serverCpuS),
    generatorCpuS: of((r) => r.generatorCpuS),
  };
}

function row(label: string, f: RowFigures): string {
  return (
    `${label.padEnd(8)} | ${fmt(f.agents).padStart(6)} | ${fmt(f.callMs).padStart(7)} | ` +
    `${fmt(f.firstMs).padStart(6)} ${fmt(f.p50Ms).padStart(6)} ${fmt(f.p99Ms).padStart(7)} ${fmt(f.maxMs).padStart(7)} | ${fmt(f.lastAckMs).padStart(8)} | ` +
    `${fmt(f.successS, 2).padStart(7)} | ${fmt(f.serverCpuS, 2).padStart(6)} ${fmt(f.generatorCpuS, 2).padStart(7)}`
  );
}

function memoryText(pid: number | undefined): { rssMb: number; text: string } {
  const memory = readMemory(pid);
  if (memory === undefined) {
    return { rssMb: NaN, text: '- (no /proc)' };
  }
  return {
    rssMb: megabytes(memory.rssBytes),
    text: `${fmt(megabytes(memory.rssBytes))} MB (peak so far ${fmt(megabytes(memory.peakRssBytes))} MB)`,
  };
}

// ---------------------------------------------------------------------------------------------

interface StageResult {
  readonly agents: number;
  readonly rounds: RoundFigures[];
  readonly idleRssBeforeMb: number;
  readonly idleRssAfterMb: number;
  readonly registerRate: number;
  readonly connectS: number;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  console.log('Mado Run Command fan-out benchmark');
  console.log(machineLine());
  if (!checkBuiltServer('npm run bench:fanout')) {
    return 1;
  }
  const descriptors = checkDescriptors(options);
  if (descriptors === undefined || !checkPorts(options.agents)) {
    return 1;
  }
  console.log(descriptors);
  const stages = options.baseline > 0 ? [options.baseline, options.agents] : [options.agents];
  console.log(
    `Plan: N = ${stages.map((n) => fmt(n)).join(', then ')} simulated agents (one fleet, grown between stages), ` +
      `${options.generators} load-generator process(es); per N one warm-up and ${options.rounds} measured SendCommands ` +
      `(AWS-RunShellScript, tag:${FLEET_TAG.Key}=${FLEET_TAG.Value}, MaxConcurrency 100%), ListCommands every ${POLL_INTERVAL_MS} ms` +
      (options.profileServer ? '; server under --cpu-prof' : ''),
  );

  guard.start(BUDGET_MS);
  const dataDir = mkdtempSync(join(tmpdir(), 'mado-bench-fanout-'));
  const profileDir = options.profileServer ? mkdtempSync(join(tmpdir(), 'mado-bench-profile-')) : undefined;
  let server: ServerHandle | undefined;
  const generators: SimulatorProcess[] = [];
  let failed = false;
  const results: StageResult[] = [];
  /** When the measured rounds of the largest N ran (`performance.now()`), to cut the profile. */
  const measured: MeasuredSpan = {};
  try {
    // Every simulated agent connects from 127.0.0.1, where a real fleet comes from many
    // addresses: the per-address limits on connections not yet authenticated are raised by what
    // the benchmark opens at once (the global MADO_GATEWAY_MAX_PENDING stays at its default). The
    // HTTP one keeps its default of 64 on top, for the registrations' idle keep-alive sockets.
    const env = {
      MADO_GATEWAY_MAX_PENDING_PER_IP: String(options.handshakesInFlight),
      MADO_MAX_UNAUTHENTICATED_CONNECTIONS_PER_IP: String(options.handshakesInFlight + 64),
    };
    server = await startMado({ dataDir, profileDir, env });
    const limits = Object.entries(env).map(([name, value]) => `${name}=${value}`);
    console.log(
      `Server: node bin/mado.js server, pid ${server.pid ?? '?'}, at ${server.url.origin} (${[SERVER_SETTINGS, ...limits].join(', ')})`,
    );
    for (let i = 0; i < options.generators; i++) {
      generators.push(await SimulatorProcess.start());
    }
    console.log(
      `Load generator: pid ${generators.map((g) => g.pid ?? '?').join(', ')} (bench/support/agent-simulator.ts)`,
    );
    const ssm = ssmClient(server.url);
    const nodeIds: string[] = [];

    for (const [stageIndex, agents] of stages.entries()) {
      guard.throwIfAborted();
      const isLast = stageIndex === stages.length - 1;
      const count = agents - nodeIds.length;
      console.log('');
      console.log(`N = ${fmt(agents)}`);

      const keysStart = performance.now();
      const fresh = newAgents(nodeIds.length, count);
      const keysMs = performance.now() - keysStart;
      const activations = await createActivations(ssm, count, 'bench:fanout', guard);
      const registerStart = performance.now();
      const registered = await registerAgents(server.url.origin, activations, fresh, () => [{ ...FLEET_TAG }], guard);
      const registerS = (performance.now() - registerStart) / 1000;
      nodeIds.push(...registered);
      console.log(
        `  Registered ${fmt(count)} agents (POST ${REGISTER_PATH}, ${REGISTRATIONS_IN_FLIGHT} in flight, ${activations.length} activation(s), tag ${FLEET_TAG.Key}=${FLEET_TAG.Value}) ` +
          `in ${fmt(registerS, 2)} s: ${fmt(count / registerS)} registrations/s (Ed25519 keys made beforehand in ${fmt(keysMs / 1000, 2)} s)`,
      );

      const {
        ready,
        seconds: connectS,
        heartbeatIntervalMs,
      } = await connectAgents(generators, server.url.origin, registered, fresh, options.handshakesInFlight);
      if (ready !== agents) {
        throw new Error(`${fmt(ready)} of ${fmt(agents)} agents are connected`);
      }
      console.log(
        `  Connected ${fmt(count)} WebSockets (challenge, signed hello, welcome; ${options.handshakesInFlight} handshakes in flight) ` +
          `in ${fmt(connectS, 2)} s: ${fmt(count / connectS)} connections/s; ${fmt(agents)} agents connected, heartbeating every ${fmt(heartbeatIntervalMs / 1000)} s`,
      );

      await guard.sleep(SETTLE_MS);
      const idleBefore = memoryText(server.pid);
      console.log(`  Server RSS with ${fmt(agents)} idle agents connected: ${idleBefore.text}`);
      console.log('');
      for (const line of HEADER) {
        console.log(`  ${line}`);
      }
      const rounds: RoundFigures[] = [];
      for (let r = 0; r <= options.rounds; r++) {
        const label = r === 0 ? 'warm-up' : `round ${r}`;
        if (isLast && r === 1) {
          measured.fromMs = performance.now();
        }
        const figures = await runRound(ssm, server, generators, agents, label, options.roundTimeoutSeconds);
        if (isLast && r > 0) {
          measured.toMs = performance.now();
        }
        console.log(`  ${row(label, rowFigures(figures))}`);
        if (r > 0) {
          rounds.push(figures);
        }
        await guard.sleep(BETWEEN_ROUNDS_MS);
      }
      console.log(`  ${row('median', medianRow(rounds))}`);
      await guard.sleep(SETTLE_MS);
      const idleAfter = memoryText(server.pid);
      console.log(`  Server RSS with ${fmt(agents)} idle agents after the rounds: ${idleAfter.text}`);

      const verifyStart = performance.now();
      for (const round of rounds) {
        await verifyInvocations(ssm, round.commandId, agents);
      }
      console.log(
        `  Checked: every invocation of the ${rounds.length} measured commands is Success (ListCommandInvocations, ${fmt(rounds.length * agents)} invocations read in ${fmt((performance.now() - verifyStart) / 1000, 1)} s).`,
      );
      results.push({
        agents,
        rounds,
        idleRssBeforeMb: idleBefore.rssMb,
        idleRssAfterMb: idleAfter.rssMb,
        registerRate: count / registerS,
        connectS,
      });
    }

    console.log('');
    console.log(
      'Summary (medians over the measured rounds; "Success s" is SendCommand sent → ListCommands shows Success):',
    );
    for (const line of HEADER) {
      console.log(line);
    }
    for (const stage of results) {
      console.log(row('median', medianRow(stage.rounds)));
    }
    console.log('');
    for (const stage of results) {
      const all = stage.rounds.flatMap((r) => r.deliveryLatenciesMs).sort((a, b) => a - b);
      console.log(
        `N = ${fmt(stage.agents)}: delivery latency over all ${fmt(all.length)} measured invocations p50 ${fmt(percentileOfSorted(all, 50))} ms, ` +
          `p99 ${fmt(percentileOfSorted(all, 99))} ms; server RSS idle ${fmt(stage.idleRssBeforeMb)} MB before the rounds, ${fmt(stage.idleRssAfterMb)} MB after.`,
      );
    }
    console.log(`(Load average now ${loadAverageText()}.)`);
    const last = results[results.length - 1]!;
    if (options.profileServer) {
      console.log('(Profiled run: the server ran under --cpu-prof; do not quote these figures.)');
    } else if (last.agents !== GOAL_AGENTS) {
      console.log(
        `Goals are stated for N = ${fmt(GOAL_AGENTS)}; this run's largest N is ${fmt(last.agents)}: not evaluated.`,
      );
    } else {
      const successS = medianRow(last.rounds).successS;
      const enoughRounds = last.rounds.length >= 3;
      console.log(
        `Goal N = ${fmt(GOAL_AGENTS)}, SendCommand → last Success <= ${GOAL_SUCCESS_SECONDS} s (median of ${last.rounds.length}): ` +
          `${!enoughRounds ? 'not evaluated (fewer than 3 rounds)' : successS <= GOAL_SUCCESS_SECONDS ? 'met' : 'NOT met'} (${fmt(successS, 2)} s).`,
      );
      const worstRss = Math.max(last.idleRssBeforeMb, last.idleRssAfterMb);
      console.log(
        `Goal server RSS with ${fmt(GOAL_AGENTS)} idle agents <= ${GOAL_IDLE_RSS_MB} MB: ${worstRss <= GOAL_IDLE_RSS_MB ? 'met' : 'NOT met'} ` +
          `(${fmt(last.idleRssBeforeMb)} MB before the rounds, ${fmt(last.idleRssAfterMb)} MB after; MB = 10^6 bytes).`,
      );
    }
  } catch (error) {
    failed = true;
    console.error(`Benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    if (server !== undefined && server.output().trim() !== '') {
      console.error(`Server output (last 2,000 characters):\n${server.output().trim().slice(-2000)}`);
    }
  } finally {
    guard.dispose();
    await Promise.all(generators.map((generator) => generator.stop()));
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (
    profileDir !== undefined &&
    !printServerProfile(
      profileDir,
      server,
      measured,
      `Server CPU profile during the measured rounds of N = ${fmt(options.agents)} (registration, connection and warm-up excluded):`,
    )
  ) {
    failed = true;
  }
  return failed ? 1 : 0;
}

await runWhenMain(import.meta.url, main);
