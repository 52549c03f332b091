/**
 * The console's Run Command pages in a real browser (Debian's chromium driven by playwright-core)
 * against the real server and two real agents: run AWS-RunShellScript from the Run command page
 * with a script printing more than 30,000 characters, see its first line while it still runs,
 * watch the command reach Success without reloading, and read each node's whole output (past
 * GetCommandInvocation's 24,000 characters).
 * Screenshots go to test-artifacts/console/ with the prefix `run-`.
 */
import { ListCommandsCommand } from '@aws-sdk/client-ssm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openConsolePage, saveScreenshot, signInToConsole } from '../support/console-browser.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';

/** A first line, a pause (the output so far shows meanwhile), 1,000 lines of 46 characters, a last line. */
const SCRIPT =
  "echo THE-FIRST-LINE; sleep 5; seq -f 'output line %05g ...............................' 1 1000; echo THE-LAST-LINE";

let server: ServerProcess;
let browser: Browser;
let fleet: Fleet;

beforeAll(async () => {
  server = await startServerProcess();
  browser = await launchChromium([server]);
  fleet = await startFleet(server, [{ Env: 'run' }, { Env: 'run' }], { name: 'run' });
});

afterAll(async () => {
  await fleet?.dispose();
  await browser?.close();
  await server?.dispose();
});

async function openConsole(viewport = { width: 1280, height: 800 }): Promise<Page> {
  return openConsolePage(browser, viewport, { acceptDownloads: true });
}

async function signIn(page: Page): Promise<void> {
  await signInToConsole(page, `${server.url}/console/`);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, `run-${name}`);
}

describe('Run Command in the console', () => {
  it('runs a shell script on two agents, watches it succeed and shows the whole output', async () => {
    const page = await openConsole();
    await signIn(page);
    await page.getByRole('link', { name: 'Run Command', exact: true }).click();
    await page.getByRole('heading', { name: 'Run Command', exact: true }).waitFor();
    await screenshot(page, '01-commands-empty');
    await page.getByRole('button', { name: 'Run command' }).click();
    await page.getByRole('heading', { name: 'Run a command' }).waitFor();

    await page.getByLabel('Document', { exact: true }).click();
    await page.getByRole('combobox').last().fill('AWS-RunShellScript');
    await page
      .getByRole('option', { name: /AWS-RunShellScript/ })
      .first()
      .click();
    await page.getByLabel('commands', { exact: true }).fill(SCRIPT);

    await page.getByLabel('Target nodes').click();
    for (const nodeId of fleet.nodeIds) {
      await page.getByRole('option', { name: new RegExp(nodeId) }).click();
    }
    await page.keyboard.press('Escape');
    await page.getByRole('toolbar', { name: 'Concurrency as' }).getByRole('button', { name: 'Targets' }).click();
    await page.getByLabel('Concurrency', { exact: true }).fill('2');
    await page.getByLabel('Error threshold', { exact: true }).fill('1');
    await page.getByLabel(/^Comment/).fill('from the console');
    await screenshot(page, '02-run-command-form');
    await page.getByRole('button', { name: 'Run', exact: true }).click();

    // The command's page, refreshed by itself until the command ends.
    await page.getByRole('heading', { name: /^Command [0-9a-f-]{36}$/ }).waitFor();
    const commandId = /#\/run-command\/([0-9a-f-]{36})$/.exec(page.url())?.[1];
    expect(commandId).toBeDefined();
    // While the script sleeps: its first line, live, under a running indicator.
    const live = page.getByLabel(`Output of ${fleet.nodeIds[0]}`, { exact: true });
    await live.getByText('THE-FIRST-LINE').waitFor({ timeout: 20_000 });
    await page.getByLabel(`Progress of ${fleet.nodeIds[0]}`, { exact: true }).waitFor();
    expect(await page.getByTestId('command-status').textContent()).not.toContain('Success');
    expect(await live.textContent()).not.toContain('output line');
    await screenshot(page, '03-command-running');
    await page.getByTestId('command-status').getByText('Success').waitFor({ timeout: 60_000 });
    const { Commands } = await server.client().send(new ListCommandsCommand({ CommandId: commandId }));
    expect(Commands?.[0]).toMatchObject({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: [...fleet.nodeIds],
      MaxConcurrency: '2',
      MaxErrors: '1',
      Comment: 'from the console',
      Status: 'Success',
      CompletedCount: 2,
    });

    for (const nodeId of fleet.nodeIds) {
      await page
        .getByRole('row', { name: new RegExp(nodeId) })
        .getByText('Success')
        .first()
        .waitFor();
      const output = page.getByLabel(`Output of ${nodeId}`, { exact: true });
      await output.waitFor();
      // First the part GetCommandInvocation would show, cut at a line; then all of it.
      const preview = (await output.textContent()) ?? '';
      expect(preview.length).toBeLessThanOrEqual(24_000);
      expect(preview).not.toContain('THE-LAST-LINE');
      await page.getByRole('button', { name: `Show all of the output from ${nodeId}` }).click();
      const whole = (await output.textContent()) ?? '';
      expect(whole.length).toBeGreaterThan(30_000);
      expect(whole).toContain('output line 01000');
      expect(whole.trimEnd().split('\n').at(-1)).toBe('THE-LAST-LINE');
    }
    await screenshot(page, '04-command-output');

    // The download is the whole output too.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Download the output from ${fleet.nodeIds[0]}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${commandId}-${fleet.nodeIds[0]}-aws_runShellScript.stdout.txt`);

    // The command is in the list of recent commands.
    await page.getByRole('link', { name: 'Run Command', exact: true }).first().click();
    const row = page.getByRole('row', { name: new RegExp(commandId!) });
    await row.getByText('Success').first().waitFor();
    await screenshot(page, '05-commands-list');
    await page.close();

    // Usable on a narrow laptop screen.
    const narrow = await openConsole({ width: 1024, height: 768 });
    await signIn(narrow);
    await narrow.goto(`${server.url}/console/#/run-command/${commandId}`);
    await narrow.getByTestId('command-status').getByText('Success').waitFor();
    await narrow.getByLabel(`Output of ${fleet.nodeIds[1]}`, { exact: true }).waitFor();
    await screenshot(narrow, '06-command-1024');
    await narrow.close();
  });
});
