/**
 * A fleet of real agent processes for end-to-end tests: registered through a real activation
 * (each with its own state directory and tags, pinning the server's certificate over HTTPS),
 * started, and awaited Online.
 */
import { CreateActivationCommand, DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import { AgentProcess, registerAgent } from './agent-process.js';
import type { ServerProcess } from './server-process.js';
import { eventually } from './wait.js';

export interface Fleet {
  readonly agents: readonly AgentProcess[];
  /** Node ids, in the order of `tags`. */
  readonly nodeIds: readonly string[];
  dispose(): Promise<void>;
}

/** One agent per entry of `tags`, registered with those tags, running and Online. */
export async function startFleet(
  server: ServerProcess,
  tags: readonly Readonly<Record<string, string>>[],
  options: { readonly name?: string; readonly bundle?: string } = {},
): Promise<Fleet> {
  const ssm = server.client();
  const activation = await ssm.send(
    new CreateActivationCommand({
      IamRole: 'MadoNode',
      RegistrationLimit: tags.length,
      DefaultInstanceName: options.name ?? 'fleet',
    }),
  );
  const agents: AgentProcess[] = [];
  for (const nodeTags of tags) {
    const registered = await registerAgent({
      serverUrl: server.url,
      activationId: activation.ActivationId!,
      activationCode: activation.ActivationCode!,
      tags: nodeTags,
      ...(server.fingerprint === undefined ? {} : { serverFingerprint: server.fingerprint }),
    });
    const agent = new AgentProcess(registered, options.bundle === undefined ? {} : { bundle: options.bundle });
    agent.start();
    agents.push(agent);
  }
  const nodeIds = agents.map((agent) => agent.agent.nodeId);
  await eventually(
    () => ssm.send(new DescribeInstanceInformationCommand({})),
    (page) =>
      nodeIds.every((nodeId) =>
        (page.InstanceInformationList ?? []).some((node) => node.InstanceId === nodeId && node.PingStatus === 'Online'),
      ),
    { what: `${nodeIds.length} agents online`, timeoutMs: 60_000 },
  );
  return {
    agents,
    nodeIds,
    dispose: async () => {
      await Promise.all(agents.map((agent) => agent.dispose()));
    },
  };
}
