/**
 * Mado.GetCommandInvocationOutput and `mado commands output` against the real server and a real
 * agent: output longer than GetCommandInvocation's 24,000 characters comes back whole, output
 * past the server's cap (MADO_OUTPUT_CAP_BYTES) is flagged as cut, the output so far is shown
 * while a step runs (agents report it about once a second), and the errors are
 * GetCommandInvocation's.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type Fleet } from '../support/fleet.js';
import { callRaw } from '../support/raw-client.js';
import { MADO_BIN, REPO_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { eventually } from '../support/wait.js';

const run = promisify(execFile);
const CAP_BYTES = 100_000;
const TERMINAL = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

/** 1,200 numbered lines of 45 characters (54,000 characters), then a last line. */
const LONG_SCRIPT = "seq -f 'output line %05g ...............................' 1 1200; echo THE-LAST-LINE";
const LONG_LINES = 1200;

interface OutputWire {
  readonly CommandId: string;
  readonly InstanceId: string;
  readonly PluginName: string;
  readonly Status: string;
  readonly ResponseCode: number;
  readonly StandardOutputContent: string;
  readonly StandardErrorContent: string;
  readonly StandardOutputCapped: boolean;
  readonly StandardErrorCapped: boolean;
  readonly OutputCapBytes: number;
  readonly Complete: boolean;
}

function withoutEndpoint(env: Record<string, string>): Record<string, string> {
  const { MADO_ENDPOINT_URL: _endpoint, ...rest } = env;
  return rest;
}

