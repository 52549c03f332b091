/**
 * The web console in a real browser (Debian's chromium driven by playwright-core) against the
 * real server process: sign in, create a window through the form, the form's field checks, and
 * a run on real agents read in History. Screenshots of the main pages go to
 * test-artifacts/console/ (kept by CI as artifacts; the folder is gitignored).
 */
import {
  CreateMaintenanceWindowCommand,
  DescribeMaintenanceWindowsCommand,
  GetMaintenanceWindowCommand,
  UpdateMaintenanceWindowCommand,
} from '@aws-sdk/client-ssm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openConsolePage, saveScreenshot, signInToConsole } from '../support/console-browser.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import { ADMIN, startServerProcess, type ServerProcess } from '../support/server-process.js';

let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  server = await startServerProcess();
  browser = await launchChromium([server]);
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

async function openConsole(): Promise<Page> {
  return openConsolePage(browser);
}

async function signIn(page: Page): Promise<void> {
  // A browser opening the server's address lands on the console.
  await page.goto(server.url);
  expect(new URL(page.url()).pathname).toBe('/console/');
  await signInToConsole(page, page.url());
}

async function screenshot(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, name);
}

/** Picks `option` in the Cloudscape select labelled `label`, typing into its filter if it has one. */
async function choose(page: Page, label: string, option: string, options: { filter?: boolean } = {}) {
  await page.getByLabel(label, { exact: true }).click();
  if (options.filter === true) {
    await page.getByRole('combobox').last().fill(option);
  }
  await page.getByRole('option', { name: option, exact: false }).first().click();
}

