/**
 * The console's Node Management and Shared Resources pages in a real browser (Debian's chromium
 * driven by playwright-core) against the real server process: create an activation on the
 * Activations page, run the command it prints for real (a real agent registers and runs), see the
 * node Online in Managed nodes with its agent version and tags, and read AWS-RunShellScript on
 * the Documents page. Screenshots go to test-artifacts/console/fleet-*.png.
 */
import { DescribeActivationsCommand } from '@aws-sdk/client-ssm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openConsolePage, saveScreenshot, signInToConsole, useConsoleServer } from '../support/console-browser.js';
import { startServerProcess } from '../support/server-process.js';

const ui = useConsoleServer(() => startServerProcess());

async function openConsole(width = 1280): Promise<Page> {
  return openConsolePage(ui.browser, { width, height: 800 });
}

async function signIn(page: Page): Promise<void> {
  await signInToConsole(page, `${ui.server.url}/console/`);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, `fleet-${name}`);
}

/** Follows the side navigation's link `name`, opening the navigation first if it is closed. */
async function follow(page: Page, name: string): Promise<void> {
  const toggle = page.getByRole('button', { name: 'Open side navigation' });
  if (await toggle.isVisible()) {
    await toggle.click();
  }
  await page.getByRole('navigation', { name: 'Side navigation' }).getByRole('link', { name, exact: true }).click();
}