describe('the full output of a command', () => {
  let server: ServerProcess;
  let ssm: SSMClient;
  let fleet: Fleet;
  let node: string;

  beforeAll(async () => {
    server = await startServerProcess({ env: { MADO_OUTPUT_CAP_BYTES: String(CAP_BYTES) } });
    ssm = server.client();
    fleet = await startFleet(server, [{ Env: 'output' }], { name: 'output' });
    node = fleet.nodeIds[0]!;
  }, 120_000);

  afterAll(async () => {
    await fleet?.dispose();
    await server?.dispose();
  });

  async function runScript(commands: string[]): Promise<string> {
    const { Command: sent } = await ssm.send(
      new SendCommandCommand({ DocumentName: 'AWS-RunShellScript', InstanceIds: [node], Parameters: { commands } }),
    );
    await eventually(
      () => ssm.send(new ListCommandsCommand({ CommandId: sent!.CommandId })),
      (page) => TERMINAL.has(page.Commands?.[0]?.Status ?? ''),
      { what: `command ${sent!.CommandId} to finish`, timeoutMs: 60_000 },
    );
    return sent!.CommandId!;
  }

  async function output(input: Record<string, unknown>) {
    return callRaw(server, 'Mado.GetCommandInvocationOutput', input);
  }

  it('returns output longer than 24,000 characters whole, where GetCommandInvocation cuts it', async () => {
    const commandId = await runScript([LONG_SCRIPT, 'echo to-stderr >&2']);
    const truncated = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: node }));
    expect(truncated.StandardOutputContent!.length).toBe(24_000);
    expect(truncated.StandardOutputContent).not.toContain('THE-LAST-LINE');

    const response = await output({ CommandId: commandId, InstanceId: node });
    expect(response.status).toBe(200);
    const body = response.body as unknown as OutputWire;
    expect(body).toMatchObject({
      CommandId: commandId,
      InstanceId: node,
      PluginName: 'aws:runShellScript',
      Status: 'Success',
      ResponseCode: 0,
      StandardErrorContent: 'to-stderr\n',
      StandardOutputCapped: false,
      StandardErrorCapped: false,
      OutputCapBytes: CAP_BYTES,
    });
    const lines = body.StandardOutputContent.split('\n');
    expect(body.StandardOutputContent.length).toBeGreaterThan(50_000);
    expect(lines.filter((line) => line.startsWith('output line '))).toHaveLength(LONG_LINES);
    expect(lines.at(-2)).toBe('THE-LAST-LINE');
    expect(body.StandardOutputContent.startsWith(truncated.StandardOutputContent!)).toBe(true);

    // The same with the step named.
    const named = await output({ CommandId: commandId, InstanceId: node, PluginName: 'aws:runShellScript' });
    expect((named.body as unknown as OutputWire).StandardOutputContent).toBe(body.StandardOutputContent);

    // `mado commands output` prints it as it is: stdout to stdout, stderr to stderr.
    const cli = await run(
      process.execPath,
      [MADO_BIN, 'commands', 'output', commandId, node, '--endpoint-url', server.url],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          // The flag names the endpoint; the environment only the key and the certificate.
          ...withoutEndpoint(server.cliEnv()),
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    expect(cli.stdout).toBe(body.StandardOutputContent);
    expect(cli.stderr).toBe('to-stderr\n');
    const step = await run(
      process.execPath,
      [MADO_BIN, 'commands', 'output', commandId, node, '--step', 'aws:runShellScript', '--json'],
      {
        cwd: REPO_ROOT,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          ...server.cliEnv(),
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    expect(JSON.parse(step.stdout)).toMatchObject({ StandardOutputContent: body.StandardOutputContent });
  });

  it('says when the output reached the server cap', async () => {
    // 3,000 lines of 50 characters: 150,000 bytes, past the 100,000-byte cap.
    const commandId = await runScript(["seq -f 'capped line %05g ....................................' 1 3000"]);
    const body = (await output({ CommandId: commandId, InstanceId: node })).body as unknown as OutputWire;
    expect(body.Status).toBe('Success');
    expect(body.StandardOutputCapped).toBe(true);
    expect(body.StandardErrorCapped).toBe(false);
    expect(Buffer.byteLength(body.StandardOutputContent)).toBe(CAP_BYTES);
    expect(body.StandardOutputContent.startsWith('capped line 00001')).toBe(true);
  });

  it('shows the output so far while the step runs, and all of it at the end', async () => {
    const { Command: sent } = await ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [node],
        Parameters: { commands: ['echo first-live-line', 'sleep 3', 'echo second-live-line'] },
      }),
    );
    const commandId = sent!.CommandId!;
    const running = await eventually(
      async () => (await output({ CommandId: commandId, InstanceId: node })).body as unknown as OutputWire,
      (body) => body.StandardOutputContent.includes('first-live-line'),
      { what: 'the first line while the step runs', timeoutMs: 20_000, intervalMs: 100 },
    );
    expect(running).toMatchObject({
      Status: 'InProgress',
      Complete: false,
      StandardOutputContent: 'first-live-line\n',
    });
    // SSM's own operation still shows nothing until the step ends.
    const ssmView = await ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: node }));
    expect(ssmView.Status).toBe('InProgress');
    expect(ssmView.StandardOutputContent).toBe('');

    await eventually(
      () => ssm.send(new ListCommandsCommand({ CommandId: commandId })),
      (page) => TERMINAL.has(page.Commands?.[0]?.Status ?? ''),
      { what: `command ${commandId} to finish`, timeoutMs: 60_000 },
    );
    const done = (await output({ CommandId: commandId, InstanceId: node })).body as unknown as OutputWire;
    expect(done).toMatchObject({
      Status: 'Success',
      Complete: true,
      StandardOutputContent: 'first-live-line\nsecond-live-line\n',
    });
  });

  it("answers GetCommandInvocation's errors", async () => {
    const commandId = await runScript(['echo hi']);
    const unknownCommand = await output({ CommandId: '00000000-0000-4000-8000-000000000000', InstanceId: node });
    expect(unknownCommand.status).toBe(400);
    expect(String(unknownCommand.body.__type)).toMatch(/InvalidCommandId$/);
    const unknownNode = await output({ CommandId: commandId, InstanceId: 'mi-0123456789abcdef0' });
    expect(unknownNode.status).toBe(400);
    expect(String(unknownNode.body.__type)).toMatch(/InvocationDoesNotExist$/);
    const unknownStep = await output({ CommandId: commandId, InstanceId: node, PluginName: 'nope' });
    expect(String(unknownStep.body.__type)).toMatch(/InvalidPluginName$/);
    const badInput = await output({ CommandId: commandId });
    expect(badInput.status).toBe(400);
    expect(String(badInput.body.__type)).toMatch(/ValidationException$/);
  });
});
