/**
 * `npm run demo`: the story of SCENARIO.md, told by a real Mado on this machine.
 *
 * It starts a server and three local agents (each with its own state directory and tags),
 * publishes an old and a new agent release and two versions of the sample metrics-agent package
 * (examples/packages/metrics-agent), installs the old versions (the nodes run the old agent; the
 * old package goes on a configuration the operator wrote), creates the scenario's maintenance
 * window (due a minute ahead; AWS-UpdateSSMAgent and AWS-ConfigureAWSPackage "Uninstall and
 * reinstall", both at priority 1) and prints what happens, step by step, then the final
 * versions on each node.
 *
 * Steps, in order (scripts/demo/ holds one module per part):
 *  1. server      `mado server` on 127.0.0.1 with a generated admin key (setup.ts)
 *  2. store       two agent bundles built with scripts/build-agent.mjs and published with
 *                 `mado releases publish`; metrics-agent 1.0.0 and 2.0.0 with `mado packages publish`
 *  3. nodes       CreateActivation, `agent register` and `agent run` from the old bundle
 *  4. old package the operator's TOML configuration, then AWS-ConfigureAWSPackage 1.0.0
 *  5. window      window, target (instance ids), two tasks (window.ts)
 *  6. run         countdown, then every change of the execution, tasks, invocations, nodes (watch.ts)
 *  7. history     each invocation's status and the line of output that tells what happened
 *  8. end         versions, daemon and configuration on each node, checked (verify.ts)
 *
 * Exit codes: 0 every node reached the new versions with its configuration intact; 1 it did not,
 * or a step failed or timed out (the reason is printed); 2 bad options; 130/143/129 stopped by
 * SIGINT/SIGTERM/SIGHUP. The whole run is bounded (`--due-in` + RUN_BUDGET_AFTER_DUE_MS); every
 * wait inside it is bounded too. Whatever happens, the processes it started are stopped
 * (processes.ts) and its temporary directory removed, unless --keep-running, which keeps both
 * up after the story, for exploring, until Ctrl-C (then the directory stays for inspection).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SSMClient } from '@aws-sdk/client-ssm';
import { VERSIONS, type Credentials, type Demo } from './demo/context.js';
import { DemoGuard, DemoStopped } from './demo/guard.js';
import { DemoProcesses } from './demo/processes.js';
import { duration, Narrator } from './demo/say.js';
import {
  installOldPackage,
  NODES,
  publishAgentReleases,
  publishPackages,
  startNodes,
  startServer,
} from './demo/setup.js';
import { verifyFinalState } from './demo/verify.js';
import { printHistory, printNodeOutput, watchWindow } from './demo/watch.js';
import { createScenarioWindow } from './demo/window.js';

const REGION = 'us-east-1';
/** Time for everything but the wait for the due time: setup, the run, the checks. */
const RUN_BUDGET_AFTER_DUE_MS = 120_000;

const USAGE = `Usage: npm run demo [-- OPTIONS]   (or: node --import tsx scripts/demo.ts [OPTIONS])

Tells the story of a maintenance window that updates the management agent (AWS-UpdateSSMAgent)
and a metrics agent (AWS-ConfigureAWSPackage) on three servers, with a local Mado server and three
local agents, and checks that every node ends on the new versions with its configuration intact.

Options:
  --keep-running     leave the server and the agents running after the story, for exploring
                     (prints the API URL, credentials and example commands); Ctrl-C stops them
  --due-in SECONDS   how far ahead the window is scheduled (default 60, 10 to 600)
  --port PORT        the server's port (default 0: any free port)
  --help             show this help

The window's time zone is this machine's (set TZ to choose another, e.g. TZ=Asia/Tokyo).`;

