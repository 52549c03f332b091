/**
 * API throughput benchmark (`npm run bench:api`, after `npm run build`).
 *
 * Measures signed Get/Describe maintenance-window requests per second against the built server
 * (`bin/mado.js server`) holding N windows (default 10,000) with 5 window targets and 5
 * RUN_COMMAND tasks each, and next to it an unauthenticated `GET /healthz` on the same server:
 * the ceiling that HTTP, Fastify and the load generator alone allow on this machine.
 *
 * Phases, in order:
 *  1. seed    a fresh temporary data directory, in-process, through the services layer
 *             (`openDataDirStore` + `buildServices`, quotas raised), 100 windows per transaction;
 *  2. start   the real server process on 127.0.0.1, port 0;
 *  3. check   every operation of the mix once (status 200 and the expected shape);
 *  4. prime   GetMaintenanceWindow once per window, so that the rounds see the steady state (a
 *             window's next start is computed on its first read, then cached); the cold rate
 *             is printed;
 *  5. load    one warm-up round, then `--rounds` measured rounds. Each round pre-signs a fresh
 *             pool of requests (SigV4 as @aws-sdk/client-ssm signs them; a signature is valid for
 *             5 minutes) and runs autocannon for `--seconds` on the API mix and on /healthz,
 *             alternating which goes first;
 *  6. report  per-round figures, medians, the API/healthz ratio, the goal;
 *  7. cleanup stop the server, remove the data directory: always, also on failure or Ctrl-C.
 *
 * Invariants: traffic goes to 127.0.0.1 only; every loop is bounded in count, and the whole run
 * in time (`BUDGET_MS`); any non-2xx response, connection error or timeout fails the run (exit
 * 1). Missing the throughput goal does not: it is printed, as a figure to read, not a test.
 *
 * `--profile-server` starts the server under `node --cpu-prof`, runs only the API rounds, and
 * prints the top functions by self time during the measured rounds (see
 * bench/cpu-profile-summary.ts). Its throughput is lower than an unprofiled run's and is not the
 * figure to quote. `--per-operation` adds one API-only round per request kind of the mix.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Hash } from '@smithy/hash-node';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import autocannon from 'autocannon';
import type { Target } from '../src/domain/targets.js';
import type { TaskInvocationParameters } from '../src/domain/maintenance-window.js';
import { buildServices, openDataDirStore } from '../src/server/server.js';
import { BuiltinDocumentCatalog } from '../src/services/builtin-document-catalog.js';
import { NO_DISPATCHER } from '../src/services/dispatch-notifier.js';
import { KeyRing } from '../src/services/access-key-service.js';
import { SecretBox } from '../src/services/secret-box.js';
import { DEFAULT_QUOTAS, type ServiceContext } from '../src/services/service-context.js';
import { systemClock } from '../src/shared/clock.js';
import { silentLogger } from '../src/shared/logger.js';
import { fmt, loadAverageText, machineLine, median } from './support/figures.js';
import {
  ADMIN,
  checkBuiltServer,
  REGION,
  SERVER_SETTINGS,
  SQLITE_SYNCHRONOUS,
  startMado,
  type ServerHandle,
} from './support/mado-server.js';
import { parseBenchArgs, runWhenMain } from './support/options.js';
import { RunGuard } from './support/run-guard.js';
import { printServerProfile, type MeasuredSpan } from './support/server-profile.js';
import { seededRandom } from '../test/support/seeded-random.js';

const GOAL_REQUESTS_PER_SECOND = 3000;
const TARGETS_PER_WINDOW = 5;
const TASKS_PER_WINDOW = 5;
const WINDOWS_PER_TRANSACTION = 100;
/** Hard limit on the whole run, whatever the options. */
const BUDGET_MS = 30 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Options

interface BenchOptions {
  readonly windows: number;
  readonly rounds: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  /** Pre-signed requests per connection and round; a connection cycles through its own slice. */
  readonly poolPerConnection: number;
  readonly profileServer: boolean;
  /** After the rounds, one API-only round per operation of the mix (diagnostic). */
  readonly perOperation: boolean;
}

const USAGE = `Usage: npm run bench:api -- [--rounds 5] [--seconds 10] [--warmup-seconds 5] [--connections 32]
                          [--windows 10000] [--pool-per-connection 500] [--profile-server] [--per-operation]`;

