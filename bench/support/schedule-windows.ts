/**
 * The maintenance windows of `npm run bench:schedule`, through the SSM API: creating them with
 * their targets and tasks, giving them the next due time of a round, and reading back what the
 * history recorded for that due time.
 *
 * Due times are written as the operators of the benchmark's time zones would write them:
 * `cron(MM HH ? * * *)` in each window's own `ScheduleTimezone`, so one UTC minute is 02:00 in
 * one zone and 07:30 in another; `cronAtSecond` adds the seconds field for rounds that need not
 * wait for a whole minute.
 */
import {
  CreateMaintenanceWindowCommand,
  DescribeMaintenanceWindowExecutionsCommand,
  DescribeMaintenanceWindowExecutionTasksCommand,
  RegisterTargetWithMaintenanceWindowCommand,
  RegisterTaskWithMaintenanceWindowCommand,
  UpdateMaintenanceWindowCommand,
  type MaintenanceWindowExecution,
  type MaintenanceWindowExecutionTaskIdentity,
  type SSMClient,
  type Target,
} from '@aws-sdk/client-ssm';
import { inPool } from './pool.js';
import type { RunGuard } from './run-guard.js';

/** Whole-hour, half-hour and quarter-hour offsets, both hemispheres, with and without DST. */
export const ZONES = [
  'UTC',
  'America/New_York',
  'America/Los_Angeles',
  'Europe/Berlin',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Australia/Adelaide',
  'Pacific/Auckland',
] as const;

/** A schedule that does not come due while the benchmark runs (01-01 03:00 in the window's zone). */
export const PARKED_SCHEDULE = 'cron(0 3 1 1 ? *)';

/** API calls in flight while creating or rescheduling windows. */
const CALLS_IN_FLIGHT = 16;

export interface BenchWindow {
  readonly windowId: string;
  readonly zone: string;
  /** The node ids its task runs on, per task (in priority order). */
  readonly taskTargets: readonly (readonly string[])[];
}

/** One task of a window: the window target it runs on. */
export interface TaskSpec {
  readonly targets: Target[];
  readonly priority: number;
  /** The node ids those targets resolve to (for the checks). */
  readonly nodeIds: readonly string[];
}

export interface WindowSpec {
  readonly name: string;
  readonly zone: string;
  readonly tasks: readonly TaskSpec[];
}

/** `instantMs`'s wall-clock fields in `zone`. */
function wallClock(instantMs: number, zone: string): { hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instantMs));
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return { hour: field('hour'), minute: field('minute'), second: field('second') };
}

/** A daily cron that comes due at `instantMs` (a whole minute) in `zone`. */
export function cronAt(instantMs: number, zone: string): string {
  const { hour, minute } = wallClock(instantMs, zone);
  return `cron(${minute} ${hour} ? * * *)`;
}

/** A daily cron with a seconds field that comes due at `instantMs` (a whole second) in `zone`. */
export function cronAtSecond(instantMs: number, zone: string): string {
  const { hour, minute, second } = wallClock(instantMs, zone);
  return `cron(${second} ${minute} ${hour} ? * * *)`;
}

/** The first whole minute at least `leadMs` from `nowMs`. */
export function nextWholeMinute(nowMs: number, leadMs: number): number {
  return Math.ceil((nowMs + leadMs) / 60_000) * 60_000;
}

/** Creates a window (parked), one window target and one RUN_COMMAND task per task spec. */
async function createWindow(ssm: SSMClient, spec: WindowSpec): Promise<BenchWindow> {
  const created = await ssm.send(
    new CreateMaintenanceWindowCommand({
      Name: spec.name,
      Schedule: PARKED_SCHEDULE,
      ScheduleTimezone: spec.zone,
      Duration: 2,
      Cutoff: 0,
      AllowUnassociatedTargets: false,
    }),
  );
  const windowId = created.WindowId!;
  for (const [index, task] of spec.tasks.entries()) {
    const target = await ssm.send(
      new RegisterTargetWithMaintenanceWindowCommand({
        WindowId: windowId,
        ResourceType: 'INSTANCE',
        Targets: task.targets,
        Name: `nodes-${index + 1}`,
      }),
    );
    await ssm.send(
      new RegisterTaskWithMaintenanceWindowCommand({
        WindowId: windowId,
        TaskType: 'RUN_COMMAND',
        TaskArn: 'AWS-RunShellScript',
        Targets: [{ Key: 'WindowTargetIds', Values: [target.WindowTargetId!] }],
        Priority: task.priority,
        MaxConcurrency: '100%',
        MaxErrors: '0',
        Name: `task-${index + 1}`,
        TaskInvocationParameters: {
          RunCommand: { Parameters: { commands: ['echo ok'] }, TimeoutSeconds: 600 },
        },
      }),
    );
  }
  return { windowId, zone: spec.zone, taskTargets: spec.tasks.map((task) => task.nodeIds) };
}

export function createWindows(ssm: SSMClient, specs: readonly WindowSpec[], guard: RunGuard): Promise<BenchWindow[]> {
  return inPool(specs, CALLS_IN_FLIGHT, guard, (spec) => createWindow(ssm, spec));
}

/** Gives every window the schedule `scheduleOf` returns for its zone. */
export async function reschedule(
  ssm: SSMClient,
  windows: readonly BenchWindow[],
  scheduleOf: (zone: string) => string,
  guard: RunGuard,
): Promise<void> {
  await inPool(windows, CALLS_IN_FLIGHT, guard, (window) =>
    ssm.send(new UpdateMaintenanceWindowCommand({ WindowId: window.windowId, Schedule: scheduleOf(window.zone) })),
  );
}

/** What the history holds for one window's due time. */
export interface RecordedRun {
  readonly window: BenchWindow;
  /** Executions recorded since the due time (exactly one when the due time fired once). */
  readonly executions: readonly MaintenanceWindowExecution[];
  readonly tasks: readonly MaintenanceWindowExecutionTaskIdentity[];
}

const TERMINAL = new Set(['SUCCESS', 'FAILED', 'TIMED_OUT', 'CANCELLED', 'SKIPPED_OVERLAPPING']);

export function isTerminalRun(run: RecordedRun): boolean {
  return run.executions.length > 0 && run.executions.every((execution) => TERMINAL.has(execution.Status ?? ''));
}

/** Reads each window's executions recorded at or after `sinceMs`, and the tasks of the first. */
export function readRuns(
  ssm: SSMClient,
  windows: readonly BenchWindow[],
  sinceMs: number,
  guard: RunGuard,
): Promise<RecordedRun[]> {
  return inPool(windows, CALLS_IN_FLIGHT, guard, async (window) => {
    const listed = await ssm.send(
      new DescribeMaintenanceWindowExecutionsCommand({
        WindowId: window.windowId,
        Filters: [
          {
            Key: 'ExecutedAfter',
            Values: [new Date(Math.floor(sinceMs / 1000) * 1000).toISOString().replace('.000Z', 'Z')],
          },
        ],
        MaxResults: 10,
      }),
    );
    const executions = (listed.WindowExecutions ?? []).filter(
      (execution) => (execution.StartTime?.getTime() ?? 0) >= sinceMs,
    );
    const first = executions[0];
    const tasks =
      first === undefined
        ? []
        : ((
            await ssm.send(
              new DescribeMaintenanceWindowExecutionTasksCommand({ WindowExecutionId: first.WindowExecutionId }),
            )
          ).WindowExecutionTaskIdentities ?? []);
    return { window, executions, tasks };
  });
}
