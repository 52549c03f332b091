/**
 * A new user's first run (issue #10, "Done when"): `npm start -- --host 0.0.0.0` (that is
 * `node bin/mado.js server --host 0.0.0.0`, no TLS flag) serves HTTPS with a self-signed
 * certificate and prints its fingerprint; the user opens the console, creates an activation,
 * pastes the register command the page shows (it pins the fingerprint) on a node, starts the
 * agent, and sees the node Online. The browser trusts this one certificate by its public key, as
 * a user accepting it would; without that it refuses the page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readServerTrust } from '../support/agent-process.js';
import {
  launchChromium,
  openConsolePage,
  saveScreenshot,
  signInToConsole,
  useConsoleServer,
} from '../support/console-browser.js';
import { REPO_ROOT, startServerProcess } from '../support/server-process.js';
import { certificateFingerprint } from '../support/tls.js';

const ui = useConsoleServer(async () => {
  // What `npm start -- --host 0.0.0.0` runs, on an ephemeral port and a temporary data directory.
  const scripts = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } })
    .scripts;
  expect(scripts.start).toBe('node bin/mado.js server');
  return startServerProcess({ tls: false, args: ['--host', '0.0.0.0'] });
});

describe('first run on all interfaces: HTTPS by default, a node registered from the console', () => {
  it('prints an https URL and the fingerprint of the self-signed certificate', () => {
    const port = new URL(ui.server.url).port;
    expect(ui.server.output()).toMatch(new RegExp(`^API: +https://0\\.0\\.0\\.0:${port}$`, 'm'));
    expect(ui.server.output()).toMatch(new RegExp(`^Console: +https://0\\.0\\.0\\.0:${port}/console/$`, 'm'));
    expect(ui.server.fingerprint).toMatch(/^SHA256:([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(ui.server.fingerprint).toBe(certificateFingerprint(ui.server.caPem!));
    expect(ui.server.url).toBe(`https://127.0.0.1:${port}`);
  });

  it('a browser that does not trust the certificate gets no console', async () => {
    const untrusting = await launchChromium();
    try {
      const page = await untrusting.newPage();
      await expect(page.goto(`${ui.server.url}/console/`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await untrusting.close();
    }
  });

  it('registers a real agent with the command the Activations page shows and sees it Online', async () => {
    const page = await openConsolePage(ui.browser);
    await signInToConsole(page, `${ui.server.url}/console/`);
    expect(page.url()).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/console\//);
    await page.goto(`${ui.server.url}/console/#/activations`);
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
    expect(registerLine).toContain(`--server ${ui.server.url} `);
    expect(registerLine).toContain(`--server-fingerprint ${ui.server.fingerprint} `);

    // Pasted on the node: this checkout's bin/mado.js for `npx mado`, a temporary state directory.
    const { nodeId, stateDir } = await ui.registerPrintedAgent(
      { register: registerLine, run: runLine },
      'mado-first-run-agent-',
      'the agent registered from the console online',
    );
    expect(readServerTrust(stateDir)).toEqual({ pins: [ui.server.fingerprint], insecureHttp: false });

    await page.getByRole('button', { name: 'Go to managed nodes' }).click();
    const nodeRow = page.getByRole('row', { name: new RegExp(nodeId) });
    await nodeRow.waitFor();
    await expect.poll(() => nodeRow.textContent()).toContain('Online');
    expect(await nodeRow.textContent()).toContain('first-node');
    await saveScreenshot(page, 'first-run-managed-nodes');
    await page.close();
  });
});