function parseOptions(argv: readonly string[]): BenchOptions {
  const args = parseBenchArgs(
    argv,
    {
      windows: '10000',
      rounds: '5',
      seconds: '10',
      'warmup-seconds': '5',
      connections: '32',
      'pool-per-connection': '500',
    },
    ['per-operation'],
    USAGE,
  );
  return {
    windows: args.whole('windows', 20, 100_000),
    rounds: args.whole('rounds', 1, 20),
    seconds: args.whole('seconds', 1, 60),
    warmupSeconds: args.whole('warmup-seconds', 0, 60),
    connections: args.whole('connections', 1, 256),
    poolPerConnection: args.whole('pool-per-connection', 1, 5000),
    profileServer: args.flag('profile-server'),
    perOperation: args.flag('per-operation'),
  };
}

// ---------------------------------------------------------------------------------------------
// Abort: Ctrl-C or the time budget stop the load and let `main` clean up.

const guard = new RunGuard();
let runningLoad: autocannon.Instance | undefined;
guard.onAbort(() => runningLoad?.stop());

function throwIfAborted(): void {
  guard.throwIfAborted();
}

// ---------------------------------------------------------------------------------------------
// Seeding

const FLEETS = [
  'web',
  'api',
  'db',
  'cache',
  'batch',
  'queue',
  'search',
  'mail',
  'auth',
  'billing',
  'edge',
  'metrics',
  'logs',
  'ci',
  'storage',
  'payments',
  'ml',
  'vpn',
  'dns',
  'backup',
] as const;
const SCHEDULES = ['cron(0 2 ? * SUN *)', 'cron(30 23 ? * MON-FRI *)', 'rate(7 days)', 'cron(15 3 ? * * *)'] as const;
const TIMEZONES = [undefined, 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo'] as const;

export interface SeededWindow {
  readonly windowId: string;
  readonly name: string;
  readonly fleet: string;
  readonly windowTargetIds: readonly string[];
  readonly windowTaskIds: readonly string[];
}

function hex(rng: () => number, digits: number): string {
  let out = '';
  for (let i = 0; i < digits; i++) {
    out += Math.floor(rng() * 16).toString(16);
  }
  return out;
}

function windowTargetsFor(fleet: string, index: number, rng: () => number): { targets: Target[]; name: string }[] {
  return [
    {
      name: `${fleet}-production`,
      targets: [
        { Key: 'tag:Environment', Values: ['production'] },
        { Key: 'tag:Role', Values: [fleet] },
      ],
    },
    {
      name: `${fleet}-staging`,
      targets: [
        { Key: 'tag:Environment', Values: ['staging'] },
        { Key: 'tag:Role', Values: [fleet] },
      ],
    },
    {
      name: `${fleet}-pinned-hosts`,
      targets: [{ Key: 'InstanceIds', Values: [0, 1, 2].map(() => `mi-${hex(rng, 17)}`) }],
    },
    { name: `${fleet}-patch-group-members`, targets: [{ Key: 'tag-key', Values: ['PatchGroup'] }] },
    {
      name: `${fleet}-rings-${index % 3}`,
      targets: [{ Key: 'tag:PatchGroup', Values: [`${fleet}-canary`, `${fleet}-ring1`] }],
    },
  ];
}

function runCommandParameters(fleet: string, k: number): { taskArn: string; parameters: TaskInvocationParameters } {
  const common = {
    TimeoutSeconds: 600,
    OutputS3BucketName: 'example-mado-command-output',
    OutputS3KeyPrefix: `maintenance/${fleet}/`,
    CloudWatchOutputConfig: { CloudWatchLogGroupName: `/mado/maintenance/${fleet}`, CloudWatchOutputEnabled: true },
    NotificationConfig: {
      NotificationArn: 'arn:aws:sns:us-east-1:123456789012:mado-maintenance',
      NotificationEvents: ['TimedOut', 'Cancelled', 'Failed'],
      NotificationType: 'Command',
    },
  };
  if (k % 2 === 0) {
    return {
      taskArn: 'AWS-RunPatchBaseline',
      parameters: {
        RunCommand: {
          Comment: `Install missing patches on ${fleet} (step ${k + 1})`,
          DocumentVersion: '$DEFAULT',
          Parameters: { Operation: ['Install'], RebootOption: ['RebootIfNeeded'] },
          ...common,
        },
      },
    };
  }
  return {
    taskArn: 'AWS-RunShellScript',
    parameters: {
      RunCommand: {
        Comment: `Drain, clean up and health-check ${fleet} (step ${k + 1})`,
        DocumentVersion: '$LATEST',
        Parameters: {
          commands: [
            'set -euo pipefail',
            `systemctl stop ${fleet}-agent || true`,
            'journalctl --vacuum-time=14d',
            'apt-get -y autoremove',
            `curl -fsS http://127.0.0.1:8080/healthz`,
          ],
          workingDirectory: ['/tmp'],
          executionTimeout: ['3600'],
        },
        ...common,
      },
    },
  };
}

/**
 * Creates `count` windows with their targets and tasks through the services layer, in
 * transactions of WINDOWS_PER_TRANSACTION windows. Returns the ids created.
 */
export async function seed(dataDir: string, count: number): Promise<SeededWindow[]> {
  const store = openDataDirStore(dataDir, systemClock, SQLITE_SYNCHRONOUS);
  const rng = seededRandom(20_240_611);
  const seeded: SeededWindow[] = [];
  try {
    for (let first = 0; first < count; first += WINDOWS_PER_TRANSACTION) {
      throwIfAborted();
      const batch = await store.transaction(async (tx) => {
        const ctx: ServiceContext = {
          store: tx,
          clock: systemClock,
          logger: silentLogger,
          quotas: {
            ...DEFAULT_QUOTAS,
            maintenanceWindows: count,
            targetsPerWindow: TARGETS_PER_WINDOW,
            tasksPerWindow: TASKS_PER_WINDOW,
          },
          accountId: '123456789012',
        };
        const services = buildServices(ctx, new KeyRing(new SecretBox(randomBytes(32))), {
          documents: new BuiltinDocumentCatalog(),
          notifier: NO_DISPATCHER,
          onlineThresholdMs: 60_000,
        });
        const created: SeededWindow[] = [];
        for (let i = first; i < Math.min(count, first + WINDOWS_PER_TRANSACTION); i++) {
          const fleet = FLEETS[i % FLEETS.length]!;
          const name = `${fleet}-patching-${String(i).padStart(5, '0')}`;
          const windowId = await services.windows.create(
            {
              name,
              description: `Weekly patching of the ${fleet} fleet, group ${i}`,
              schedule: SCHEDULES[i % SCHEDULES.length]!,
              scheduleTimezone: TIMEZONES[Math.floor(i / SCHEDULES.length) % TIMEZONES.length],
              duration: 3 + (i % 3),
              cutoff: 1,
              allowUnassociatedTargets: false,
            },
            [
              { Key: 'Team', Value: fleet },
              { Key: 'CostCenter', Value: `cc-${1000 + (i % 37)}` },
            ],
          );
          const windowTargetIds: string[] = [];
          for (const target of windowTargetsFor(fleet, i, rng)) {
            windowTargetIds.push(
              await services.targets.register(windowId, 'INSTANCE', {
                targets: target.targets,
                ownerInformation: `team-${fleet}@example.com`,
                name: target.name,
                description: `Nodes of ${fleet}: ${target.name}`,
              }),
            );
          }
          const windowTaskIds: string[] = [];
          for (let k = 0; k < TASKS_PER_WINDOW; k++) {
            const { taskArn, parameters } = runCommandParameters(fleet, k);
            windowTaskIds.push(
              await services.tasks.register(windowId, 'RUN_COMMAND', {
                taskArn,
                targets: [{ Key: 'WindowTargetIds', Values: [windowTargetIds[k % windowTargetIds.length]!] }],
                serviceRoleArn: 'arn:aws:iam::123456789012:role/MadoMaintenanceWindowRole',
                taskInvocationParameters: parameters,
                priority: k + 1,
                maxConcurrency: k % 2 === 0 ? '10%' : '5',
                maxErrors: k % 2 === 0 ? '1' : '5%',
                name: `${fleet}-step-${k + 1}`,
                description: `Step ${k + 1} of the ${fleet} maintenance`,
                cutoffBehavior: k === TASKS_PER_WINDOW - 1 ? 'CANCEL_TASK' : 'CONTINUE_TASK',
              }),
            );
          }
          created.push({ windowId, name, fleet, windowTargetIds, windowTaskIds });
        }
        return created;
      });
      seeded.push(...batch);
    }
  } finally {
    await store.close();
  }
  return seeded;
}

// ---------------------------------------------------------------------------------------------
// The request mix, signed as @aws-sdk/client-ssm signs it

interface ApiCall {
  readonly operation: string;
  readonly input: Record<string, unknown>;
}

interface MixEntry {
  readonly label: string;
  readonly weight: number;
}

/** Operation weights (out of 100); `pickCall` draws from them. */
const MIX: readonly MixEntry[] = [
  { label: 'GetMaintenanceWindow', weight: 25 },
  { label: 'GetMaintenanceWindowTask', weight: 20 },
  { label: 'DescribeMaintenanceWindowTargets', weight: 15 },
  { label: 'DescribeMaintenanceWindowTasks', weight: 15 },
  { label: 'DescribeMaintenanceWindows (first page)', weight: 15 },
  { label: 'DescribeMaintenanceWindows (Name = fleet prefix)', weight: 5 },
  { label: 'DescribeMaintenanceWindows (Name = one window)', weight: 5 },
];

function pickCall(
  rng: () => number,
  windows: readonly SeededWindow[],
  mix: readonly MixEntry[] = MIX,
): ApiCall & { label: string } {
  const window = windows[Math.floor(rng() * windows.length)]!;
  let roll = rng() * mix.reduce((sum, entry) => sum + entry.weight, 0);
  const entry = mix.find((candidate) => (roll -= candidate.weight) < 0) ?? mix[mix.length - 1]!;
  const nameFilter = (value: string) => ({ Filters: [{ Key: 'Name', Values: [value] }] });
  switch (entry.label) {
    case 'GetMaintenanceWindow':
      return { label: entry.label, operation: 'GetMaintenanceWindow', input: { WindowId: window.windowId } };
    case 'GetMaintenanceWindowTask':
      return {
        label: entry.label,
        operation: 'GetMaintenanceWindowTask',
        input: {
          WindowId: window.windowId,
          WindowTaskId: window.windowTaskIds[Math.floor(rng() * window.windowTaskIds.length)]!,
        },
      };
    case 'DescribeMaintenanceWindowTargets':
      return {
        label: entry.label,
        operation: 'DescribeMaintenanceWindowTargets',
        input: { WindowId: window.windowId },
      };
    case 'DescribeMaintenanceWindowTasks':
      return { label: entry.label, operation: 'DescribeMaintenanceWindowTasks', input: { WindowId: window.windowId } };
    case 'DescribeMaintenanceWindows (first page)':
      return { label: entry.label, operation: 'DescribeMaintenanceWindows', input: {} };
    case 'DescribeMaintenanceWindows (Name = fleet prefix)':
      return {
        label: entry.label,
        operation: 'DescribeMaintenanceWindows',
        input: nameFilter(`${window.fleet}-patching-`),
      };
    default:
      return { label: entry.label, operation: 'DescribeMaintenanceWindows', input: nameFilter(window.name) };
  }
}

/** Signs requests with the same signer, headers and defaults as @aws-sdk/client-ssm v3. */
class SdkLikeSigner {
  private readonly signer = new SignatureV4({
    service: 'ssm',
    region: REGION,
    credentials: ADMIN,
    sha256: Hash.bind(null, 'sha256'),
  });

  constructor(private readonly url: URL) {}

  async sign(call: ApiCall, onResponse?: (status: number, body: string) => void): Promise<autocannon.Request> {
    const body = JSON.stringify(call.input);
    const unsigned = new HttpRequest({
      method: 'POST',
      protocol: 'http:',
      hostname: this.url.hostname,
      port: Number(this.url.port),
      path: '/',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AmazonSSM.${call.operation}`,
        'content-length': String(Buffer.byteLength(body)),
        'x-amz-user-agent': 'aws-sdk-js/3.1169.0',
        // Not signed (the signer skips user-agent), as with the SDK.
        'user-agent': `aws-sdk-js/3.1169.0 ua/2.1 os/linux lang/js md/nodejs#${process.versions.node} api/ssm#3.1169.0 m/N,E,e`,
        host: this.url.host,
        'amz-sdk-invocation-id': randomUUID(),
        'amz-sdk-request': 'attempt=1; max=3',
      },
      body,
    });
    const signed = await this.signer.sign(unsigned);
    const headers: Record<string, string> = { ...(signed.headers as Record<string, string>) };
    // autocannon writes Content-Length itself (same value); a second one would break the request.
    delete headers['content-length'];
    return {
      method: 'POST',
      path: '/',
      headers,
      body,
      ...(onResponse === undefined
        ? {}
        : { onResponse: (status: number, responseBody: string) => onResponse(status, responseBody) }),
    };
  }
}

