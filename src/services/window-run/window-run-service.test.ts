/**
 * The WindowRunService's transitions, each alone, on a fake clock and an SQLite store: what each
 * writes to the history, and that both cancel paths write the same thing.
 */
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Services } from '../../api/operation.js';
import type { MaintenanceWindow, WindowTask } from '../../domain/maintenance-window.js';
import type { WindowExecution } from '../../domain/window-execution.js';
import { DETAILS, runFrame } from '../../domain/window-run.js';
import { buildServices } from '../../server/server.js';
import { FakeClock } from '../../shared/fake-clock.js';
import { silentLogger } from '../../shared/logger.js';
import { openSqliteStore } from '../../store/sqlite/sqlite-store.js';
import type { Store } from '../../store/store.js';
import { KeyRing } from '../access-key-service.js';
import { BuiltinDocumentCatalog } from '../builtin-document-catalog.js';
import type { DispatchNotifier } from '../dispatch-notifier.js';
import { SecretBox } from '../secret-box.js';
import { DEFAULT_QUOTAS, type ServiceContext } from '../service-context.js';
import { FLEET_SNAPSHOT_MS, WindowRunService, type CommandPort } from './window-run-service.js';

const ACCOUNT_ID = '123456789012';
const NODE = 'mi-00000000000000001';
const START = Date.parse('2026-06-01T00:00:00Z');
const DUE = Date.parse('2026-06-01T01:00:00Z');

let clock: FakeClock;
let store: Store;
let services: Services;
let runs: WindowRunService;
let dispatched: string[];
let window: MaintenanceWindow;
let task: WindowTask;

beforeEach(async () => {
  clock = new FakeClock(START);
  store = openSqliteStore({ filename: ':memory:' }, START).store;
  dispatched = [];
  const notifier: DispatchNotifier = {
    commandCreated: (commandId) => dispatched.push(commandId),
    commandCancelRequested: () => {},
    nodeDeregistered: () => {},
  };
  const ctx: ServiceContext = { store, clock, logger: silentLogger, quotas: DEFAULT_QUOTAS, accountId: ACCOUNT_ID };
  services = buildServices(ctx, new KeyRing(new SecretBox(randomBytes(32))), {
    documents: new BuiltinDocumentCatalog(),
    notifier,
    onlineThresholdMs: 600_000,
  });
  const commands: CommandPort = services.commands;
  runs = new WindowRunService(ctx, commands);
  await store.registerManagedNode(
    {
      instanceId: NODE,
      activationId: '0f5c3e4a-1b2c-4d5e-8f90-a1b2c3d4e5f6',
      iamRole: 'MadoNodeRole',
      publicKey: 'key',
      registeredAt: START,
      facts: {
        agentVersion: '1.0.0',
        platformType: 'Linux',
        platformName: 'Debian GNU/Linux',
        platformVersion: '12',
        architecture: 'x86_64',
        computerName: 'host-1',
        ipAddresses: ['10.0.0.1'],
      },
      lastPingAt: START,
    },
    new Map(),
  );
  const windowId = await services.windows.create(
    { name: 'nightly', schedule: 'cron(0 1 ? * * *)', duration: 2, cutoff: 1, allowUnassociatedTargets: true },
    [],
  );
  const windowTaskId = await services.tasks.register(windowId, 'RUN_COMMAND', {
    taskArn: 'AWS-RunShellScript',
    targets: [{ Key: 'InstanceIds', Values: [NODE] }],
    priority: 1,
    maxConcurrency: '1',
    maxErrors: '0',
    taskInvocationParameters: {
      RunCommand: { Parameters: { commands: ['echo {{WINDOW_EXECUTION_ID}}'] }, Comment: 'run {{INVOCATION_ID}}' },
    },
  });
  window = (await store.getWindow(windowId))!;
  task = (await store.getWindowTask(windowId, windowTaskId))!;
  clock.set(new Date(DUE + 5));
});

/** A started execution (PENDING → IN_PROGRESS). */
async function started(): Promise<WindowExecution> {
  const [pending] = await runs.recordDueTimes([{ kind: 'start', window, dueAt: DUE }]);
  return runs.startExecution(pending!, window);
}

