/**
 * The web console in a real browser for tests: Debian's Chromium (`/usr/bin/chromium`, installed
 * by .ci/run; never a downloaded one) driven by playwright-core with the headless flags the
 * project uses, pages that fail the test on any uncaught error, the sign-in form, and
 * screenshots under test-artifacts/console/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { ADMIN, REPO_ROOT, type Credentials } from './server-process.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
/** Where browser tests save their screenshots (a CI artifact; not committed). */
export const SCREENSHOTS = join(REPO_ROOT, 'test-artifacts', 'console');

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** A page whose uncaught errors fail the test when it closes. */
export async function openConsolePage(
  browser: Browser,
  viewport: { readonly width: number; readonly height: number } = { width: 1280, height: 800 },
  options: { readonly acceptDownloads?: boolean } = {},
): Promise<Page> {
  const page = await browser.newPage({ viewport, acceptDownloads: options.acceptDownloads ?? false });
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('close', () => expect(errors, 'uncaught errors in the page').toEqual([]));
  return page;
}

/** Fills the sign-in form at `url` and waits for the maintenance windows page. */
export async function signInToConsole(page: Page, url: string, credentials: Credentials = ADMIN): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Access key ID').fill(credentials.accessKeyId);
  await page.getByLabel('Secret access key').fill(credentials.secretAccessKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Maintenance windows/ }).waitFor();
}

/** A full-page screenshot `test-artifacts/console/<name>.png`. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