/** One request outside autocannon, for the pre-flight checks. */
function sendOnce(url: URL, request: autocannon.Request): Promise<{ status: number; body: string }> {
  return new Promise((resolveResponse, reject) => {
    const body = typeof request.body === 'string' ? request.body : '';
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: Number(url.port),
        method: request.method ?? 'GET',
        path: request.path ?? '/',
        headers: { ...request.headers, ...(body === '' ? {} : { 'content-length': String(Buffer.byteLength(body)) }) },
        agent: false,
        timeout: 10_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolveResponse({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('pre-flight request timed out after 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends each kind of call once and checks the answer, so that a broken mix fails before any load. */
async function preflight(url: URL, signer: SdkLikeSigner, windows: readonly SeededWindow[]): Promise<void> {
  const window = windows[Math.floor(windows.length / 2)]!;
  const checks: { call: ApiCall; expect: (output: Record<string, unknown>) => boolean; what: string }[] = [
    {
      call: { operation: 'GetMaintenanceWindow', input: { WindowId: window.windowId } },
      expect: (o) => o.WindowId === window.windowId && o.Name === window.name,
      what: 'the window',
    },
    {
      call: {
        operation: 'GetMaintenanceWindowTask',
        input: { WindowId: window.windowId, WindowTaskId: window.windowTaskIds[0] },
      },
      expect: (o) => o.WindowTaskId === window.windowTaskIds[0] && typeof o.TaskInvocationParameters === 'object',
      what: 'the task with its invocation parameters',
    },
    {
      call: { operation: 'DescribeMaintenanceWindowTargets', input: { WindowId: window.windowId } },
      expect: (o) => Array.isArray(o.Targets) && o.Targets.length === TARGETS_PER_WINDOW,
      what: `${TARGETS_PER_WINDOW} targets`,
    },
    {
      call: { operation: 'DescribeMaintenanceWindowTasks', input: { WindowId: window.windowId } },
      expect: (o) => Array.isArray(o.Tasks) && o.Tasks.length === TASKS_PER_WINDOW,
      what: `${TASKS_PER_WINDOW} tasks`,
    },
    {
      call: { operation: 'DescribeMaintenanceWindows', input: {} },
      expect: (o) =>
        Array.isArray(o.WindowIdentities) && o.WindowIdentities.length === 10 && typeof o.NextToken === 'string',
      what: 'a first page of 10 windows with a NextToken',
    },
    {
      call: { operation: 'DescribeMaintenanceWindows', input: { Filters: [{ Key: 'Name', Values: [window.name] }] } },
      expect: (o) =>
        Array.isArray(o.WindowIdentities) &&
        o.WindowIdentities.some((identity: { WindowId?: string }) => identity.WindowId === window.windowId),
      what: 'the window found by its name',
    },
  ];
  for (const check of checks) {
    const { status, body } = await sendOnce(url, await signer.sign(check.call));
    let output: Record<string, unknown> = {};
    try {
      output = JSON.parse(body) as Record<string, unknown>;
    } catch {
      // Not JSON: reported below with the raw body.
    }
    if (status !== 200 || !check.expect(output)) {
      throw new Error(
        `pre-flight ${check.call.operation} ${JSON.stringify(check.call.input)} answered ${status}, expected 200 with ${check.what}:\n${body.slice(0, 500)}`,
      );
    }
  }
  const health = await sendOnce(url, { method: 'GET', path: '/healthz' });
  if (health.status !== 200) {
    throw new Error(`pre-flight GET /healthz answered ${health.status}: ${health.body.slice(0, 200)}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Load

interface LoadFigures {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly total: number;
  readonly durationS: number;
  /** Non-2xx responses, connection errors, timeouts and body mismatches. */
  readonly failures: string[];
}

/**
 * One autocannon run of `seconds` with `connections` connections. With `amount`, the run ends
 * after that many requests instead (each connection sends exactly its slice when the slices are
 * split as autocannon splits `amount`), and `seconds` only caps it.
 */
function runLoad(
  url: URL,
  seconds: number,
  connections: number,
  requests: autocannon.Request[][] | 'healthz',
  amount?: number,
): Promise<LoadFigures> {
  throwIfAborted();
  let nextSlice = 0;
  let cap: NodeJS.Timeout | undefined;
  const options: autocannon.Options = {
    url: url.origin,
    connections,
    ...(amount === undefined ? { duration: seconds } : { amount }),
    timeout: 10,
    ...(requests === 'healthz'
      ? { requests: [{ method: 'GET', path: '/healthz' }] }
      : {
          // Each connection gets its own slice of the pre-signed pool (no deep copy per client).
          setupClient: (client: autocannon.Client) => client.setRequests(requests[nextSlice++ % requests.length]!),
        }),
  };
  return new Promise((resolveFigures, reject) => {
    const instance = autocannon(options, (error: unknown, result: autocannon.Result) => {
      runningLoad = undefined;
      clearTimeout(cap);
      if (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const failures: string[] = [];
      if (result.non2xx > 0) {
        const codes = Object.entries(result.statusCodeStats ?? {})
          .filter(([code]) => !code.startsWith('2'))
          .map(([code, stat]) => `${stat.count ?? 0}x ${code}`)
          .join(', ');
        failures.push(`${result.non2xx} non-2xx responses (${codes})`);
      }
      if (result.errors > 0) {
        failures.push(`${result.errors} connection errors, of which ${result.timeouts} timeouts`);
      }
      if (result.mismatches > 0) {
        failures.push(`${result.mismatches} body mismatches`);
      }
      if (result['2xx'] === 0) {
        failures.push('no successful response at all');
      }
      resolveFigures({
        requestsPerSecond: result.requests.average,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        total: result['2xx'],
        durationS: result.duration,
        failures,
      });
    });
    runningLoad = instance;
    if (amount !== undefined) {
      // autocannon ignores `duration` when `amount` is set: bound the run ourselves.
      cap = setTimeout(() => instance.stop(), seconds * 1000);
    }
    if (guard.isAborted) {
      instance.stop();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Report

function row(label: string, api: LoadFigures | undefined, health: LoadFigures | undefined): string {
  const cells = (figures: LoadFigures | undefined) =>
    figures === undefined
      ? `${'-'.padStart(8)} ${'-'.padStart(7)} ${'-'.padStart(7)}`
      : `${fmt(figures.requestsPerSecond).padStart(8)} ${fmt(figures.p50Ms).padStart(7)} ${fmt(figures.p99Ms).padStart(7)}`;
  const ratio =
    api !== undefined && health !== undefined && health.requestsPerSecond > 0
      ? `${fmt((100 * api.requestsPerSecond) / health.requestsPerSecond, 0)}%`
      : '-';
  return `${label.padEnd(8)} | ${cells(api)} | ${cells(health)} | ${ratio.padStart(11)}`;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  console.log('Mado API throughput benchmark');
  console.log(machineLine());
  if (!checkBuiltServer('npm run bench:api')) {
    return 1;
  }
  console.log(
    `Plan: ${fmt(options.windows)} windows x (${TARGETS_PER_WINDOW} targets + ${TASKS_PER_WINDOW} tasks); ` +
      `${options.connections} connections; warm-up ${options.warmupSeconds} s, then ${options.rounds} rounds of ${options.seconds} s ` +
      (options.profileServer ? 'on the API mix only (server under --cpu-prof)' : 'on the API mix and on GET /healthz'),
  );

  guard.start(BUDGET_MS);

  const dataDir = mkdtempSync(join(tmpdir(), 'mado-bench-'));
  const profileDir = options.profileServer ? mkdtempSync(join(tmpdir(), 'mado-bench-profile-')) : undefined;
  let server: ServerHandle | undefined;
  let failed = false;
  /** When the measured rounds ran (`performance.now()`), to cut the server profile to them. */
  const measured: MeasuredSpan = {};
  try {
    const seedStart = performance.now();
    const windows = await seed(dataDir, options.windows);
    const seedMs = performance.now() - seedStart;
    console.log(
      `Seeded ${fmt(windows.length)} windows, ${fmt(windows.length * TARGETS_PER_WINDOW)} targets, ${fmt(windows.length * TASKS_PER_WINDOW)} tasks ` +
        `through the services layer in ${fmt(seedMs / 1000, 1)} s (${fmt((windows.length * (1 + TARGETS_PER_WINDOW + TASKS_PER_WINDOW)) / (seedMs / 1000))} records/s)`,
    );
    throwIfAborted();

    server = await startMado({
      dataDir,
      profileDir,
      // Reads do not check quotas; raised so that the server's view matches the seeded store.
      env: { MADO_QUOTA_MAINTENANCE_WINDOWS: String(Math.max(options.windows, 50)) },
    });
    console.log(
      `Server: node bin/mado.js server, pid ${server.pid ?? '?'}, at ${server.url.origin} (${SERVER_SETTINGS})`,
    );
    const signer = new SdkLikeSigner(server.url);
    await preflight(server.url, signer, windows);
    console.log('Pre-flight: every operation of the mix answered 200 with the expected content.');

    const failureSamples: string[] = [];
    const onResponse = (status: number, body: string) => {
      if (status !== 200 && failureSamples.length < 3) {
        failureSamples.push(`${status}: ${body.slice(0, 300)}`);
      }
    };
    /** A fresh pool of signed requests, one slice per connection. */
    const signPool = async (round: number, mix: readonly MixEntry[] = MIX) => {
      const rng = seededRandom(1000 + round);
      const slices: autocannon.Request[][] = [];
      const counts = new Map<string, number>();
      for (let c = 0; c < options.connections; c++) {
        const slice: autocannon.Request[] = [];
        for (let i = 0; i < options.poolPerConnection; i++) {
          const call = pickCall(rng, windows, mix);
          counts.set(call.label, (counts.get(call.label) ?? 0) + 1);
          slice.push(await signer.sign(call, onResponse));
        }
        slices.push(slice);
      }
      return { slices, counts };
    };

    // Read every window once, so that the rounds measure the steady state of a server that has
    // been up for a while: a window's next start is computed on its first read and then cached
    // until it passes. The cold reads are reported, not hidden.
    const primeConnections = Math.min(options.connections, windows.length);
    const primeSlices: autocannon.Request[][] = Array.from({ length: primeConnections }, () => []);
    for (const [index, window] of windows.entries()) {
      primeSlices[index % primeConnections]!.push(
        await signer.sign({ operation: 'GetMaintenanceWindow', input: { WindowId: window.windowId } }, onResponse),
      );
    }
    const primed = await runLoad(server.url, 120, primeConnections, primeSlices, windows.length);
    if (primed.failures.length > 0) {
      throw new Error(`priming reads failed: ${primed.failures.join('; ')}; e.g. ${failureSamples.join(' | ')}`);
    }
    console.log(
      `Primed: GetMaintenanceWindow once on each of the ${fmt(windows.length)} windows (first read: next start computed) in ${fmt(primed.durationS, 1)} s: ${fmt(primed.total / Math.max(primed.durationS, 0.01))} req/s, p50 ${fmt(primed.p50Ms)} ms.`,
    );

    const rounds: { label: string; api: LoadFigures; health?: LoadFigures }[] = [];
    const totalRounds = options.rounds + (options.warmupSeconds > 0 ? 1 : 0);
    for (let index = 0; index < totalRounds; index++) {
      throwIfAborted();
      const isWarmup = options.warmupSeconds > 0 && index === 0;
      const label = isWarmup ? 'warm-up' : `round ${index + (options.warmupSeconds > 0 ? 0 : 1)}`;
      const seconds = isWarmup ? options.warmupSeconds : options.seconds;
      const signStart = performance.now();
      const pool = await signPool(index);
      if (index === 0) {
        const size = options.connections * options.poolPerConnection;
        console.log(
          `Mix (pool of ${fmt(size)} pre-signed requests per round, over random windows; signed in ${fmt(performance.now() - signStart)} ms):`,
        );
        for (const entry of MIX) {
          console.log(`  ${fmt((100 * (pool.counts.get(entry.label) ?? 0)) / size, 1).padStart(5)}%  ${entry.label}`);
        }
        console.log('');
        console.log(
          `${''.padEnd(8)} | ${'signed API mix'.padEnd(24)} | ${'GET /healthz (no auth)'.padEnd(24)} | API/healthz`,
        );
        console.log(
          `${'round'.padEnd(8)} | ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} | ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} |`,
        );
      }
      let api: LoadFigures;
      let health: LoadFigures | undefined;
      if (!isWarmup && measured.fromMs === undefined) {
        measured.fromMs = performance.now();
      }
      // Alternate the order, so that neither side always runs on a machine warmed by the other.
      if (options.profileServer) {
        api = await runLoad(server.url, seconds, options.connections, pool.slices);
      } else if (index % 2 === 0) {
        api = await runLoad(server.url, seconds, options.connections, pool.slices);
        health = await runLoad(server.url, seconds, options.connections, 'healthz');
      } else {
        health = await runLoad(server.url, seconds, options.connections, 'healthz');
        api = await runLoad(server.url, seconds, options.connections, pool.slices);
      }
      throwIfAborted();
      if (!isWarmup) {
        measured.toMs = performance.now();
      }
      console.log(row(label, api, health));
      const failures = [
        ...api.failures.map((f) => `API mix: ${f}`),
        ...(health?.failures ?? []).map((f) => `/healthz: ${f}`),
      ];
      if (failures.length > 0) {
        failed = true;
        console.error(`FAILED in ${label}:\n  ${failures.join('\n  ')}`);
        for (const sample of failureSamples) {
          console.error(`  e.g. ${sample}`);
        }
        break;
      }
      if (!isWarmup) {
        rounds.push({ label, api, health });
      }
    }

    if (!failed && rounds.length > 0) {
      const medianOf = (pick: (figures: LoadFigures) => number, side: 'api' | 'health'): number =>
        median(
          rounds
            .map((r) => r[side])
            .filter((f): f is LoadFigures => f !== undefined)
            .map(pick),
        );
      const medianFigures = (side: 'api' | 'health'): LoadFigures | undefined =>
        rounds.some((r) => r[side] !== undefined)
          ? {
              requestsPerSecond: medianOf((f) => f.requestsPerSecond, side),
              p50Ms: medianOf((f) => f.p50Ms, side),
              p99Ms: medianOf((f) => f.p99Ms, side),
              total: medianOf((f) => f.total, side),
              durationS: medianOf((f) => f.durationS, side),
              failures: [],
            }
          : undefined;
      const apiMedian = medianFigures('api')!;
      console.log(row('median', apiMedian, medianFigures('health')));
      console.log('');
      console.log(`(Latencies in whole milliseconds, autocannon's resolution. Load average now ${loadAverageText()}.)`);
      const apiTotal = rounds.reduce((sum, r) => sum + r.api.total, 0);
      console.log(
        `Signed API requests: median ${fmt(apiMedian.requestsPerSecond)} req/s over ${rounds.length} rounds (${fmt(apiTotal)} requests, all 200).`,
      );
      if (options.profileServer) {
        console.log('(Profiled run: the server ran under --cpu-prof; do not quote this figure.)');
      } else {
        const met = apiMedian.requestsPerSecond >= GOAL_REQUESTS_PER_SECOND;
        console.log(
          `Goal >= ${fmt(GOAL_REQUESTS_PER_SECOND)} req/s: ${met ? 'met' : 'NOT met'} (${fmt((100 * apiMedian.requestsPerSecond) / GOAL_REQUESTS_PER_SECOND)}% of goal).`,
        );
      }
    }

    if (!failed && options.perOperation) {
      // Diagnostic: one round per operation, each over random windows, to see which one is slow.
      console.log('');
      console.log(`Per operation (one ${options.seconds} s round each, API only; noisier than the medians above):`);
      console.log(`${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)}  operation`);
      for (const [index, entry] of MIX.entries()) {
        throwIfAborted();
        const pool = await signPool(100 + index, [entry]);
        const figures = await runLoad(server.url, options.seconds, options.connections, pool.slices);
        console.log(
          `${fmt(figures.requestsPerSecond).padStart(8)} ${fmt(figures.p50Ms).padStart(7)} ${fmt(figures.p99Ms).padStart(7)}  ${entry.label}`,
        );
        if (figures.failures.length > 0) {
          failed = true;
          console.error(`FAILED for ${entry.label}:\n  ${figures.failures.join('\n  ')}`);
          for (const sample of failureSamples) {
            console.error(`  e.g. ${sample}`);
          }
          break;
        }
      }
    }
  } catch (error) {
    failed = true;
    console.error(`Benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    if (server !== undefined && server.output().trim() !== '') {
      console.error(`Server output:\n${server.output().trim().slice(-2000)}`);
    }
  } finally {
    guard.dispose();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (
    profileDir !== undefined &&
    !printServerProfile(
      profileDir,
      server,
      measured,
      'Server CPU profile during the measured rounds (seeding, priming and warm-up excluded):',
    )
  ) {
    failed = true;
  }
  return failed ? 1 : 0;
}

await runWhenMain(import.meta.url, main);
