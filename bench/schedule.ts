/**
 * Window engine benchmark (`npm run bench:schedule`, after `npm run build`).
 *
 * Measures how late the scheduler is, and how fast window runs end, at the scale of a site's
 * 02:00: the built server (`bin/mado.js server`, SQLite store on disk), simulated agents
 * speaking the real agent protocol (bench/support/agent-simulator.ts), the SSM API through
 * @aws-sdk/client-ssm. Every figure comes from the history the server recorded.
 *
 * Phases, in order:
 *  1. fleet      register `max(windows × targets, groups × group-targets)` simulated nodes (tags
 *                Fleet=bench and Slice=s<i / group-targets>) and connect them;
 *  2. windows    `--windows` windows (cron, in the eight zones of ZONES) with one target of
 *                `--targets` node ids each (no two windows share a node) and one RUN_COMMAND task
 *                (AWS-RunShellScript, MaxConcurrency 100%); one window with `--groups` tasks of
 *                priorities 1..G, each on its own slice of `--group-targets` nodes by tag;
 *  3. minute     with MADO_MAX_CONCURRENT_EXECUTIONS=`--slots`, per round every window is
 *                rescheduled to `cron(MM HH ? * * *)` in its own zone for the same next whole
 *                minute; then: lateness = execution StartTime − due time (p50/p99/max; the
 *                StartTime is recorded when the execution goes IN_PROGRESS, so it includes any
 *                wait for a slot), the first task's StartTime − due time, and the time until all
 *                are SUCCESS (latest EndTime − due time);
 *  4. groups     per round the group window is due a few seconds ahead (cron with seconds):
 *                its execution's start → SUCCESS, and each priority group's duration;
 *  5. queued     the server restarted with the default of 5 concurrent executions, agents
 *                reconnected, and phase 3 again: the lateness now shows each execution's wait
 *                for a slot;
 *  6. restart    (with `--restart-after-ms N`) the server on a fixed port, agents that reconnect,
 *                one minute round in which the server is killed (SIGKILL) N ms after the due
 *                time and started again: every due time must still have exactly one execution,
 *                all end terminal, and no node may receive a second command (a repeat of the
 *                same command is at-least-once delivery, answered by the agent's dedupe);
 *  7. report     medians over the rounds, the goals.
 * Each round also records the server's CPU seconds, its RSS at the end and sampled peak, and
 * checks the run: every due time fired exactly once and ended SUCCESS with all its tasks, every
 * node received its window's command and no other, every result was acknowledged, no agent
 * connection was lost. Anything else fails the run (exit 1); a missed goal is printed, not
 * failed.
 *
 * Invariants: traffic goes to 127.0.0.1 only; every wait is bounded (a round by
 * `--round-timeout-seconds`, the whole run by BUDGET_MS); the server, the load generators and
 * the data directory are cleaned up on success, failure and Ctrl-C.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { SimulatorReply } from './support/agent-simulator.js';
import { fmt, loadAverageText, machineLine } from './support/figures.js';
import {
  checkBuiltServer,
  SERVER_SETTINGS,
  ssmClient,
  startMado,
  type MadoStartOptions,
  type ServerHandle,
} from './support/mado-server.js';
import { parseBenchArgs, runWhenMain } from './support/options.js';
import { ProcessMeter } from './support/process-stats.js';
import { RunGuard } from './support/run-guard.js';
import { printServerProfile, type MeasuredSpan } from './support/server-profile.js';
import {
  GROUP_HEADER,
  groupFigures,
  groupMedian,
  groupRow,
  MINUTE_HEADER,
  minuteFigures,
  minuteMedian,
  minuteRow,
  problemsOf,
  type GroupRound,
  type MinuteRound,
} from './support/schedule-report.js';
import {
  createWindows,
  cronAt,
  cronAtSecond,
  isTerminalRun,
  nextWholeMinute,
  readRuns,
  reschedule,
  ZONES,
  type BenchWindow,
  type RecordedRun,
  type WindowSpec,
} from './support/schedule-windows.js';
import {
  checkDescriptors,
  checkPorts,
  connectAgents,
  createActivations,
  newAgents,
  registerAgents,
  SimulatorProcess,
  type NewAgent,
} from './support/simulated-fleet.js';

const GOAL_LATE_P99_MS = 100;
const FLOOR_LATE_P99_MS = 1000;
const GOAL_GROUPS_S = 3;
const FLOOR_GROUPS_S = 5;
const GOAL_WINDOWS = 1000;
const DEFAULT_SLOTS = 5;
/** Hard limit on the whole run, whatever the options. */
const BUDGET_MS = 60 * 60 * 1000;
const POLL_MS = 100;
const REQUEST_TIMEOUT_MS = 30_000;
/** The group window's due time is this far ahead of the round's start (cron with seconds). */
const GROUP_LEAD_MS = 4000;