interface Options {
  readonly keepRunning: boolean;
  readonly dueInSeconds: number;
  readonly port: number;
}

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'keep-running': { type: 'boolean', default: false },
      'due-in': { type: 'string', default: '60' },
      port: { type: 'string', default: '0' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const whole = (name: string, text: string, min: number, max: number) => {
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      throw new Error(`--${name} must be a whole number from ${min} to ${max}; got "${text}".`);
    }
    return Number(text);
  };
  return {
    keepRunning: values['keep-running'],
    dueInSeconds: whole('due-in', values['due-in'], 10, 600),
    port: whole('port', values.port, 0, 65_535),
  };
}

/** A fresh admin key for this run (the server creates it at start). */
function generateCredentials(): Credentials {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const id = [...randomBytes(16)].map((byte) => alphabet[byte % alphabet.length]).join('');
  return { accessKeyId: `AKIA${id}`, secretAccessKey: randomBytes(30).toString('base64url') };
}

function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

async function main(argv: readonly string[]): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  // A closed pipe on our output (`npm run demo | head`) must not skip the cleanup.
  process.stdout.on('error', () => undefined);
  // The SDK warns that its releases after January 2027 need Node 22; the project targets Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  const startedAt = Date.now();
  const guard = new DemoGuard();
  guard.start(options.dueInSeconds * 1000 + RUN_BUDGET_AFTER_DUE_MS);
  const say = new Narrator(localTimeZone());
  const root = mkdtempSync(join(tmpdir(), 'mado-demo-'));
  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? root,
    LANG: process.env.LANG ?? 'C.UTF-8',
    ...(process.env.TMPDIR === undefined ? {} : { TMPDIR: process.env.TMPDIR }),
  };
  const processes = new DemoProcesses(root, childEnv);
  const credentials = generateCredentials();
  let ssm: SSMClient | undefined;
  let exitCode: number;

  console.log('Mado demo: a maintenance window keeps two agents current on every server, on this machine.');
  console.log(
    `A server and ${NODES.length} nodes run under ${root}; a window ${options.dueInSeconds} s ahead updates the management agent` +
      ` (${VERSIONS.agentOld} → ${VERSIONS.agentNew}) and ${VERSIONS.packageName} (${VERSIONS.packageOld} → ${VERSIONS.packageNew})` +
      ' on every node. Ctrl-C stops it all.',
  );
  try {
    say.step('Start the control plane');
    guard.enter('starting the server');
    const { url, consoleUrl, server } = await startServer(guard, processes, { port: options.port, credentials });
    ssm = new SSMClient({ endpoint: url, region: REGION, credentials, maxAttempts: 3 });
    const demo: Demo = { guard, say, processes, root, url, consoleUrl, credentials, ssm, childEnv };
    say.line(`mado server: ${url} (pid ${server.pid}), data in ${join(root, 'server')}`);
    if (consoleUrl !== undefined) {
      say.line(`web console: ${consoleUrl}`);
    }

    say.step('Publish an old and a new agent release, and two versions of the metrics agent');
    guard.enter('publishing agent releases');
    const oldBundle = await publishAgentReleases(demo);
    guard.enter('publishing packages');
    await publishPackages(demo);

    say.step(`Start ${NODES.length} nodes on the old management agent (${VERSIONS.agentOld})`);
    guard.enter('starting the nodes');
    const nodes = await startNodes(demo, oldBundle);

    say.step(
      `Install the old metrics agent (${VERSIONS.packageName} ${VERSIONS.packageOld}) on the operator's configuration`,
    );
    guard.enter(`installing ${VERSIONS.packageName} ${VERSIONS.packageOld}`);
    await installOldPackage(demo, nodes);

    say.step('Create the maintenance window');
    guard.enter('creating the window');
    const window = await createScenarioWindow(demo, nodes, options.dueInSeconds);

    say.step('Wait for the window, and watch it run');
    guard.enter('waiting for the window to run');
    const record = await watchWindow(demo, nodes, window);

    say.step("The window's history");
    guard.enter("reading the window's history");
    await printHistory(demo, record);
    say.step(`What ${nodes[0]!.name} printed`);
    await printNodeOutput(demo, record, nodes[0]!);

    say.step('Final versions on each node');
    guard.enter('checking the final versions');
    const problems = await verifyFinalState(demo, nodes, record);
    console.log('');
    if (problems.length === 0) {
      console.log(
        `Done in ${duration(Date.now() - startedAt)}: every node runs mado-agent ${VERSIONS.agentNew} and` +
          ` ${VERSIONS.packageName} ${VERSIONS.packageNew} on its unchanged configuration.`,
      );
      exitCode = 0;
    } else {
      console.error(`The story did not end well (after ${duration(Date.now() - startedAt)}):`);
      for (const problem of problems) {
        console.error(`  - ${problem}`);
      }
      exitCode = 1;
    }

    if (options.keepRunning) {
      guard.disarmBudget();
      guard.enter('keeping everything running');
      printExploreHelp(demo, window.windowId, nodes[0]!.nodeId);
      // Also keeps the event loop alive while the demo waits for a signal.
      const watchdog = setInterval(() => {
        const gone = [server, ...nodes.map((node) => node.agent)].find((managed) => managed.hasExited());
        if (gone !== undefined) {
          guard.fail(`${gone.name} (pid ${gone.pid}) stopped by itself; see ${gone.logFile}`);
        }
      }, 1_000);
      const stopped = await guard.untilStopped();
      clearInterval(watchdog);
      if (stopped.signal === undefined) {
        console.error(`\nStopped: ${stopped.message}`);
        exitCode = stopped.exitCode;
      }
    }
  } catch (error) {
    // A request or a child process aborted by the stop signal fails with its own error: the
    // guard's reason is the one to tell.
    const stopped = error instanceof DemoStopped ? error : guard.signal.aborted ? guard.reason() : undefined;
    if (stopped !== undefined) {
      console.error(`\nStopped: ${stopped.message}`);
      exitCode = stopped.exitCode;
    } else {
      console.error(`\nThe demo failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      exitCode = 1;
    }
  } finally {
    ssm?.destroy();
    guard.disarmBudget();
    console.log('\nStopping the demo…');
    const report = await processes.stopAll();
    if (report.stopped.length > 0) {
      console.log(`Stopped: ${report.stopped.join(', ')}.`);
    }
    if (report.killed.length > 0) {
      console.log(`Killed: ${report.killed.join(', ')}.`);
    }
    if (options.keepRunning) {
      console.log(`Kept ${root} (logs/, server/, nodes/) for inspection.`);
    } else {
      rmSync(root, { recursive: true, force: true, maxRetries: 3 });
      console.log(`Removed ${root}.`);
    }
  }
  return exitCode;
}

function printExploreHelp(demo: Demo, windowId: string, nodeId: string): void {
  const { url, credentials } = demo;
  const endpoint = `--endpoint-url ${url} --region ${REGION}`;
  const lines = [
    '',
    'Everything keeps running for you to explore; Ctrl-C (or SIGTERM) stops it all.',
    `  API:          ${url}  (SigV4, any region; ${REGION} in ARNs)`,
    ...(demo.consoleUrl === undefined ? [] : [`  Console:      ${demo.consoleUrl}`]),
    `  Credentials:  export AWS_ACCESS_KEY_ID=${credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${credentials.secretAccessKey}`,
    '                (the mado command reads these too, or MADO_ACCESS_KEY_ID / MADO_SECRET_ACCESS_KEY)',
    `  Try:          aws ssm describe-maintenance-window-executions --window-id ${windowId} ${endpoint}`,
    `                aws ssm describe-instance-information ${endpoint}`,
    `                aws ssm list-inventory-entries --instance-id ${nodeId} --type-name AWS:Application ${endpoint}`,
    `                npx mado inventory --endpoint-url ${url}`,
    `  Processes:    ${demo.processes
      .list()
      .map(({ name, pid }) => `${name} ${pid}`)
      .join(', ')}`,
    `  Files:        ${demo.root} (logs/, server/, nodes/<name>/)`,
  ];
  console.log(lines.join('\n'));
}

process.exit(await main(process.argv.slice(2)));