describe('WindowRunService due times', () => {
  it('records a started, a skipped and a missed due time in one call, each once', async () => {
    const earlier = DUE - 86_400_000;
    const started = await runs.recordDueTimes([
      { kind: 'missed', window, dueAt: earlier - 86_400_000 },
      { kind: 'overlapping', window, dueAt: earlier, running: 'previous-run' },
      { kind: 'start', window, dueAt: DUE },
    ]);
    expect(started.map((execution) => [execution.status, execution.scheduledAt, execution.startedAt])).toEqual([
      ['PENDING', DUE, DUE + 5],
    ]);
    const history = (await store.listWindowExecutions({ windowId: window.windowId, limit: 10 })).items;
    expect(history.map((execution) => [execution.status, execution.statusDetails]).sort()).toEqual([
      ['PENDING', undefined],
      ['SKIPPED_OVERLAPPING', DETAILS.overlapping('previous-run')],
      [
        'TIMED_OUT',
        'Not started: the server did not run it between its due time 2026-05-30T01:00:00Z and its cutoff 2026-05-30T02:00:00Z (it was stopped or stalled).',
      ],
    ]);
    // The same due time again (another pass, or another server): refused by the unique key.
    expect(await runs.recordDueTimes([{ kind: 'start', window, dueAt: DUE }])).toEqual([]);
  });
});

describe('WindowRunService execution', () => {
  it('queues, starts with the plan of the moment, and ends', async () => {
    const [pending] = await runs.recordDueTimes([{ kind: 'start', window, dueAt: DUE }]);
    const queued = await runs.queue(pending!);
    expect((await store.getWindowExecution(queued.windowExecutionId))?.statusDetails).toBe(DETAILS.queued);
    clock.set(new Date(DUE + 1000));
    const running = await runs.startExecution(queued, window);
    const stored = await store.getWindowExecution(running.windowExecutionId);
    expect(stored).toMatchObject({ status: 'IN_PROGRESS', statusDetails: '', startedAt: DUE + 1000 });
    expect(stored?.plan).toEqual({ duration: 2, cutoff: 1, allowUnassociatedTargets: true, tasks: [task] });
    const ended = await runs.endExecution(running, 'SUCCESS', DETAILS.windowSucceeded);
    expect(await store.getWindowExecution(ended.windowExecutionId)).toMatchObject({
      status: 'SUCCESS',
      statusDetails: DETAILS.windowSucceeded,
      endedAt: DUE + 1000,
    });
  });
});