interface BenchOptions {
  readonly windows: number;
  readonly targets: number;
  readonly groups: number;
  readonly groupTargets: number;
  readonly slots: number;
  readonly rounds: number;
  readonly queuedRounds: number;
  readonly leadSeconds: number;
  readonly generators: number;
  readonly handshakesInFlight: number;
  readonly roundTimeoutSeconds: number;
  /** 0: no restart phase; else the server is killed this long after the due time. */
  readonly restartAfterMs: number;
  readonly profileServer: boolean;
}

const USAGE = `Usage: npm run bench:schedule -- [--windows 1000] [--targets 10] [--groups 3] [--group-targets 1000]
                               [--slots 1000] [--rounds 3] [--queued-rounds 3] [--lead-seconds 20]
                               [--generators 1] [--handshakes-in-flight 200] [--round-timeout-seconds 300]
                               [--restart-after-ms 0] [--profile-server]`;

function parseOptions(argv: readonly string[]): BenchOptions {
  const args = parseBenchArgs(
    argv,
    {
      windows: String(GOAL_WINDOWS),
      targets: '10',
      groups: '3',
      'group-targets': '1000',
      slots: '1000',
      rounds: '3',
      'queued-rounds': '3',
      'lead-seconds': '20',
      generators: '1',
      'handshakes-in-flight': '200',
      'round-timeout-seconds': '300',
      'restart-after-ms': '0',
    },
    [],
    USAGE,
  );
  return {
    windows: args.whole('windows', 1, 5000),
    targets: args.whole('targets', 1, 50),
    groups: args.whole('groups', 1, 5),
    groupTargets: args.whole('group-targets', 1, 10_000),
    slots: args.whole('slots', 1, 10_000),
    rounds: args.whole('rounds', 1, 10),
    queuedRounds: args.whole('queued-rounds', 0, 10),
    leadSeconds: args.whole('lead-seconds', 5, 120),
    generators: args.whole('generators', 1, 2),
    handshakesInFlight: args.whole('handshakes-in-flight', 1, 1000),
    roundTimeoutSeconds: args.whole('round-timeout-seconds', 10, 1800),
    restartAfterMs: args.whole('restart-after-ms', 0, 50_000),
    profileServer: args.flag('profile-server'),
  };
}

const guard = new RunGuard();

/** The server and the agents connected to it. */
interface Site {
  server: ServerHandle;
  ssm: SSMClient;
  readonly generators: SimulatorProcess[];
  /** How the server was started, to start it again after a kill. */
  readonly start: MadoStartOptions;
}

interface Fleet {
  readonly nodeIds: readonly string[];
  readonly agents: readonly NewAgent[];
}

interface SiteSettings {
  /** MADO_MAX_CONCURRENT_EXECUTIONS; undefined leaves the server's default. */
  readonly slots: number | undefined;
  readonly port?: number;
  readonly profileDir?: string;
  /** Connects the fleet once the server is up. */
  readonly fleet?: Fleet;
  /** The agents connect again when the server closes their connections. */
  readonly reconnect?: boolean;
}

// ---------------------------------------------------------------------------------------------
// The server and the fleet

