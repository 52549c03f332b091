/**
 * TLS and the pinned server identity (issue #10, items 1 and 2), with the real server process,
 * a real agent and a hand-made impostor:
 * - `mado server --tls` serves HTTPS with a self-signed certificate kept (0600) in the data
 *   directory and prints its fingerprint; a restart keeps the certificate.
 * - An agent registered with `--server-fingerprint` runs a command over WSS.
 * - Rotation: the next certificate is announced over the agent's connection (SIGHUP), the
 *   switch (SIGHUP) keeps the agent connected, and after a reconnect the new pin alone is kept.
 * - A man in the middle (another certificate on the agent's address) gets no HTTP request and
 *   no WebSocket, so it can send nothing to run; the agent's log says why. Registration through
 *   it fails before the activation code is sent.
 */
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateActivationCommand,
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSelfSignedCertificate } from '../../src/server/self-signed-certificate.js';
import { AgentProcess, readServerTrust as trustOf, registerAgent } from '../support/agent-process.js';
import { freePort, selfSignedCertPath, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { certificateFingerprint as fingerprintOf } from '../support/tls.js';
import { eventually } from '../support/wait.js';

async function runEcho(ssm: SSMClient, nodeId: string, text: string): Promise<string> {
  const sent = await ssm.send(
    new SendCommandCommand({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: [nodeId],
      Parameters: { commands: [`echo ${text}`] },
    }),
  );
  const done = await eventually(
    () => ssm.send(new GetCommandInvocationCommand({ CommandId: sent.Command!.CommandId!, InstanceId: nodeId })),
    (invocation) => invocation.Status === 'Success' || invocation.Status === 'Failed',
    { timeoutMs: 30_000, what: `command echo ${text}` },
  );
  expect(done.Status).toBe('Success');
  return done.StandardOutputContent ?? '';
}

const connections = (agent: AgentProcess) => agent.output().split('connected to the server').length - 1;

describe('TLS with a pinned server certificate', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'mado-tls-'));
  const dataDir = join(scratch, 'data');
  const nextCertPath = join(scratch, 'next-cert.pem');
  let port: number;
  let server: ServerProcess;
  let ssm: SSMClient;
  let agent: AgentProcess;
  let activation: { id: string; code: string };

  const start = async () => {
    server = await startServerProcess({
      tls: true,
      dataDir,
      port,
      args: ['--tls-next-cert', nextCertPath],
      env: { MADO_AGENT_HEARTBEAT_SECONDS: '1' },
    });
    ssm = server.client();
  };

  beforeAll(async () => {
    port = await freePort();
    await start();
    const created = await ssm.send(new CreateActivationCommand({ IamRole: 'MadoNode', RegistrationLimit: 5 }));
    activation = { id: created.ActivationId!, code: created.ActivationCode! };
  }, 60_000);

  afterAll(async () => {
    await agent?.dispose();
    await server?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('serves HTTPS with a self-signed certificate kept 0600 in the data directory, fingerprint in the banner', async () => {
    expect(server.url).toBe(`https://127.0.0.1:${port}`);
    const pem = readFileSync(selfSignedCertPath(dataDir), 'utf8');
    expect(server.fingerprint).toBe(fingerprintOf(pem));
    expect(server.output()).toContain(`Fingerprint:     ${server.fingerprint}`);
    for (const file of ['cert.pem', 'key.pem']) {
      expect(statSync(join(dataDir, 'tls', file)).mode & 0o777).toBe(0o600);
    }
    const certificate = new X509Certificate(pem);
    expect(certificate.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(certificate.subjectAltName).toContain('DNS:localhost');
    expect(certificate.publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    // The API answers over HTTPS to a client that trusts the certificate.
    expect((await ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList).toEqual([]);
    // A restart keeps the certificate.
    const before = server.fingerprint;
    await server.stop();
    await start();
    expect(server.fingerprint).toBe(before);
  }, 60_000);

  it('an agent registered with the fingerprint runs a command over WSS', async () => {
    const registered = await registerAgent({
      serverUrl: server.url,
      activationId: activation.id,
      activationCode: activation.code,
      serverFingerprint: server.fingerprint!,
    });
    expect(trustOf(registered.stateDir)).toEqual({ pins: [server.fingerprint], insecureHttp: false });
    agent = new AgentProcess(registered);
    agent.start();
    await eventually(
      () => ssm.send(new DescribeInstanceInformationCommand({})),
      (page) => page.InstanceInformationList?.[0]?.PingStatus === 'Online',
      { what: 'the agent online' },
    );
    expect(await runEcho(ssm, registered.nodeId, 'over-wss')).toContain('over-wss');
  }, 60_000);

  it('rotation: the next certificate is announced, the switch keeps the agent connected, the new pin works', async () => {
    const oldPin = server.fingerprint!;
    const next = buildSelfSignedCertificate(['localhost', '127.0.0.1'], new Date());
    const nextPin = fingerprintOf(next.cert);
    writeFileSync(nextCertPath, next.cert, { mode: 0o600 });
    server.process.kill('SIGHUP');
    await eventually(
      async () => trustOf(agent.agent.stateDir).pins,
      (pins) => pins.length === 2,
      { what: 'the announced pin stored by the agent' },
    );
    expect(trustOf(agent.agent.stateDir).pins).toEqual([oldPin, nextPin]);

    // The switch: the next pair moves into place, SIGHUP; the agent's connection stays.
    const connectedBefore = connections(agent);
    writeFileSync(join(scratch, 'next-key.pem'), next.key, { mode: 0o600 });
    copyFileSync(join(scratch, 'next-key.pem'), join(dataDir, 'tls', 'key.pem'));
    copyFileSync(nextCertPath, selfSignedCertPath(dataDir));
    server.process.kill('SIGHUP');
    // A client that trusts only the new certificate gets answers once the server switched.
    const fresh = server.client();
    await eventually(
      () => fresh.send(new DescribeInstanceInformationCommand({})),
      () => true,
      { what: 'the server to serve the new certificate' },
    );
    expect(await runEcho(fresh, agent.agent.nodeId, 'after-switch')).toContain('after-switch');
    expect(connections(agent)).toBe(connectedBefore);

    // A new connection sees the new certificate: the announced pin is accepted, the old dropped.
    await server.stop();
    await start();
    expect(server.fingerprint).toBe(nextPin);
    await eventually(
      async () => trustOf(agent.agent.stateDir).pins,
      (pins) => pins.length === 1 && pins[0] === nextPin,
      { timeoutMs: 30_000, what: 'the agent to keep only the new pin' },
    );
    expect(await runEcho(ssm, agent.agent.nodeId, 'new-pin')).toContain('new-pin');
  }, 120_000);

  it('a man in the middle with another certificate gets no connection and runs nothing', async () => {
    await server.stop();
    const impostorCert = buildSelfSignedCertificate(['localhost', '127.0.0.1'], new Date());
    const seen = { connections: 0, requests: 0, upgrades: 0 };
    const impostor: HttpsServer = createHttpsServer({ cert: impostorCert.cert, key: impostorCert.key }, (_q, reply) => {
      seen.requests += 1;
      reply.end('{}');
    });
    impostor.on('connection', () => (seen.connections += 1));
    impostor.on('upgrade', (_request, socket) => {
      seen.upgrades += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => impostor.listen(port, '127.0.0.1', resolve));
    try {
      await eventually(
        async () => agent.output(),
        (output) => output.includes(`presented a certificate with fingerprint ${fingerprintOf(impostorCert.cert)}`),
        { timeoutMs: 30_000, what: 'the agent to refuse the impostor' },
      );
      expect(seen.connections).toBeGreaterThan(0);
      // Registration through the impostor fails before the activation code is sent.
      await expect(
        registerAgent({
          serverUrl: `https://127.0.0.1:${port}`,
          activationId: activation.id,
          activationCode: activation.code,
          serverFingerprint: trustOf(agent.agent.stateDir).pins[0]!,
        }),
      ).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('not the pinned') });
      expect(seen).toMatchObject({ requests: 0, upgrades: 0 });
      expect(agent.output()).toContain('refusing the server');
    } finally {
      await new Promise<void>((resolve) => {
        impostor.closeAllConnections();
        impostor.close(() => resolve());
      });
    }
  }, 60_000);
});