describe('WindowRunService tasks', () => {
  it('starts a group, records targets, launches an invocation with its command in one write, settles and ends it', async () => {
    const execution = await started();
    const [taskExecution] = await runs.startGroup(execution, [task]);
    expect(taskExecution).toMatchObject({
      status: 'IN_PROGRESS',
      serviceRole: `arn:aws:iam::${ACCOUNT_ID}:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM`,
      taskParameters: { commands: { Values: ['echo {{WINDOW_EXECUTION_ID}}'] } },
    });
    const recorded = await runs.recordTargets({ execution, task, taskExecution: taskExecution! });
    if (!('taskExecution' in recorded)) {
      throw new Error(recorded.failure);
    }
    expect(recorded.taskExecution.runTargets).toEqual([{ instanceId: NODE, resourceType: 'INSTANCE' }]);
    expect(
      (await store.getTaskExecution(execution.windowExecutionId, taskExecution!.taskExecutionId))?.taskParameters,
    ).toEqual({
      commands: { Values: ['echo {{WINDOW_EXECUTION_ID}}'] },
      'aws:InstanceId': { Values: [NODE] },
    });

    const site = { execution, task, taskExecution: recorded.taskExecution };
    const launch = await runs.prepareInvocation(site, recorded.taskExecution.runTargets![0]!);
    expect(launch.kind).toBe('ready');
    // Nothing is stored until the launch.
    expect(await store.listAllTaskInvocations(taskExecution!.taskExecutionId)).toEqual([]);
    let dispatchedAtCommit: string[] | undefined;
    await runs.launch([launch], () => {
      dispatchedAtCommit = [...dispatched];
    });
    const [invocation] = await store.listAllTaskInvocations(taskExecution!.taskExecutionId);
    const command = await store.getCommand(invocation!.executionId!);
    expect(command?.parameters).toEqual({ commands: [`echo ${execution.windowExecutionId}`] });
    expect(command?.comment).toBe(`run ${invocation!.invocationId}`);
    expect(dispatchedAtCommit).toEqual([]);
    expect(dispatched).toEqual([invocation!.executionId]);

    clock.set(new Date(DUE + 60_000));
    expect(await runs.settleInvocation(invocation!, 'Success', DUE + 50_000, false)).toBe('SUCCESS');
    expect((await store.listAllTaskInvocations(taskExecution!.taskExecutionId))[0]).toMatchObject({
      status: 'SUCCESS',
      statusDetails: 'Success',
      endedAt: DUE + 50_000,
    });
    const ended = await runs.endTask(
      recorded.taskExecution,
      runFrame(window, DUE),
      'SUCCESS',
      'All 1 invocations succeeded.',
    );
    expect(ended).toMatchObject({ status: 'SUCCESS', endedInsideWindow: true, endedAt: DUE + 60_000 });
  });

  it('reads the fleet once for the task starts of one second, and again after it', async () => {
    const reads = vi.spyOn(store, 'listActiveNodes');
    const startTask = async (dueAt: number) => {
      const [pending] = await runs.recordDueTimes([{ kind: 'start', window, dueAt }]);
      const execution = await runs.startExecution(pending!, window);
      const [taskExecution] = await runs.startGroup(execution, [task]);
      const recorded = await runs.recordTargets({ execution, task, taskExecution: taskExecution! });
      expect('taskExecution' in recorded && recorded.taskExecution.runTargets).toEqual([
        { instanceId: NODE, resourceType: 'INSTANCE' },
      ]);
    };
    await startTask(DUE);
    clock.set(new Date(DUE + 5 + FLEET_SNAPSHOT_MS - 1));
    await startTask(DUE + 1);
    expect(reads).toHaveBeenCalledTimes(1);
    clock.set(new Date(DUE + 5 + FLEET_SNAPSHOT_MS));
    await startTask(DUE + 2);
    expect(reads).toHaveBeenCalledTimes(2);
  });

  it('fails the invocation of a node that is gone at launch, storing no command', async () => {
    const execution = await started();
    const [taskExecution] = await runs.startGroup(execution, [task]);
    const site = { execution, task, taskExecution: taskExecution! };
    const launch = await runs.prepareInvocation(site, { instanceId: 'mi-0000000000000dead', resourceType: 'INSTANCE' });
    expect(launch).toMatchObject({ kind: 'failed', invocation: { status: 'FAILED', statusDetails: 'Undeliverable' } });
    await runs.launch([launch]);
    expect(dispatched).toEqual([]);
    expect((await store.listAllTaskInvocations(taskExecution!.taskExecutionId)).map((i) => i.status)).toEqual([
      'FAILED',
    ]);
  });

  it('counts a command cancelled at the cutoff as timed out, and says when a task ended after its window', async () => {
    const execution = await started();
    const [taskExecution] = await runs.startGroup(execution, [task]);
    expect(
      await runs.settleInvocation(
        { ...taskExecution!, invocationId: 'i', parameters: '', status: 'IN_PROGRESS' },
        'Cancelled',
        DUE,
        true,
      ),
    ).toBe('TIMED_OUT');
    clock.set(new Date(DUE + 3 * 3_600_000));
    const ended = await runs.endTask(taskExecution!, runFrame(window, DUE), 'TIMED_OUT', DETAILS.stoppedAtCutoff);
    expect(ended).toMatchObject({
      endedInsideWindow: false,
      statusDetails: DETAILS.endedAfterWindow(DETAILS.stoppedAtCutoff),
    });
  });
});

describe('WindowRunService cancel', () => {
  /** The execution as the history shows it, without its ids. */
  async function recordOf(windowExecutionId: string) {
    const { status, statusDetails, cancelRequested, endedAt } = (await store.getWindowExecution(windowExecutionId))!;
    return { status, statusDetails, cancelRequested, endedAt };
  }

  it('writes the same request for CancelMaintenanceWindowExecution and for the deletion of the window', async () => {
    const first = await started();
    expect(await runs.requestCancel(first.windowExecutionId)).toBe(true);
    const byCancel = await recordOf(first.windowExecutionId);
    // Asked again: already cancelling, nothing changes.
    expect(await runs.requestCancel(first.windowExecutionId)).toBe(false);
    await runs.endExecution(first, 'CANCELLED', DETAILS.cancelled);

    const [second] = await runs.recordDueTimes([{ kind: 'start', window, dueAt: DUE + 86_400_000 }]);
    await runs.startExecution(second!, window);
    await store.transaction((within) => runs.cancelExecutionsOf(window.windowId, within));
    const byDeletion = await recordOf(second!.windowExecutionId);

    expect(byCancel).toEqual({
      status: 'CANCELLING',
      statusDetails: DETAILS.cancelling,
      cancelRequested: true,
      endedAt: undefined,
    });
    expect(byDeletion).toEqual(byCancel);
    // The ended execution was left as it is.
    expect((await recordOf(first.windowExecutionId)).status).toBe('CANCELLED');
  });

  it('refuses an unknown execution', async () => {
    await expect(runs.requestCancel('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      name: 'NotFoundError',
      resource: 'WindowExecution',
    });
  });
});
