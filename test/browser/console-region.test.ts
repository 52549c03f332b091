/**
 * The console signs with the server's region: a server started with MADO_REGION=eu-west-3
 * refuses signatures scoped to us-east-1, yet the console (which learns the region from
 * /console/settings.json) signs in and lists windows.
 */
import { CreateMaintenanceWindowCommand, DescribeMaintenanceWindowsCommand } from '@aws-sdk/client-ssm';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openConsolePage, signInToConsole } from '../support/console-browser.js';
import { ADMIN, startServerProcess, type ServerProcess } from '../support/server-process.js';

const REGION = 'eu-west-3';
let server: ServerProcess;
let browser: Browser;

beforeAll(async () => {
  server = await startServerProcess({ env: { MADO_REGION: REGION } });
  browser = await launchChromium([server]);
});

afterAll(async () => {
  await browser?.close();
  await server?.dispose();
});

function clientIn(region: string) {
  return server.client(ADMIN, region);
}

describe('console region', () => {
  it('signs with the region the server names, which the server requires', async () => {
    await expect(clientIn('us-east-1').send(new DescribeMaintenanceWindowsCommand({}))).rejects.toThrow(/region/i);
    await clientIn(REGION).send(
      new CreateMaintenanceWindowCommand({
        Name: 'paris-patching',
        Schedule: 'cron(0 2 ? * SUN *)',
        Duration: 2,
        Cutoff: 1,
        AllowUnassociatedTargets: true,
      }),
    );

    const page = await openConsolePage(browser);
    await signInToConsole(page, `${server.url}/console/`);
    await page.getByText('paris-patching').first().waitFor();
    await page.close();
  });
});
