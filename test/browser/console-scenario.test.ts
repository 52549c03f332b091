/**
 * Issue #6's main browser test: the whole story of ../shared/SCENARIO.md done by clicking in the
 * web console (Debian's chromium driven by playwright-core) against the real server and three
 * real agents started from an OLD agent bundle, with the new agent release and the metrics-agent
 * package published in the server's stores (test/support/scenario-stores.ts). Sign in; create the
 * window through the form (Asia/Tokyo); register the target by instance ids picked in the UI; a
 * resource-group target (registered, then deregistered); both Run Command tasks at priority 1
 * with the story's parameters, rate control, output, notification and alarm options; edit a
 * target and a task through the UI (checked with the SDK); make the window due a few seconds
 * ahead with an at() expression; History shows SUCCESS on every node with its output.
 * Screenshots (prefix `scenario-`) go to test-artifacts/console/.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeInstanceInformationCommand,
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowsCommand,
  DescribeMaintenanceWindowTargetsCommand,
  DescribeMaintenanceWindowTasksCommand,
  GetMaintenanceWindowTaskCommand,
} from '@aws-sdk/client-ssm';
import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, SCREENSHOTS } from '../support/console-browser.js';
import { startFleet, type Fleet } from '../support/fleet.js';
import { callRaw } from '../support/raw-client.js';
import {
  buildScenarioBundles,
  NEW_AGENT,
  OLD_AGENT,
  PACKAGE,
  publishScenarioStores,
  stopPackageDaemons,
} from '../support/scenario-stores.js';
import { ADMIN, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { eventually } from '../support/wait.js';

const WIDE = { width: 1280, height: 800 };
const NARROW = { width: 1024, height: 700 };
const TIME_ZONE = 'Asia/Tokyo';
/** How far ahead of the form's submission the window is due. */
const DUE_IN_MS = 5_000;

const NODE_TAGS = [
  { Name: 'web-1', Role: 'web' },
  { Name: 'web-2', Role: 'web' },
  { Name: 'batch-1', Role: 'batch' },
] as const;