describe('web console', () => {
  it('refuses a wrong secret with the API error and signs in with the admin key', async () => {
    const page = await openConsole();
    await page.goto(`${server.url}/console/`);
    await page.getByLabel('Access key ID').fill(ADMIN.accessKeyId);
    await page.getByLabel('Secret access key').fill('not-the-secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText(/InvalidSignatureException/).waitFor()).resolves.toBeUndefined();
    await screenshot(page, '01-sign-in-refused');
    await page.close();

    const signedIn = await openConsole();
    await signIn(signedIn);
    // The key lives in session storage only, and signing out removes it.
    // (Expressions as strings: the tests are type-checked without the DOM library.)
    expect(await signedIn.evaluate(`window.sessionStorage.getItem('mado.credentials')`)).toContain(ADMIN.accessKeyId);
    expect(await signedIn.evaluate('window.localStorage.length')).toBe(0);
    await signedIn.getByRole('button', { name: `Signed in as ${ADMIN.accessKeyId}` }).click();
    await signedIn.getByRole('menuitem', { name: 'Sign out' }).click();
    await signedIn.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await signedIn.evaluate(`window.sessionStorage.getItem('mado.credentials')`)).toBeNull();
    await signedIn.close();
  });

  it('creates the scenario window through the form and lists it', async () => {
    const page = await openConsole();
    await signIn(page);
    await screenshot(page, '02-windows-empty');
    await page.getByRole('button', { name: 'Create maintenance window' }).first().click();
    await page.getByLabel('Name', { exact: true }).fill('agent-updates');
    await page.getByLabel(/^Description/).fill('Weekly agent updates');
    await page.getByLabel('Allow unregistered targets').check();
    // The builder's default is weekly on Sunday at 02:00.
    await expect(page.getByTestId('schedule-preview').textContent()).resolves.toContain('cron(0 2 ? * SUN *)');
    await choose(page, 'Time zone', 'Asia/Tokyo', { filter: true });
    await page.getByLabel('Duration (hours)').fill('3');
    await page.getByLabel('Stop initiating tasks (hours)').fill('0');
    await screenshot(page, '03-create-window');
    await page.getByRole('button', { name: 'Create maintenance window' }).click();

    await page.getByRole('tab', { name: 'Details' }).waitFor();
    await page.getByText('Created maintenance window agent-updates').waitFor();
    await screenshot(page, '04-window-details');
    const { WindowIdentities } = await server.client().send(new DescribeMaintenanceWindowsCommand({}));
    const created = WindowIdentities?.find((window) => window.Name === 'agent-updates');
    expect(created).toMatchObject({
      Schedule: 'cron(0 2 ? * SUN *)',
      ScheduleTimezone: 'Asia/Tokyo',
      Duration: 3,
      Cutoff: 0,
      Enabled: true,
    });
    const details = await server.client().send(new GetMaintenanceWindowCommand({ WindowId: created!.WindowId }));
    expect(details).toMatchObject({ AllowUnassociatedTargets: true, Description: 'Weekly agent updates' });

    await page.getByRole('link', { name: 'Maintenance windows' }).first().click();
    const row = page.getByRole('row', { name: /agent-updates/ });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain(created!.WindowId!);
    await expect(row.textContent()).resolves.toContain('Asia/Tokyo');
    await page.getByLabel('Filter maintenance windows').fill('no-such-window');
    await page.getByText('No matches').waitFor();
    await page.getByLabel('Filter maintenance windows').fill('agent');
    await row.waitFor();
    await screenshot(page, '05-windows-list');
    await page.close();
  });

  it('refuses a cutoff not smaller than the duration and a bad cron at their fields', async () => {
    const page = await openConsole();
    await signIn(page);
    const before = (await server.client().send(new DescribeMaintenanceWindowsCommand({}))).WindowIdentities ?? [];
    await page.getByRole('button', { name: 'Create maintenance window' }).first().click();
    await page.getByLabel('Name', { exact: true }).fill('refused-window');
    await page.getByLabel('Duration (hours)').fill('2');
    await page.getByLabel('Stop initiating tasks (hours)').fill('2');
    await page.getByText(/Cutoff was 2 but must be smaller than Duration \(2\)/).waitFor();
    // At the field: the cutoff input is the one marked invalid and described by the message.
    const cutoff = page.getByLabel('Stop initiating tasks (hours)');
    expect(await cutoff.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Duration (hours)').getAttribute('aria-invalid')).toBeNull();

    await page.getByRole('radio', { name: 'Cron or rate expression' }).check();
    const expression = page.getByRole('textbox', { name: 'Cron or rate expression' });
    await expression.fill('cron(0 25 ? * SUN *)');
    await page.getByText(/Invalid schedule expression cron\(0 25 \? \* SUN \*\)/).waitFor();
    expect(await expression.getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Create maintenance window' }).click();
    await page.getByText('Some fields need attention.', { exact: true }).waitFor();
    await screenshot(page, '06-create-window-refused');
    const after = (await server.client().send(new DescribeMaintenanceWindowsCommand({}))).WindowIdentities ?? [];
    expect(after.length).toBe(before.length);

    // Corrected, the same form is accepted.
    await expression.fill('rate(12 hours)');
    await page.getByLabel('Stop initiating tasks (hours)').fill('1');
    await page.getByRole('button', { name: 'Create maintenance window' }).click();
    await page.getByText('Created maintenance window refused-window').waitFor();
    await page.close();
  });

  describe('with agents', () => {
    let fleet: Fleet;

    beforeAll(async () => {
      fleet = await startFleet(server, [{ Env: 'console' }, { Env: 'console' }], { name: 'console' });
    });

    afterAll(async () => {
      await fleet?.dispose();
    });

    it('registers a target and a task through the console and shows the run in History', async () => {
      const ssm = server.client();
      const { WindowId } = await ssm.send(
        new CreateMaintenanceWindowCommand({
          Name: 'console-run',
          Schedule: 'rate(1 day)',
          Duration: 1,
          Cutoff: 0,
          AllowUnassociatedTargets: false,
        }),
      );
      const page = await openConsole();
      await signIn(page);
      await page.goto(`${server.url}/console/#/windows/${WindowId}/targets`);
      await page.getByRole('button', { name: 'Register target', exact: true }).click();
      await page.getByLabel('Name', { exact: false }).first().fill('console-nodes');
      for (const nodeId of fleet.nodeIds) {
        await page.getByLabel(`Select ${nodeId}`).check();
      }
      await screenshot(page, '07-register-target');
      await page.getByRole('button', { name: 'Register target', exact: true }).last().click();
      await page.getByText('Registered the target.').waitFor();
      await page.getByRole('row', { name: /console-nodes/ }).waitFor();

      await page.getByRole('tab', { name: 'Tasks' }).click();
      await page.getByRole('button', { name: 'Register Run Command task' }).click();
      await choose(page, 'Document', 'AWS-RunShellScript', { filter: true });
      await page.getByLabel(/^commands/).fill('echo hello-from-the-console\nhostname');
      await page.getByLabel('Concurrency').fill('2');
      await screenshot(page, '08-register-task');
      await page.getByRole('button', { name: 'Register Run Command task' }).last().click();
      await page.getByText('Registered the AWS-RunShellScript task.').waitFor();
      await page.getByRole('row', { name: /AWS-RunShellScript/ }).waitFor();
      await screenshot(page, '09-window-tasks');

      // Run it now: a one-time schedule a few seconds ahead.
      const dueAt = new Date(Date.now() + 3_000);
      await ssm.send(
        new UpdateMaintenanceWindowCommand({ WindowId, Schedule: `at(${dueAt.toISOString().slice(0, 19)})` }),
      );
      await page.getByRole('tab', { name: 'History' }).click();
      // No reload: the tab refreshes by itself while an execution runs, and on the button.
      const success = page.getByRole('row').filter({ hasText: 'SUCCESS' });
      for (let attempt = 0; attempt < 60 && (await success.count()) === 0; attempt++) {
        await page.getByRole('button', { name: 'Refresh history' }).click();
        await page.waitForTimeout(500);
      }
      await success.first().waitFor();
      await screenshot(page, '10-window-history');
      await success.first().getByRole('link').click();
      for (const nodeId of fleet.nodeIds) {
        await expect(page.getByLabel(`Output of ${nodeId}`).textContent()).resolves.toContain('hello-from-the-console');
      }
      await screenshot(page, '11-execution-output');
      await page.close();
    });
  });
});