describe('web console: managed nodes, activations, documents', () => {
  it('creates an activation, registers a real agent with the printed command and shows it Online', async () => {
    const page = await openConsole();
    await signIn(page);
    await follow(page, 'Hybrid Activations');
    await page.getByRole('heading', { name: /^Hybrid activations/ }).waitFor();
    await page.getByText('No activations').waitFor();
    await screenshot(page, '01-activations-empty');

    await page.getByRole('button', { name: 'Create activation' }).first().click();
    await page.getByLabel(/^Activation description/).fill('Console fleet test');
    await page.getByLabel(/^Default instance name/).fill('fleet-node');
    await page.getByLabel('Registration limit').fill('2');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.getByLabel('Tag 1 key').fill('Env');
    await page.getByLabel('Tag 1 value').fill('console-fleet');
    await screenshot(page, '02-create-activation');
    await page.getByRole('button', { name: 'Create activation' }).click();

    await page.getByRole('heading', { name: 'Activation created' }).waitFor();
    await page.getByLabel(/^Tags for the node/).fill('Role=web');
    const command = page.getByTestId('register-command');
    await expect.poll(() => command.textContent()).toContain('--tag Role=web');
    await screenshot(page, '03-activation-created');
    const lines = (await command.textContent())!.trim().split('\n');
    expect(lines).toHaveLength(2);
    const [registerLine, runLine] = lines as [string, string];
    expect(registerLine).toMatch(
      new RegExp(
        `^npx mado agent register --server ${ui.server.url.replace(/[.]/g, '\\.')} --activation-id [0-9a-f-]{36} ` +
          `--activation-code \\S+ --server-fingerprint ${ui.server.fingerprint} --tag Role=web --state-dir /var/lib/mado-agent$`,
      ),
    );
    expect(runLine).toBe('npx mado agent run --state-dir /var/lib/mado-agent');

    // Run the printed command for real, in the test's own state directory.
    const { nodeId, online } = await ui.registerPrintedAgent(
      { register: registerLine, run: runLine },
      'mado-console-agent-',
      'the console-registered agent online',
    );
    const info = online.InstanceInformationList!.find((n) => n.InstanceId === nodeId)!;

    // The activation counts the registration.
    await page.getByRole('button', { name: 'Done' }).click();
    const activationRow = page.getByRole('row', { name: /Console fleet test/ });
    await activationRow.waitFor();
    await expect.poll(() => activationRow.textContent()).toContain('1 of 2');
    await expect.poll(() => activationRow.textContent()).toContain('Env=console-fleet');
    await screenshot(page, '04-activations');

    await follow(page, 'Managed nodes');
    await page.getByRole('heading', { name: /^Managed nodes/ }).waitFor();
    const nodeRow = page.getByRole('row', { name: new RegExp(nodeId) });
    await nodeRow.waitFor();
    await expect.poll(() => nodeRow.textContent()).toContain('Online');
    const rowText = (await nodeRow.textContent())!;
    expect(rowText).toContain('fleet-node');
    expect(rowText).toContain(info.AgentVersion!);
    expect(rowText).toContain(info.IsLatestVersion === true ? 'Latest' : 'Update available');
    expect(rowText).toContain('Env=console-fleet');
    expect(rowText).toContain('Role=web');
    await page.getByLabel('Filter managed nodes').fill('no-such-node');
    await page.getByText('No matches').waitFor();
    await page.getByLabel('Filter managed nodes').fill('Role=web');
    await nodeRow.waitFor();
    await screenshot(page, '05-managed-nodes');

    await page.getByRole('link', { name: nodeId }).click();
    await page.getByRole('heading', { name: 'Node details' }).waitFor();
    await page.getByRole('row', { name: /Role/ }).waitFor();
    await page.getByText('No packages installed by the agent.').waitFor();
    await expect(page.getByText(info.AgentVersion!).first().isVisible()).resolves.toBe(true);
    await screenshot(page, '06-managed-node');
    await page.close();

    // A narrow laptop: the same list at 1024 wide.
    const narrow = await openConsole(1024);
    await signIn(narrow);
    await narrow.goto(`${ui.server.url}/console/#/managed-nodes`);
    await narrow.getByRole('row', { name: new RegExp(nodeId) }).waitFor();
    await screenshot(narrow, '07-managed-nodes-1024');
    await narrow.close();
  });

  it('deletes an activation after confirmation', async () => {
    const page = await openConsole();
    await signIn(page);
    await page.goto(`${ui.server.url}/console/#/activations`);
    const row = page.getByRole('row', { name: /Console fleet test/ });
    await row.waitFor();
    await page
      .getByRole('radio', { name: /^Select activation / })
      .first()
      .check();
    await page.getByRole('button', { name: 'Delete activation' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/No more nodes can register with it/).waitFor();
    await screenshot(page, '08-delete-activation');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByText(/^Deleted activation /).waitFor();
    await page.getByText('No activations').waitFor();
    const { ActivationList } = await ui.server.client().send(new DescribeActivationsCommand({}));
    expect(ActivationList ?? []).toEqual([]);
    await page.close();
  });

  it('lists the Amazon documents and shows AWS-RunShellScript with its parameters and versions', async () => {
    const page = await openConsole();
    await signIn(page);
    await follow(page, 'Documents');
    await page.getByRole('heading', { name: /^Documents/ }).waitFor();
    await page.getByRole('button', { name: /^Filter by owner/ }).click();
    await page.getByRole('option', { name: 'Owned by Amazon' }).click();
    await page.getByLabel('Filter documents by name').fill('RunShell');
    const row = page.getByRole('row', { name: /AWS-RunShellScript/ });
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('Amazon');
    await screenshot(page, '09-documents');

    await page.getByRole('link', { name: 'AWS-RunShellScript' }).click();
    await page.getByRole('heading', { name: 'Document details' }).waitFor();
    const content = page.getByTestId('document-content');
    await expect.poll(() => content.textContent()).toContain('"aws:runShellScript"');
    await screenshot(page, '10-document-json');
    await page
      .getByRole('radio', { name: 'YAML' })
      .or(page.getByRole('button', { name: 'YAML' }))
      .first()
      .click();
    await expect.poll(() => content.textContent()).toMatch(/^runtimeConfig:\n {2}aws:runShellScript:/m);
    await screenshot(page, '11-document-yaml');

    await page.getByRole('tab', { name: 'Parameters' }).click();
    await page.getByRole('row', { name: /commands/ }).waitFor();
    await page.getByRole('row', { name: /workingDirectory/ }).waitFor();
    await screenshot(page, '12-document-parameters');

    await page.getByRole('tab', { name: 'Versions' }).click();
    const version = page.getByRole('row', { name: /^1\b/ });
    await version.waitFor();
    await expect.poll(() => version.textContent()).toContain('Default');
    await expect.poll(() => version.textContent()).toContain('Latest');
    await screenshot(page, '13-document-versions');
    await page.close();
  });
});