async function startSite(dataDir: string, options: BenchOptions, settings: SiteSettings): Promise<Site> {
  // Every simulated agent connects from 127.0.0.1: the per-address limits on connections not
  // yet authenticated are raised to what the benchmark opens at once (as bench:fanout does).
  const env: Record<string, string> = {
    MADO_GATEWAY_MAX_PENDING_PER_IP: String(options.handshakesInFlight),
    MADO_MAX_UNAUTHENTICATED_CONNECTIONS_PER_IP: String(options.handshakesInFlight + 64),
    MADO_QUOTA_MAINTENANCE_WINDOWS: String(options.windows + 1),
    ...(settings.slots === undefined ? {} : { MADO_MAX_CONCURRENT_EXECUTIONS: String(settings.slots) }),
  };
  const start: MadoStartOptions = { dataDir, env, port: settings.port, profileDir: settings.profileDir };
  const server = await startMado(start);
  console.log(
    `Server: node bin/mado.js server, pid ${server.pid ?? '?'}, at ${server.url.origin} (` +
      `${[SERVER_SETTINGS, ...Object.entries(env).map(([name, value]) => `${name}=${value}`)].join(', ')}` +
      `${settings.slots === undefined ? `, MADO_MAX_CONCURRENT_EXECUTIONS unset: ${DEFAULT_SLOTS}` : ''}` +
      `${settings.profileDir === undefined ? '' : ', under --cpu-prof'})`,
  );
  const site: Site = { server, ssm: ssmClient(server.url), generators: [], start };
  for (let i = 0; i < options.generators; i++) {
    site.generators.push(await SimulatorProcess.start());
  }
  if (settings.fleet !== undefined) {
    await connect(site, settings.fleet, options, settings.reconnect ?? false);
  }
  return site;
}

async function stopSite(site: Site | undefined): Promise<void> {
  if (site !== undefined) {
    await Promise.all(site.generators.map((generator) => generator.stop()));
    await site.server.stop();
  }
}

async function connect(site: Site, fleet: Fleet, options: BenchOptions, reconnect = false): Promise<void> {
  const connected = await connectAgents(
    site.generators,
    site.server.url.origin,
    fleet.nodeIds,
    fleet.agents,
    options.handshakesInFlight,
    reconnect,
  );
  console.log(
    `Connected ${fmt(connected.ready)} simulated agents in ${fmt(connected.seconds, 1)} s ` +
      `(${options.generators} load-generator process(es), pid ${site.generators.map((g) => g.pid ?? '?').join(', ')}` +
      `${reconnect ? '; they reconnect when the server goes away' : ''}).`,
  );
}

/** A free loopback port, for a server that must come back where its agents reconnect. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolvePort(port));
    });
  });
}

async function registerFleet(site: Site, options: BenchOptions): Promise<Fleet> {
  const count = Math.max(options.windows * options.targets, options.groups * options.groupTargets);
  const started = performance.now();
  const agents = newAgents(0, count);
  const activations = await createActivations(site.ssm, count, 'bench:schedule', guard);
  const nodeIds = await registerAgents(
    site.server.url.origin,
    activations,
    agents,
    (index) => [
      { Key: 'Fleet', Value: 'bench' },
      { Key: 'Slice', Value: `s${Math.floor(index / options.groupTargets)}` },
    ],
    guard,
  );
  console.log(`Registered ${fmt(count)} simulated nodes in ${fmt((performance.now() - started) / 1000, 1)} s.`);
  return { nodeIds, agents };
}

function windowSpecs(options: BenchOptions, nodeIds: readonly string[]): { minute: WindowSpec[]; groups: WindowSpec } {
  const minute = Array.from({ length: options.windows }, (_, w): WindowSpec => {
    const nodes = nodeIds.slice(w * options.targets, (w + 1) * options.targets);
    return {
      name: `bench-minute-${String(w + 1).padStart(4, '0')}`,
      zone: ZONES[w % ZONES.length]!,
      tasks: [{ targets: [{ Key: 'InstanceIds', Values: nodes }], priority: 1, nodeIds: nodes }],
    };
  });
  const groups: WindowSpec = {
    name: 'bench-priority-groups',
    zone: 'UTC',
    tasks: Array.from({ length: options.groups }, (_, k) => ({
      targets: [{ Key: 'tag:Slice', Values: [`s${k}`] }],
      priority: k + 1,
      nodeIds: nodeIds.slice(k * options.groupTargets, (k + 1) * options.groupTargets),
    })),
  };
  return { minute, groups };
}

// ---------------------------------------------------------------------------------------------
// Rounds

type Totals = Extract<SimulatorReply, { type: 'totals' }>;

/** What all generators saw since the last reset, summed; `reset` starts the next count. */
async function totals(site: Site, reset: boolean): Promise<Totals> {
  const replies = await Promise.all(
    site.generators.map((generator) => generator.request({ type: 'totals', reset }, REQUEST_TIMEOUT_MS)),
  );
  const all = replies.filter((reply): reply is Totals => reply.type === 'totals');
  const sum = (pick: (reply: Totals) => number) => all.reduce((total, reply) => total + pick(reply), 0);
  return {
    type: 'totals',
    commands: sum((reply) => reply.commands),
    delivered: sum((reply) => reply.delivered),
    repeatedDeliveries: sum((reply) => reply.repeatedDeliveries),
    acknowledged: sum((reply) => reply.acknowledged),
    agentsWithSeveralCommands: sum((reply) => reply.agentsWithSeveralCommands),
    lastAckAtMs: Math.max(...all.map((reply) => reply.lastAckAtMs)),
    unexpected: all.flatMap((reply) => reply.unexpected),
    lostConnections: sum((reply) => reply.lostConnections),
    lostSamples: all.flatMap((reply) => reply.lostSamples),
    reconnected: sum((reply) => reply.reconnected),
    reconnecting: sum((reply) => reply.reconnecting),
  };
}

