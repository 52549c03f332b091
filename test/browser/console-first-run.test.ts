/**
 * A new user's first run (issue #10, "Done when"): `npm start -- --host 0.0.0.0` (that is
 * `node bin/mado.js server --host 0.0.0.0`, no TLS flag) serves HTTPS with a self-signed
 * certificate and prints its fingerprint; the user opens the console, creates an activation,
 * pastes the register command the page shows (it pins the fingerprint) on a node, starts the
 * agent, and sees the node Online. The browser trusts this one certificate by its public key, as
 * a user accepting it would; without that it refuses the page.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeInstanceInformationCommand } from '@aws-sdk/client-ssm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, readServerTrust } from '../support/agent-process.js';
import {
  launchChromium,
  localAgentArgs,
  openConsolePage,
  saveScreenshot,
  signInToConsole,
} from '../support/console-browser.js';
import { REPO_ROOT, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { certificateFingerprint } from '../support/tls.js';
import { eventually } from '../support/wait.js';

const run = promisify(execFile);

let server: ServerProcess;
let browser: Browser;
const agents: AgentProcess[] = [];

beforeAll(async () => {
  // What `npm start -- --host 0.0.0.0` runs, on an ephemeral port and a temporary data directory.
  const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } })
    .scripts;
  expect(scripts.start).toBe('node bin/mado.js server');
  server = await startServerProcess({ tls: false, args: ['--host', '0.0.0.0'] });
  browser = await launchChromium([server]);
});

afterAll(async () => {
  await Promise.all(agents.map((agent) => agent.dispose()));
  await browser?.close();
  await server?.dispose();
});

describe('first run on all interfaces: HTTPS by default, a node registered from the console', () => {
  it('prints an https URL and the fingerprint of the self-signed certificate', () => {
    const port = new URL(server.url).port;
    expect(server.output()).toMatch(new RegExp(`^API: +https://0\\.0\\.0\\.0:${port}$`, 'm'));
    expect(server.output()).toMatch(new RegExp(`^Console: +https://0\\.0\\.0\\.0:${port}/console/$`, 'm'));
    expect(server.fingerprint).toMatch(/^SHA256:([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(server.fingerprint).toBe(certificateFingerprint(server.caPem!));
    expect(server.url).toBe(`https://127.0.0.1:${port}`);
  });

  it('a browser that does not trust the certificate gets no console', async () => {
    const untrusting = await launchChromium();
    try {
      const page = await untrusting.newPage();
      await expect(page.goto(`${server.url}/console/`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await untrusting.close();
    }
  });

  it('registers a real agent with the command the Activations page shows and sees it Online', async () => {
    const page = await openConsolePage(browser);
    await signInToConsole(page, `${server.url}/console/`);
    expect(page.url()).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/console\//);
    await page.goto(`${server.url}/console/#/activations`);
    await page.getByRole('heading', { name: /^Hybrid activations/ }).waitFor();
    await page.getByRole('button', { name: 'Create activation' }).first().click();
    await page.getByLabel(/^Default instance name/).fill('first-node');
    await page.getByRole('button', { name: 'Create activation' }).click();
    await page.getByRole('heading', { name: 'Activation created' }).waitFor();
    const command = page.getByTestId('register-command');
    // The fingerprint comes from Mado.GetServerInfo once the page has asked.
    await expect.poll(() => command.textContent()).toContain('--server-fingerprint');
    await saveScreenshot(page, 'first-run-activation-created');
    const [registerLine, runLine] = (await command.textContent())!.trim().split('\n') as [string, string];
    expect(registerLine).toContain(`--server ${server.url} `);
    expect(registerLine).toContain(`--server-fingerprint ${server.fingerprint} `);

    // Pasted on the node: this checkout's bin/mado.js for `npx mado`, a temporary state directory.
    const stateDir = mkdtempSync(join(tmpdir(), 'mado-first-run-agent-'));
    const { stdout } = await run(process.execPath, localAgentArgs(registerLine, stateDir), {
      env: { PATH: process.env.PATH ?? '' },
    });
    const nodeId = /mi-[0-9a-f]{17}/.exec(stdout)?.[0];
    expect(nodeId, stdout).toBeDefined();
    expect(readServerTrust(stateDir)).toEqual({ pins: [server.fingerprint], insecureHttp: false });
    expect(localAgentArgs(runLine, stateDir).slice(1)).toEqual(['agent', 'run', '--state-dir', stateDir]);
    const agent = new AgentProcess({ nodeId: nodeId!, stateDir });
    agents.push(agent);
    agent.start();
    await eventually(
      () => server.client().send(new DescribeInstanceInformationCommand({})),
      (answer) =>
        (answer.InstanceInformationList ?? []).some((n) => n.InstanceId === nodeId && n.PingStatus === 'Online'),
      { what: 'the agent registered from the console online', timeoutMs: 60_000 },
    );

    await page.getByRole('button', { name: 'Go to managed nodes' }).click();
    const nodeRow = page.getByRole('row', { name: new RegExp(nodeId!) });
    await nodeRow.waitFor();
    await expect.poll(() => nodeRow.textContent()).toContain('Online');
    expect(await nodeRow.textContent()).toContain('first-node');
    await saveScreenshot(page, 'first-run-managed-nodes');
    await page.close();
  });
});
