/**
 * The web console in a real browser for tests: Debian's Chromium (`/usr/bin/chromium`, installed
 * by .ci/run; never a downloaded one) driven by playwright-core with the headless flags the
 * project uses, pages that fail the test on any uncaught error, the sign-in form, and
 * screenshots under test-artifacts/console/. Over HTTPS the browser trusts exactly the servers
 * it is given, pinned by their public key (`--ignore-certificate-errors-spki-list`), and no other
 * certificate error is ignored. `useConsoleServer` gives a test file its server and browser, and
 * registers agents with the commands the console prints.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeInstanceInformationCommand, type DescribeInstanceInformationCommandOutput } from '@aws-sdk/client-ssm';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { AgentProcess } from './agent-process.js';
import { ADMIN, MADO_BIN, REPO_ROOT, type Credentials, type Endpoint, type ServerProcess } from './server-process.js';
import { spkiSha256Base64 } from './tls.js';
import { eventually } from './wait.js';

const run = promisify(execFile);

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

/** Chromium that trusts the certificates of `trusted` (servers over HTTPS; plain HTTP needs none). */
export async function launchChromium(trusted: readonly Endpoint[] = []): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const pins = trusted.flatMap((endpoint) => (endpoint.caPem === undefined ? [] : [spkiSha256Base64(endpoint.caPem)]));
  // Playwright gives Chromium its own --user-data-dir, without which the pin list is ignored.
  const pinArgs = pins.length === 0 ? [] : [`--ignore-certificate-errors-spki-list=${pins.join(',')}`];
  return chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...pinArgs] });
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

/** The words of a command line the console printed (it quotes nothing that these tests use). */
export function commandWords(line: string): string[] {
  expect(line).not.toMatch(/['"\\]/);
  return line.trim().split(/\s+/);
}

/**
 * A `npx mado agent …` line the console printed, as arguments of `node` running this checkout's
 * `bin/mado.js`, with `stateDir` instead of the printed default state directory.
 */
export function localAgentArgs(line: string, stateDir: string): string[] {
  const argv = commandWords(line);
  expect(argv.slice(0, 2)).toEqual(['npx', 'mado']);
  const stateAt = argv.indexOf('--state-dir');
  expect(argv[stateAt + 1]).toBe('/var/lib/mado-agent');
  argv[stateAt + 1] = stateDir;
  return [MADO_BIN, ...argv.slice(2)];
}

/** A browser test file's server and Chromium (trusting it), set up by `useConsoleServer`. */
export interface ConsoleServer {
  readonly server: ServerProcess;
  readonly browser: Browser;
  /**
   * Runs the `npx mado agent register` line the console printed (this checkout's `bin/mado.js`,
   * a new state directory named after `stateDirPrefix`), checks that the printed run line runs
   * that agent, starts it and resolves once the node is Online.
   */
  registerPrintedAgent(
    lines: { readonly register: string; readonly run: string },
    stateDirPrefix: string,
    what: string,
  ): Promise<{ nodeId: string; stateDir: string; online: DescribeInstanceInformationCommandOutput }>;
}

/**
 * Before the file's tests, the server `start` makes and Chromium trusting it; after them, the
 * agents `registerPrintedAgent` started, the browser and the server are ended.
 */
export function useConsoleServer(start: () => Promise<ServerProcess>): ConsoleServer {
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  const agents: AgentProcess[] = [];
  beforeAll(async () => {
    server = await start();
    browser = await launchChromium([server]);
  });
  afterAll(async () => {
    await Promise.all(agents.map((agent) => agent.dispose()));
    await browser?.close();
    await server?.dispose();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) {
      throw new Error('the console server is not started (useConsoleServer runs before the tests)');
    }
    return value;
  };
  return {
    get server() {
      return started(server);
    },
    get browser() {
      return started(browser);
    },
    async registerPrintedAgent(lines, stateDirPrefix, what) {
      const stateDir = mkdtempSync(join(tmpdir(), stateDirPrefix));
      const { stdout } = await run(process.execPath, localAgentArgs(lines.register, stateDir), {
        env: { PATH: process.env.PATH ?? '' },
      });
      const nodeId = /mi-[0-9a-f]{17}/.exec(stdout)?.[0];
      expect(nodeId, stdout).toBeDefined();
      expect(localAgentArgs(lines.run, stateDir).slice(1)).toEqual(['agent', 'run', '--state-dir', stateDir]);
      const agent = new AgentProcess({ nodeId: nodeId!, stateDir });
      agents.push(agent);
      agent.start();
      const online = await eventually(
        () => started(server).client().send(new DescribeInstanceInformationCommand({})),
        (answer) =>
          (answer.InstanceInformationList ?? []).some((n) => n.InstanceId === nodeId && n.PingStatus === 'Online'),
        { what, timeoutMs: 60_000 },
      );
      return { nodeId: nodeId!, stateDir, online };
    },
  };
}