/** How a round ends: every result delivered and acknowledged, or (after a kill) every run terminal. */
type RoundKind = 'clean' | 'restarted';

/**
 * Waits until the agents' results for `expected` invocations are acknowledged (a clean round),
 * then until the history shows every window's run terminal. @returns the runs and what the
 * agents saw. @throws when the round times out or what the agents saw and the history hold is
 * not what `kind` promises.
 */
async function awaitRound(
  site: Site,
  windows: readonly BenchWindow[],
  dueAt: number,
  expected: number,
  meter: ProcessMeter,
  options: BenchOptions,
  kind: RoundKind = 'clean',
): Promise<{ runs: RecordedRun[]; seen: Totals; usage: ReturnType<ProcessMeter['stop']> }> {
  const deadline = dueAt + options.roundTimeoutSeconds * 1000;
  let seen = await totals(site, false);
  while (kind === 'clean' && seen.acknowledged < expected && Date.now() < deadline && seen.lostConnections === 0) {
    await guard.sleep(POLL_MS);
    seen = await totals(site, false);
  }
  const usage = kind === 'clean' ? meter.stop() : undefined;
  const byWindow = new Map<string, RecordedRun>();
  let unfinished: readonly BenchWindow[] = windows;
  while (unfinished.length > 0 && Date.now() < deadline) {
    for (const run of await readRuns(site.ssm, unfinished, dueAt, guard)) {
      byWindow.set(run.window.windowId, run);
    }
    unfinished = windows.filter((window) => !isTerminalRun(byWindow.get(window.windowId)!));
    if (unfinished.length > 0) {
      await guard.sleep(1000);
    }
  }
  while (kind === 'restarted' && seen.reconnecting > 0 && Date.now() < deadline) {
    await guard.sleep(POLL_MS);
    seen = await totals(site, false);
  }
  seen = await totals(site, true);
  const runs = windows.map((window) => byWindow.get(window.windowId)!);
  const problems = kind === 'clean' ? problemsOf(runs) : onceEach(runs);
  if (kind === 'clean' && (seen.delivered !== expected || seen.acknowledged !== expected)) {
    problems.push(
      `agents received ${fmt(seen.delivered)} and had ${fmt(seen.acknowledged)} results acknowledged of ${fmt(expected)}`,
    );
  }
  if (seen.agentsWithSeveralCommands > 0) {
    problems.push(`${fmt(seen.agentsWithSeveralCommands)} agents received more than one command`);
  }
  if (seen.unexpected.length > 0) {
    problems.push(`unexpected frames: ${seen.unexpected.join(' | ')}`);
  }
  if (seen.lostConnections > 0) {
    problems.push(`${fmt(seen.lostConnections)} agent connections lost: ${seen.lostSamples.join('; ')}`);
  }
  if (problems.length > 0) {
    throw new Error(`round due ${new Date(dueAt).toISOString()}: ${problems.join('; ')}`);
  }
  return { runs, seen, usage: usage ?? meter.stop() };
}

