/**
 * The scenario's maintenance window (SCENARIO.md, steps 1-4): unregistered targets allowed, a
 * one-time schedule `dueInSeconds` ahead in the operator's time zone, no cutoff; the nodes
 * registered as a target by instance id; AWS-UpdateSSMAgent and AWS-ConfigureAWSPackage, both
 * at priority 1, so they run in parallel.
 */
import { randomUUID } from 'node:crypto';
import {
  CreateMaintenanceWindowCommand,
  GetMaintenanceWindowCommand,
  RegisterTargetWithMaintenanceWindowCommand,
  RegisterTaskWithMaintenanceWindowCommand,
} from '@aws-sdk/client-ssm';
import { DateTime } from 'luxon';
import { VERSIONS, type Demo, type DemoNode } from './context.js';

export interface ScenarioWindow {
  readonly windowId: string;
  readonly windowTargetId: string;
  /** Window task id → document name. */
  readonly tasks: ReadonlyMap<string, string>;
  readonly dueAt: Date;
}

/** The story's task parameters (SCENARIO.md steps 3 and 4). */
export const UPDATE_AGENT_PARAMETERS = { version: [''], allowDowngrade: ['false'] };
export const CONFIGURE_PACKAGE_PARAMETERS = {
  action: ['Install'],
  installationType: ['Uninstall and reinstall'],
  name: [VERSIONS.packageName],
  version: [''],
  additionalArguments: ['{}'],
};

export async function createScenarioWindow(
  demo: Demo,
  nodes: readonly DemoNode[],
  dueInSeconds: number,
): Promise<ScenarioWindow> {
  const { ssm, say, guard } = demo;
  const options = { abortSignal: guard.signal };
  // A whole second, at least `dueInSeconds` from now, as the wall time of the operator's zone.
  const dueAt = new Date(Math.ceil((Date.now() + dueInSeconds * 1000) / 1000) * 1000);
  const zone = say.timeZone;
  const schedule = `at(${DateTime.fromJSDate(dueAt, { zone }).toFormat("yyyy-LL-dd'T'HH:mm:ss")})`;
  const { WindowId: windowId } = await ssm.send(
    new CreateMaintenanceWindowCommand({
      Name: 'agent-updates',
      Description: 'Update the management agent and the metrics agent on every server',
      Schedule: schedule,
      ScheduleTimezone: zone,
      Duration: 2,
      Cutoff: 0,
      AllowUnassociatedTargets: true,
      ClientToken: randomUUID(),
    }),
    options,
  );
  say.line(`Window ${windowId} "agent-updates": schedule ${schedule} ${zone}, duration 2 h, cutoff 0 h,`);
  say.line('  unregistered targets allowed.');

  const { WindowTargetId: windowTargetId } = await ssm.send(
    new RegisterTargetWithMaintenanceWindowCommand({
      WindowId: windowId,
      ResourceType: 'INSTANCE',
      Targets: [{ Key: 'InstanceIds', Values: nodes.map((node) => node.nodeId) }],
      Name: 'demo-servers',
      OwnerInformation: 'demo operator',
    }),
    options,
  );
  say.line(
    `Target ${windowTargetId}: ${nodes.length} nodes by instance id (${nodes.map((node) => node.name).join(', ')}).`,
  );

  const tasks = new Map<string, string>();
  const register = async (name: string, document: string, parameters: Record<string, string[]>, shown: string) => {
    const { WindowTaskId } = await ssm.send(
      new RegisterTaskWithMaintenanceWindowCommand({
        WindowId: windowId,
        Name: name,
        TaskType: 'RUN_COMMAND',
        TaskArn: document,
        Priority: 1,
        Targets: [{ Key: 'WindowTargetIds', Values: [windowTargetId!] }],
        MaxConcurrency: String(nodes.length),
        MaxErrors: '0',
        CutoffBehavior: 'CANCEL_TASK',
        TaskInvocationParameters: { RunCommand: { Parameters: parameters, TimeoutSeconds: 600 } },
      }),
      options,
    );
    tasks.set(WindowTaskId!, document);
    say.line(`Task ${WindowTaskId}: ${document}, priority 1, ${shown}, timeout 600 s.`);
  };
  await register(
    'update-management-agent',
    'AWS-UpdateSSMAgent',
    UPDATE_AGENT_PARAMETERS,
    'version blank (latest), allowDowngrade false',
  );
  await register(
    'update-metrics-agent',
    'AWS-ConfigureAWSPackage',
    CONFIGURE_PACKAGE_PARAMETERS,
    `Install "Uninstall and reinstall" ${VERSIONS.packageName}, version blank (latest), additionalArguments {}`,
  );

  const window = await ssm.send(new GetMaintenanceWindowCommand({ WindowId: windowId }), options);
  say.line(
    `Due at ${say.time(dueAt)} ${zone}${zone === 'UTC' ? '' : ` (${dueAt.toISOString().slice(11, 19)} UTC)`},` +
      ` in ${Math.round((dueAt.getTime() - Date.now()) / 1000)} s;` +
      ` the server's NextExecutionTime: ${window.NextExecutionTime ?? '(none)'}.`,
  );
  return { windowId: windowId!, windowTargetId: windowTargetId!, tasks, dueAt };
}
