/**
 * The end of the story (SCENARIO.md step 6), checked: every node reports the new management
 * agent (and is Online on it), its inventory shows the new metrics-agent, whose daemon runs and
 * reports the new version on the configuration the operator wrote, unchanged; and the window's
 * history says SUCCESS at every level. Returns the problems found (none: the story is told).
 */
import { readFileSync } from 'node:fs';
import { DescribeInstanceInformationCommand, ListInventoryEntriesCommand } from '@aws-sdk/client-ssm';
import { VERSIONS, waitFor, type Demo, type DemoNode } from './context.js';
import { isRunning } from './processes.js';
import { daemonStatus, sha256 } from './setup.js';
import type { ExecutionRecord } from './watch.js';

/** How long the nodes may take to show their final state once the execution ended. */
const SETTLE_MS = 20_000;

interface NodeState {
  agentVersion: string;
  ping: string;
  isLatest: boolean;
  packageVersion: string;
  daemon: string;
  config: string;
  problems: string[];
}

async function stateOf(demo: Demo, node: DemoNode): Promise<NodeState> {
  const options = { abortSignal: demo.guard.signal };
  const page = await demo.ssm.send(
    new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [node.nodeId] }] }),
    options,
  );
  const info = page.InstanceInformationList?.[0];
  const inventory = await demo.ssm.send(
    new ListInventoryEntriesCommand({ InstanceId: node.nodeId, TypeName: 'AWS:Application' }),
    options,
  );
  const entry = inventory.Entries?.find((candidate) => candidate.Name === VERSIONS.packageName);
  const status = daemonStatus(node);
  let configNow: string | undefined;
  try {
    configNow = readFileSync(node.configFile, 'utf8');
  } catch {
    configNow = undefined;
  }
  const problems: string[] = [];
  if (info?.AgentVersion !== VERSIONS.agentNew) {
    problems.push(`reports mado-agent ${info?.AgentVersion ?? '(unknown)'}, not ${VERSIONS.agentNew}`);
  }
  if (info?.PingStatus !== 'Online') {
    problems.push(`is ${info?.PingStatus ?? 'unknown'}, not Online`);
  }
  if (entry?.Version !== VERSIONS.packageNew) {
    problems.push(
      `its inventory shows ${VERSIONS.packageName} ${entry?.Version ?? '(none)'}, not ${VERSIONS.packageNew}`,
    );
  }
  if (status === undefined || !isRunning(status.pid)) {
    problems.push(`the ${VERSIONS.packageName} daemon does not run`);
  } else if (status.version !== VERSIONS.packageNew) {
    problems.push(`the ${VERSIONS.packageName} daemon runs ${status.version}, not ${VERSIONS.packageNew}`);
  }
  if (configNow !== node.configText) {
    problems.push(`the configuration ${node.configFile} ${configNow === undefined ? 'is gone' : 'changed'}`);
  } else if (status !== undefined && status.configSha256 !== sha256(node.configText)) {
    problems.push(`the daemon does not run on the operator's configuration (sha256 ${status.configSha256})`);
  }
  return {
    agentVersion: info?.AgentVersion ?? '?',
    ping: info?.PingStatus ?? '?',
    isLatest: info?.IsLatestVersion === true,
    packageVersion: entry?.Version ?? '-',
    daemon: status === undefined ? 'not running' : `${status.version}, pid ${status.pid}`,
    config:
      configNow === node.configText
        ? `unchanged (sha256 ${sha256(configNow).slice(0, 12)})`
        : configNow === undefined
          ? 'missing'
          : 'CHANGED',
    problems,
  };
}

/** Prints the final versions on each node; returns every problem (empty when all is well). */
export async function verifyFinalState(
  demo: Demo,
  nodes: readonly DemoNode[],
  record: ExecutionRecord,
): Promise<string[]> {
  const problems: string[] = [];
  if (record.status !== 'SUCCESS') {
    problems.push(
      `the window's execution ended ${record.status}${record.statusDetails ? ` (${record.statusDetails})` : ''}`,
    );
  }
  for (const task of record.tasks.filter((candidate) => candidate.status !== 'SUCCESS')) {
    problems.push(`task ${task.document} ended ${task.status}`);
  }
  for (const invocation of record.invocations.filter((candidate) => candidate.status !== 'SUCCESS')) {
    problems.push(`${invocation.node}: ${invocation.document} ended ${invocation.status}`);
  }
  if (record.tasks.length !== 2 || record.invocations.length !== 2 * nodes.length) {
    problems.push(
      `the history has ${record.tasks.length} tasks and ${record.invocations.length} invocations, not 2 and ${2 * nodes.length}`,
    );
  }

  // The node reconnects on the new agent and reports its inventory within moments of the
  // execution's end; give it SETTLE_MS before calling it a failure.
  const states = await Promise.all(
    nodes.map(async (node) => {
      try {
        return await waitFor(
          demo,
          `${node.name} to show its final state`,
          () => stateOf(demo, node),
          (state) => state.problems.length === 0,
          { timeoutMs: SETTLE_MS, intervalMs: 500 },
        );
      } catch {
        // Timed out (or stopped): report what the node shows now.
        demo.guard.throwIfStopped();
        return stateOf(demo, node);
      }
    }),
  );
  demo.say.table([
    ['node', 'node id', 'mado-agent', 'latest', VERSIONS.packageName, 'daemon', 'configuration'],
    ...nodes.map((node, index) => {
      const state = states[index]!;
      return [
        node.name,
        node.nodeId,
        `${state.agentVersion} (${state.ping})`,
        state.isLatest ? 'yes' : 'no',
        state.packageVersion,
        state.daemon,
        state.config,
      ];
    }),
  ]);
  nodes.forEach((node, index) => problems.push(...states[index]!.problems.map((problem) => `${node.name} ${problem}`)));
  return problems;
}