/** After a kill: every due time fired once and ended, whatever its status. */
function onceEach(runs: readonly RecordedRun[]): string[] {
  const bad = runs.filter((run) => run.executions.length !== 1 || !isTerminalRun(run));
  return bad.length === 0
    ? []
    : [
        `${fmt(bad.length)} windows do not have exactly one terminal execution for the due time, e.g. ` +
          bad
            .slice(0, 3)
            .map((run) => `${run.window.windowId}: ${run.executions.map((execution) => execution.Status).join(', ')}`)
            .join('; '),
      ];
}

async function minuteRound(site: Site, windows: readonly BenchWindow[], label: string, options: BenchOptions) {
  const dueAt = nextWholeMinute(Date.now(), options.leadSeconds * 1000);
  const updating = performance.now();
  await reschedule(site.ssm, windows, (zone) => cronAt(dueAt, zone), guard);
  const updatedS = (performance.now() - updating) / 1000;
  if (Date.now() > dueAt - 1000) {
    throw new Error(`rescheduling ${fmt(windows.length)} windows took ${fmt(updatedS, 1)} s: raise --lead-seconds`);
  }
  await totals(site, true);
  await guard.sleep(dueAt - 1000 - Date.now());
  const meter = new ProcessMeter(site.server.pid);
  const { runs, seen, usage } = await awaitRound(
    site,
    windows,
    dueAt,
    windows.length * windows[0]!.taskTargets[0]!.length,
    meter,
    options,
  );
  return minuteFigures(label, dueAt, runs, seen.repeatedDeliveries, usage);
}

async function groupRound(site: Site, window: BenchWindow, label: string, options: BenchOptions) {
  const dueAt = Math.ceil((Date.now() + GROUP_LEAD_MS) / 1000) * 1000;
  await reschedule(site.ssm, [window], (zone) => cronAtSecond(dueAt, zone), guard);
  await totals(site, true);
  await guard.sleep(dueAt - 500 - Date.now());
  const meter = new ProcessMeter(site.server.pid);
  const expected = window.taskTargets.reduce((sum, nodes) => sum + nodes.length, 0);
  const { runs, seen, usage } = await awaitRound(site, [window], dueAt, expected, meter, options);
  return groupFigures(label, dueAt, runs[0]!, seen.repeatedDeliveries, usage);
}

/**
 * A minute round in which the server is killed (SIGKILL) `--restart-after-ms` after the due time
 * and started again on its port and data directory; the agents reconnect by themselves.
 */
async function restartRound(site: Site, windows: readonly BenchWindow[], options: BenchOptions): Promise<void> {
  const dueAt = nextWholeMinute(Date.now(), options.leadSeconds * 1000);
  await reschedule(site.ssm, windows, (zone) => cronAt(dueAt, zone), guard);
  await totals(site, true);
  await guard.sleep(dueAt + options.restartAfterMs - Date.now());
  const killedAt = Date.now();
  await site.server.kill();
  site.server = await startMado(site.start);
  site.ssm = ssmClient(site.server.url);
  const backS = (Date.now() - killedAt) / 1000;
  const meter = new ProcessMeter(site.server.pid);
  const expected = windows.length * windows[0]!.taskTargets[0]!.length;
  const { runs, seen } = await awaitRound(site, windows, dueAt, expected, meter, options, 'restarted');
  const executions = runs.map((run) => run.executions[0]!);
  const statuses = new Map<string, number>();
  for (const execution of executions) {
    statuses.set(execution.Status ?? '?', (statuses.get(execution.Status ?? '?') ?? 0) + 1);
  }
  const startedBeforeKill = executions.filter((execution) => (execution.StartTime?.getTime() ?? 0) < killedAt).length;
  const endedMs = Math.max(...executions.map((execution) => execution.EndTime?.getTime() ?? NaN)) - dueAt;
  console.log(
    `  Killed ${fmt(killedAt - dueAt)} ms after the due time, ${fmt(startedBeforeKill)} of ${fmt(windows.length)} executions IN_PROGRESS by then; ` +
      `server back (pid ${site.server.pid ?? '?'}) ${fmt(backS, 1)} s after the kill; ${fmt(seen.reconnected)} agent connections reopened.`,
  );
  console.log(
    `  Every due time has exactly one execution, all terminal ${fmt(endedMs / 1000, 1)} s after the due time: ` +
      `${[...statuses].map(([status, count]) => `${status} ${fmt(count)}`).join(', ')}; ` +
      `no node received a second command; ${fmt(seen.delivered)} invocations delivered, ${fmt(seen.repeatedDeliveries)} delivered again ` +
      `(at-least-once after the restart; an agent answers a repeat from its journal).`,
  );
}