describe('the scenario done by clicking in the web console', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'mado-console-scenario-'));
  let server: ServerProcess;
  let fleet: Fleet;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const bundles = buildScenarioBundles(scratch);
    server = await startServerProcess({ env: { MADO_AGENT_HEARTBEAT_SECONDS: '1' } });
    const [started] = await Promise.all([
      startFleet(server, NODE_TAGS, { name: 'console-scenario', bundle: bundles.oldBundle }),
      publishScenarioStores(server, scratch, bundles),
      launchChromium([server]).then((launched) => (browser = launched)),
    ]);
    fleet = started;
    page = await browser.newPage({ viewport: WIDE });
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    stopPackageDaemons(fleet);
    await fleet?.dispose();
    await server?.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  const ssm = () => server.client();

  async function screenshot(name: string, viewport: { width: number; height: number } = WIDE): Promise<void> {
    if (viewport !== WIDE) {
      await page.setViewportSize(viewport);
    }
    await page.screenshot({ path: join(SCREENSHOTS, `scenario-${name}.png`), fullPage: true });
    if (viewport !== WIDE) {
      // At the narrow laptop width nothing may overflow sideways.
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect(overflow, `${name} overflows sideways at ${viewport.width} px`).toBeLessThanOrEqual(0);
      await page.setViewportSize(WIDE);
    }
  }

  /** Picks `option` in the Cloudscape select labelled `label`, typing into its filter if it has one. */
  async function choose(label: string | RegExp, option: string, options: { filter?: boolean } = {}) {
    await page.getByLabel(label, { exact: typeof label === 'string' }).click();
    if (options.filter === true) {
      await page.getByRole('combobox').last().fill(option);
    }
    await page
      .getByRole('option', { name: option, exact: false })
      .first()
      .click()
      .catch(async (error: unknown) => {
        await screenshot(`debug-choose-${option}`);
        throw error;
      });
  }

  /** The id of the element that has the keyboard focus. */
  const focusedId = () => page.evaluate('document.activeElement && document.activeElement.id');

  let windowId: string;
  let windowTargetId: string;

  it('signs in and creates the scenario window through the form', async () => {
    await page.goto(server.url);
    await page.getByLabel('Access key ID').fill(ADMIN.accessKeyId);
    await page.getByLabel('Secret access key').fill(ADMIN.secretAccessKey);
    // Enter submits the sign-in form.
    await page.getByLabel('Secret access key').press('Enter');
    await page.getByRole('heading', { name: /^Maintenance windows/ }).waitFor();

    await page.getByRole('button', { name: 'Create maintenance window' }).first().click();
    await page.getByLabel('Name', { exact: true }).fill('software-updates');
    await page.getByLabel(/^Description/).fill('Update the management agent and the metrics agent');
    await page.getByLabel('Allow unregistered targets').check();
    // Due in an hour for now: the window is made due a few seconds ahead once it is set up.
    await page.getByRole('radio', { name: 'Cron or rate expression' }).check();
    const later = DateTime.now().setZone(TIME_ZONE).plus({ hours: 1 }).toFormat("yyyy-MM-dd'T'HH:mm:ss");
    await page.getByRole('textbox', { name: 'Cron or rate expression' }).fill(`at(${later})`);
    await choose('Time zone', TIME_ZONE, { filter: true });
    await page.getByLabel('Duration (hours)').fill('3');
    await page.getByLabel('Stop initiating tasks (hours)').fill('0');
    await screenshot('01-create-window');
    await screenshot('01-create-window-1024', NARROW);
    // Enter in a field submits the form.
    await page.getByLabel('Stop initiating tasks (hours)').press('Enter');
    await page.getByText('Created maintenance window software-updates').waitFor();
    const { WindowIdentities } = await ssm().send(new DescribeMaintenanceWindowsCommand({}));
    const created = WindowIdentities?.find((window) => window.Name === 'software-updates');
    expect(created).toMatchObject({ Schedule: `at(${later})`, ScheduleTimezone: TIME_ZONE, Duration: 3, Cutoff: 0 });
    windowId = created!.WindowId!;
  });

  it('registers the target by instance ids picked in the list, with the keyboard', async () => {
    await page.getByRole('tab', { name: 'Targets' }).click();
    await page.getByRole('button', { name: 'Register target', exact: true }).click();
    const name = page.getByLabel(/^Name/);
    await name.fill('update-targets');
    // Tab moves through the form in reading order: name, description, owner information.
    await name.press('Tab');
    expect(await focusedId()).toBe('target-description');
    await page.keyboard.type('The servers whose agents are updated');
    await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('target-owner');
    await page.keyboard.type('platform-team');
    for (const nodeId of fleet.nodeIds) {
      await page.getByLabel(`Select ${nodeId}`).last().check();
    }
    await screenshot('02-register-target');
    await name.press('Enter');
    await page.getByText('Registered the target.').waitFor();
    await page.getByRole('row', { name: /update-targets/ }).waitFor();
    const { Targets } = await ssm().send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: windowId }));
    expect(Targets).toHaveLength(1);
    expect(Targets![0]).toMatchObject({
      ResourceType: 'INSTANCE',
      Targets: [{ Key: 'InstanceIds', Values: expect.arrayContaining([...fleet.nodeIds]) }],
      OwnerInformation: 'platform-team',
    });
    windowTargetId = Targets![0]!.WindowTargetId!;
  });

  it('registers a target by resource group, and deregisters it', async () => {
    const group = await callRaw(server, 'Mado.CreateResourceGroup', {
      Name: 'web-servers',
      Description: 'The web tier',
      Targets: [{ Key: 'tag:Role', Values: ['web'] }],
    });
    expect(group.status).toBe(200);
    await page.getByRole('button', { name: 'Register target', exact: true }).click();
    await page.getByLabel(/^Name/).fill('web-tier');
    await page.getByRole('radio', { name: /Choose a resource group/ }).check();
    await choose('Resource group', 'web-servers');
    await screenshot('03-register-target-resource-group');
    await page.getByRole('button', { name: 'Register target', exact: true }).last().click();
    await page.getByRole('row', { name: /web-tier/ }).waitFor();
    const { Targets } = await ssm().send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: windowId }));
    expect(Targets?.find((target) => target.Name === 'web-tier')).toMatchObject({
      ResourceType: 'RESOURCE_GROUP',
      Targets: [{ Key: 'resource-groups:Name', Values: ['web-servers'] }],
    });

    await page.getByLabel('Select web-tier').last().check();
    await page.getByRole('button', { name: 'Deregister target' }).click();
    await page.getByText('Deregistered 1 target(s).').waitFor();
    // The table reloads after the notification: wait for the row to go rather than count at once.
    await page.getByRole('row', { name: /web-tier/ }).waitFor({ state: 'detached' });
  });

  it('edits the target through the form', async () => {
    await page.getByLabel('Select update-targets').last().check();
    await page.getByRole('button', { name: 'Edit target' }).click();
    // Prefilled with the target's own settings, its nodes selected.
    const owner = page.getByLabel(/^Owner information/);
    await expect(owner.inputValue()).resolves.toBe('platform-team');
    for (const nodeId of fleet.nodeIds) {
      await expect(page.getByLabel(`Select ${nodeId}`).last().isChecked()).resolves.toBe(true);
    }
    await owner.fill('platform team (on call: ops)');
    await screenshot('04-edit-target');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved the target update-targets.').waitFor();
    const { Targets } = await ssm().send(new DescribeMaintenanceWindowTargetsCommand({ WindowId: windowId }));
    expect(Targets).toEqual([
      expect.objectContaining({
        WindowTargetId: windowTargetId,
        Name: 'update-targets',
        Description: 'The servers whose agents are updated',
        OwnerInformation: 'platform team (on call: ops)',
        Targets: [{ Key: 'InstanceIds', Values: expect.arrayContaining([...fleet.nodeIds]) }],
      }),
    ]);
  });

  it('registers both Run Command tasks at priority 1 with the story’s parameters and options', async () => {
    await page.getByRole('tab', { name: 'Tasks' }).click();

    // Step 3: AWS-UpdateSSMAgent, version blank (the latest), allowDowngrade false.
    await page.getByRole('button', { name: 'Register Run Command task' }).click();
    await page.getByLabel(/^Name/).fill('update-ssm-agent');
    await choose('Document', 'AWS-UpdateSSMAgent', { filter: true });
    await page.getByLabel(/^version/).waitFor();
    await expect(page.getByLabel(/^version/).inputValue()).resolves.toBe('');
    await page.getByLabel('Concurrency').fill('2');
    // Rate control is checked at the field with the server's own patterns.
    const errors = page.getByLabel('Error threshold');
    await page.getByRole('radiogroup', { name: 'Number or percentage of errors' }).getByText('Percentage').click();
    await errors.fill('150');
    await page.getByText('A whole percentage from 0% to 100%.').waitFor();
    expect(await errors.getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('radiogroup', { name: 'Number or percentage of errors' }).getByText('Errors').click();
    await errors.fill('0');
    expect(await errors.getAttribute('aria-invalid')).toBeNull();
    await page.getByLabel('New task invocation cutoff').check();
    await page.getByLabel('Write command output to an S3 bucket').check();
    await page.getByLabel('S3 bucket name').fill('maintenance-window-logs');
    await page.getByLabel(/^S3 key prefix/).fill('software-updates');
    await page.getByLabel('Notify on command status changes').check();
    await page.getByLabel('SNS topic ARN').fill('arn:aws:sns:ap-northeast-1:123456789012:maintenance-window-updates');
    await page.getByLabel('Stop the task when an alarm is in ALARM state').check();
    await page.getByLabel('Alarm name').fill('software-update-failed');
    await screenshot('05-register-task-update-agent');
    await screenshot('05-register-task-update-agent-1024', NARROW);
    await page.getByRole('button', { name: 'Register Run Command task' }).last().click();
    await page
      .getByText('Registered the AWS-UpdateSSMAgent task.')
      .waitFor()
      .catch(async (error: unknown) => {
        await screenshot('debug-register-task');
        throw error;
      });

    // Step 4: AWS-ConfigureAWSPackage, Install, "Uninstall and reinstall", version blank, {}.
    await page.getByRole('button', { name: 'Register Run Command task' }).click();
    await page.getByLabel(/^Name/).fill('update-metrics-agent');
    await choose('Document', 'AWS-ConfigureAWSPackage', { filter: true });
    await choose(/^action/, 'Install');
    await choose(/^installationType/, 'Uninstall and reinstall');
    await page.getByLabel(/^name/).fill(PACKAGE);
    await page.getByLabel(/^additionalArguments/).fill('{}');
    await page.getByLabel('Concurrency').fill('2');
    await page.getByLabel('Error threshold').fill('0');
    await page.getByLabel('New task invocation cutoff').check();
    await page.getByRole('button', { name: 'Register Run Command task' }).last().click();
    await page.getByText('Registered the AWS-ConfigureAWSPackage task.').waitFor();
    await page.getByRole('row', { name: /AWS-ConfigureAWSPackage/ }).waitFor();
    await screenshot('06-window-tasks');

    const { Tasks } = await ssm().send(new DescribeMaintenanceWindowTasksCommand({ WindowId: windowId }));
    expect(Tasks).toHaveLength(2);
    const byName = new Map((Tasks ?? []).map((task) => [task.Name, task]));
    const update = await ssm().send(
      new GetMaintenanceWindowTaskCommand({
        WindowId: windowId,
        WindowTaskId: byName.get('update-ssm-agent')!.WindowTaskId,
      }),
    );
    expect(update).toMatchObject({
      TaskArn: 'AWS-UpdateSSMAgent',
      Priority: 1,
      MaxConcurrency: '2',
      MaxErrors: '0',
      CutoffBehavior: 'CANCEL_TASK',
      Targets: [{ Key: 'WindowTargetIds', Values: [windowTargetId] }],
      AlarmConfiguration: { Alarms: [{ Name: 'software-update-failed' }], IgnorePollAlarmFailure: false },
      TaskInvocationParameters: {
        RunCommand: {
          TimeoutSeconds: 600,
          OutputS3BucketName: 'maintenance-window-logs',
          OutputS3KeyPrefix: 'software-updates',
          NotificationConfig: {
            NotificationArn: 'arn:aws:sns:ap-northeast-1:123456789012:maintenance-window-updates',
            NotificationEvents: ['All'],
            NotificationType: 'Command',
          },
        },
      },
    });
    expect(update.TaskInvocationParameters?.RunCommand?.Parameters).toEqual({ allowDowngrade: ['false'] });
  });

  it('edits a task through the form: concurrency as a percentage', async () => {
    await page.getByLabel('Select update-metrics-agent').last().check();
    await page.getByRole('button', { name: 'Edit task' }).click();
    // Prefilled: the document's parameters carry the task's own values.
    await expect(page.getByLabel(/^name/).inputValue()).resolves.toBe(PACKAGE);
    await expect(page.getByLabel(/^additionalArguments/).inputValue()).resolves.toBe('{}');
    const concurrency = page.getByLabel('Concurrency');
    await expect(concurrency.inputValue()).resolves.toBe('2');
    await page.getByRole('radiogroup', { name: 'Number or percentage of targets' }).getByText('Percentage').click();
    await concurrency.fill('0');
    await page.getByText('A whole percentage from 1% to 100%.').waitFor();
    await concurrency.fill('100');
    await page.getByLabel(/^Comment/).fill('edited in the console');
    await screenshot('07-edit-task');
    await concurrency.press('Enter');
    await page.getByText('Saved the AWS-ConfigureAWSPackage task.').waitFor();
    const { Tasks } = await ssm().send(new DescribeMaintenanceWindowTasksCommand({ WindowId: windowId }));
    const edited = await ssm().send(
      new GetMaintenanceWindowTaskCommand({
        WindowId: windowId,
        WindowTaskId: Tasks!.find((task) => task.Name === 'update-metrics-agent')!.WindowTaskId,
      }),
    );
    expect(edited).toMatchObject({
      TaskArn: 'AWS-ConfigureAWSPackage',
      Priority: 1,
      MaxConcurrency: '100%',
      MaxErrors: '0',
      CutoffBehavior: 'CANCEL_TASK',
      TaskInvocationParameters: { RunCommand: { TimeoutSeconds: 600, Comment: 'edited in the console' } },
    });
    expect(edited.TaskInvocationParameters?.RunCommand?.Parameters).toEqual({
      action: ['Install'],
      installationType: ['Uninstall and reinstall'],
      name: [PACKAGE],
      additionalArguments: ['{}'],
    });
  });

  it('runs when due: History shows SUCCESS on every node with its output', async () => {
    // Make the window due a few seconds after the form is submitted, in Tokyo time.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByRole('radio', { name: 'Cron or rate expression' }).check();
    const expression = page.getByRole('textbox', { name: 'Cron or rate expression' });
    const dueAt = DateTime.now().setZone(TIME_ZONE).plus({ milliseconds: DUE_IN_MS }).startOf('second');
    await expression.fill(`at(${dueAt.toFormat("yyyy-MM-dd'T'HH:mm:ss")})`);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved maintenance window software-updates.').waitFor();

    await page.getByRole('tab', { name: 'History' }).click();
    const execution = await eventually(
      () => ssm().send(new DescribeMaintenanceWindowExecutionsCommand({ WindowId: windowId })),
      (answer) => ['SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELLED'].includes(answer.WindowExecutions?.[0]?.Status ?? ''),
      { timeoutMs: 90_000, intervalMs: 500, what: 'the window execution to end' },
    );
    expect(execution.WindowExecutions).toHaveLength(1);
    expect(execution.WindowExecutions![0]!.Status, execution.WindowExecutions![0]!.StatusDetails).toBe('SUCCESS');
    const success = page.getByRole('row').filter({ hasText: 'SUCCESS' });
    await page.getByRole('button', { name: 'Refresh history' }).click();
    await success.first().waitFor();
    await screenshot('08-window-history');
    await success.first().getByRole('link').click();

    // Two tasks, each with an invocation and its output on every node.
    await page.getByRole('heading', { name: 'AWS-UpdateSSMAgent' }).waitFor();
    await page.getByRole('heading', { name: 'AWS-ConfigureAWSPackage' }).waitFor();
    for (const nodeId of fleet.nodeIds) {
      const outputs = page.getByLabel(`Output of ${nodeId}`, { exact: true });
      await eventually(
        () => outputs.count(),
        (count) => count === 2,
        { what: `two outputs of ${nodeId}` },
      );
      const texts = await outputs.allTextContents();
      expect(texts.join('\n')).toContain(`mado-agent updated successfully to ${NEW_AGENT} (was ${OLD_AGENT})`);
      expect(texts.join('\n')).toContain(`${PACKAGE} 2.0.0 is installed.`);
      const invocationRows = page.getByRole('row', { name: new RegExp(nodeId) });
      await expect(invocationRows.count()).resolves.toBe(2);
      for (const row of await invocationRows.all()) {
        await expect(row.textContent()).resolves.toMatch(/Success/i);
      }
    }
    await screenshot('09-execution-output');
    await screenshot('09-execution-output-1024', NARROW);

    // On the nodes: the new management agent.
    const nodes = await eventually(
      () => ssm().send(new DescribeInstanceInformationCommand({})),
      (answer) =>
        fleet.nodeIds.every((nodeId) =>
          answer.InstanceInformationList?.some((node) => node.InstanceId === nodeId && node.AgentVersion === NEW_AGENT),
        ),
      { timeoutMs: 30_000, what: `every node at ${NEW_AGENT} (from ${OLD_AGENT})` },
    );
    expect(nodes.InstanceInformationList).toHaveLength(3);
    expect(pageErrors, 'uncaught errors in the page').toEqual([]);
  });
});