async function minutePhase(site: Site, windows: readonly BenchWindow[], rounds: number, options: BenchOptions) {
  for (const line of MINUTE_HEADER) {
    console.log(`  ${line}`);
  }
  const measured: MinuteRound[] = [];
  for (let r = 1; r <= rounds; r++) {
    const round = await minuteRound(site, windows, `round ${r}`, options);
    console.log(`  ${minuteRow(round)}`);
    measured.push(round);
  }
  const summary = minuteMedian(measured);
  console.log(`  ${minuteRow(summary)}`);
  return summary;
}

async function groupPhase(site: Site, window: BenchWindow, options: BenchOptions) {
  for (const line of GROUP_HEADER) {
    console.log(`  ${line}`);
  }
  const measured: GroupRound[] = [];
  for (let r = 0; r <= options.rounds; r++) {
    const round = await groupRound(site, window, r === 0 ? 'warm-up' : `round ${r}`, options);
    console.log(`  ${groupRow(round)}`);
    if (r > 0) {
      measured.push(round);
    }
  }
  const summary = groupMedian(measured);
  console.log(`  ${groupRow(summary)}`);
  return summary;
}

// ---------------------------------------------------------------------------------------------

function goal(name: string, value: number, goalValue: number, floorValue: number, unit: string, digits = 0): string {
  const verdict =
    value <= goalValue
      ? 'met'
      : value <= floorValue
        ? `NOT met, within the floor of ${fmt(floorValue, digits)} ${unit}`
        : 'NOT met, beyond the floor';
  return `${name} <= ${fmt(goalValue, digits)} ${unit}: ${verdict} (${fmt(value, digits)} ${unit}).`;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  console.log('Mado window engine benchmark');
  console.log(machineLine());
  if (!checkBuiltServer('npm run bench:schedule')) {
    return 1;
  }
  const nodes = Math.max(options.windows * options.targets, options.groups * options.groupTargets);
  const descriptors = checkDescriptors({ agents: nodes, generators: options.generators });
  if (descriptors === undefined || !checkPorts(nodes)) {
    return 1;
  }
  console.log(descriptors);
  console.log(
    `Plan: ${fmt(options.windows)} windows × ${options.targets} nodes due in the same minute (${ZONES.length} time zones), ` +
      `${options.slots} slots, ${options.rounds} rounds; one window of ${options.groups} priority groups × ${fmt(options.groupTargets)} nodes, ` +
      `one warm-up and ${options.rounds} rounds; then ${options.queuedRounds} minute rounds with the default ${DEFAULT_SLOTS} slots.`,
  );
  guard.start(BUDGET_MS);
  const dataDir = mkdtempSync(join(tmpdir(), 'mado-bench-schedule-'));
  const profileDir = options.profileServer ? mkdtempSync(join(tmpdir(), 'mado-bench-profile-')) : undefined;
  /** The minute phase with `--slots`, in `performance.now()`, to cut the profile. */
  const measured: MeasuredSpan = {};
  let profiled: ServerHandle | undefined;
  let site: Site | undefined;
  let failed = false;
  try {
    site = await startSite(dataDir, options, { slots: options.slots, profileDir });
    profiled = profileDir === undefined ? undefined : site.server;
    const fleet = await registerFleet(site, options);
    await connect(site, fleet, options);
    const specs = windowSpecs(options, fleet.nodeIds);
    const creating = performance.now();
    const [groupWindow] = await createWindows(site.ssm, [specs.groups], guard);
    const windows = await createWindows(site.ssm, specs.minute, guard);
    console.log(
      `Created ${fmt(windows.length + 1)} windows with their targets and tasks in ${fmt((performance.now() - creating) / 1000, 1)} s.`,
    );

    console.log('');
    console.log(
      `${fmt(options.windows)} windows due in the same minute, MADO_MAX_CONCURRENT_EXECUTIONS=${options.slots}:`,
    );
    measured.fromMs = performance.now();
    const minute = await minutePhase(site, windows, options.rounds, options);
    measured.toMs = performance.now();
    console.log('');
    console.log(
      `One window, ${options.groups} priority groups × ${fmt(options.groupTargets)} nodes, MaxConcurrency 100%:`,
    );
    const groups = await groupPhase(site, groupWindow!, options);

    let queued: MinuteRound | undefined;
    if (options.queuedRounds > 0) {
      console.log('');
      console.log(`Restarting the server with the default of ${DEFAULT_SLOTS} concurrent executions.`);
      await stopSite(site);
      site = undefined;
      site = await startSite(dataDir, options, { slots: undefined, fleet });
      console.log(`${fmt(options.windows)} windows due in the same minute, ${DEFAULT_SLOTS} concurrent executions:`);
      queued = await minutePhase(site, windows, options.queuedRounds, options);
    }
    if (options.restartAfterMs > 0) {
      console.log('');
      console.log(
        `${fmt(options.windows)} windows due in the same minute, ${options.slots} slots, the server killed (SIGKILL) ` +
          `${fmt(options.restartAfterMs)} ms after the due time and started again on its port and data directory:`,
      );
      await stopSite(site);
      site = undefined;
      site = await startSite(dataDir, options, {
        slots: options.slots,
        port: await freePort(),
        fleet,
        reconnect: true,
      });
      await restartRound(site, windows, options);
    }

    console.log('');
    console.log('Summary (medians over the rounds; "late" = StartTime recorded − due time, from the history):');
    console.log(
      `  ${fmt(options.windows)} windows, ${options.slots} slots: late p50 ${fmt(minute.lateMs.p50)} / p99 ${fmt(minute.lateMs.p99)} / max ${fmt(minute.lateMs.max)} ms; ` +
        `all SUCCESS ${fmt(minute.allSuccessMs / 1000, 2)} s after the due time; server ${fmt(minute.usage.cpuSeconds, 1)} CPU s, RSS peak ${fmt(minute.usage.rssPeakMb)} MB`,
    );
    console.log(
      `  ${options.groups} groups × ${fmt(options.groupTargets)} nodes: start → SUCCESS ${fmt(groups.startToSuccessMs / 1000, 2)} s ` +
        `(groups ${groups.groupMs.map((value) => fmt(value / 1000, 2)).join(', ')} s); late ${fmt(groups.lateMs)} ms; server ${fmt(groups.usage.cpuSeconds, 1)} CPU s, RSS peak ${fmt(groups.usage.rssPeakMb)} MB`,
    );
    if (queued !== undefined) {
      console.log(
        `  ${fmt(options.windows)} windows, ${DEFAULT_SLOTS} slots: late (the wait for a slot) p50 ${fmt(queued.lateMs.p50 / 1000, 1)} / ` +
          `p99 ${fmt(queued.lateMs.p99 / 1000, 1)} / max ${fmt(queued.lateMs.max / 1000, 1)} s; all SUCCESS ${fmt(queued.allSuccessMs / 1000, 1)} s after the due time; ` +
          `server ${fmt(queued.usage.cpuSeconds, 1)} CPU s, RSS peak ${fmt(queued.usage.rssPeakMb)} MB`,
      );
    }
    console.log(`(Load average now ${loadAverageText()}.)`);
    if (options.windows !== GOAL_WINDOWS || options.groupTargets !== 1000 || options.groups !== 3) {
      console.log('Goals are stated for 1,000 windows and 3 groups × 1,000 nodes: not evaluated.');
    } else {
      console.log(goal('Goal lateness p99', minute.lateMs.p99, GOAL_LATE_P99_MS, FLOOR_LATE_P99_MS, 'ms'));
      console.log(
        goal('Goal 3 × 1,000 start → SUCCESS', groups.startToSuccessMs / 1000, GOAL_GROUPS_S, FLOOR_GROUPS_S, 's', 2),
      );
    }
  } catch (error) {
    failed = true;
    console.error(`Benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    if (site !== undefined && site.server.output().trim() !== '') {
      console.error(`Server output (last 2,000 characters):\n${site.server.output().trim().slice(-2000)}`);
    }
  } finally {
    guard.dispose();
    await stopSite(site);
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (
    profileDir !== undefined &&
    !printServerProfile(
      profileDir,
      profiled,
      measured,
      `Server CPU profile during the minute rounds with ${options.slots} slots (rescheduling calls included):`,
    )
  ) {
    failed = true;
  }
  return failed ? 1 : 0;
}

await runWhenMain(import.meta.url, main);
