/**
 * The figures of `npm run bench:schedule`: what one round measured, worked out from the
 * history the server recorded (not from the benchmark's own clock), and the tables it prints.
 */
import { fmt, median, percentileOfSorted } from './figures.js';
import type { SpanUsage } from './process-stats.js';
import type { RecordedRun } from './schedule-windows.js';

/** One round of a minute phase: many windows due at the same instant. */
export interface MinuteRound {
  readonly label: string;
  /** Execution StartTime − due time, over the windows. */
  readonly lateMs: Spread;
  /** First task execution's StartTime − due time, over the windows (includes the slot wait). */
  readonly runningMs: Spread;
  /** Latest execution EndTime − due time: when all were SUCCESS. */
  readonly allSuccessMs: number;
  readonly repeatedDeliveries: number;
  readonly usage: SpanUsage;
}

/** One round of the priority-group phase: one window, groups run one after another. */
export interface GroupRound {
  readonly label: string;
  readonly lateMs: number;
  /** Execution EndTime − StartTime. */
  readonly startToSuccessMs: number;
  /** Each task's EndTime − StartTime, in priority order. */
  readonly groupMs: readonly number[];
  readonly repeatedDeliveries: number;
  readonly usage: SpanUsage;
}

/** p50, p99 and max of a figure over many windows. */
export interface Spread {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

function spreadOf(values: number[]): Spread {
  const sorted = values.sort((a, b) => a - b);
  return {
    p50: percentileOfSorted(sorted, 50),
    p99: percentileOfSorted(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

const ms = (date: Date | undefined) => date?.getTime() ?? NaN;

/**
 * Checks that every window's due time fired once and ended SUCCESS with all its tasks SUCCESS.
 * @returns what is wrong, at most a few examples of each kind (empty when all is well).
 */
export function problemsOf(runs: readonly RecordedRun[]): string[] {
  const problems: string[] = [];
  const report = (what: string, bad: readonly RecordedRun[], detail: (run: RecordedRun) => string) => {
    if (bad.length > 0) {
      problems.push(`${fmt(bad.length)} windows ${what}, e.g. ${bad.slice(0, 3).map(detail).join('; ')}`);
    }
  };
  report(
    'do not have exactly one execution for the due time',
    runs.filter((run) => run.executions.length !== 1),
    (run) => `${run.window.windowId}: ${run.executions.length}`,
  );
  report(
    'did not end SUCCESS',
    runs.filter((run) => run.executions.length === 1 && run.executions[0]!.Status !== 'SUCCESS'),
    (run) => `${run.window.windowId}: ${run.executions[0]!.Status} (${run.executions[0]!.StatusDetails ?? ''})`,
  );
  report(
    'have a task that is missing or not SUCCESS',
    runs.filter(
      (run) =>
        run.tasks.length !== run.window.taskTargets.length || run.tasks.some((task) => task.Status !== 'SUCCESS'),
    ),
    (run) =>
      `${run.window.windowId}: ${run.tasks.map((task) => `${task.Status} ${task.StatusDetails ?? ''}`).join(', ')}`,
  );
  return problems;
}

export function minuteFigures(
  label: string,
  dueAt: number,
  runs: readonly RecordedRun[],
  repeatedDeliveries: number,
  usage: SpanUsage,
): MinuteRound {
  const executions = runs.map((run) => run.executions[0]!);
  return {
    label,
    lateMs: spreadOf(executions.map((execution) => ms(execution.StartTime) - dueAt)),
    runningMs: spreadOf(runs.map((run) => Math.min(...run.tasks.map((task) => ms(task.StartTime))) - dueAt)),
    allSuccessMs: Math.max(...executions.map((execution) => ms(execution.EndTime))) - dueAt,
    repeatedDeliveries,
    usage,
  };
}

export function groupFigures(
  label: string,
  dueAt: number,
  run: RecordedRun,
  repeatedDeliveries: number,
  usage: SpanUsage,
): GroupRound {
  const execution = run.executions[0]!;
  const tasks = [...run.tasks].sort((a, b) => ms(a.StartTime) - ms(b.StartTime));
  return {
    label,
    lateMs: ms(execution.StartTime) - dueAt,
    startToSuccessMs: ms(execution.EndTime) - ms(execution.StartTime),
    groupMs: tasks.map((task) => ms(task.EndTime) - ms(task.StartTime)),
    repeatedDeliveries,
    usage,
  };
}

const pct = (spread: Spread) =>
  `${fmt(spread.p50).padStart(6)} ${fmt(spread.p99).padStart(6)} ${fmt(spread.max).padStart(6)}`;
const usageText = (usage: SpanUsage) =>
  `${fmt(usage.cpuSeconds, 1).padStart(6)} | ${fmt(usage.rssEndMb).padStart(5)} ${fmt(usage.rssPeakMb).padStart(5)}`;

export const MINUTE_HEADER = [
  '         | execution late, ms   | first task late, ms  |  all SUCCESS | server | server RSS, MB | repeated',
  'round    |    p50    p99    max |    p50    p99    max |  after due s |  CPU s |   end  peak    | deliveries',
];

export function minuteRow(round: MinuteRound): string {
  return (
    `${round.label.padEnd(8)} | ${pct(round.lateMs)} | ${pct(round.runningMs)} | ${fmt(round.allSuccessMs / 1000, 2).padStart(12)} | ` +
    `${usageText(round.usage)}    | ${fmt(round.repeatedDeliveries).padStart(10)}`
  );
}

/** The median of each figure over the rounds (each round's p50, p99 and max, then their medians). */
export function minuteMedian(rounds: readonly MinuteRound[]): MinuteRound {
  const of = (pick: (round: MinuteRound) => number) => median(rounds.map(pick));
  const spread = (pick: (round: MinuteRound) => Spread): Spread => ({
    p50: of((round) => pick(round).p50),
    p99: of((round) => pick(round).p99),
    max: of((round) => pick(round).max),
  });
  return {
    label: 'median',
    lateMs: spread((round) => round.lateMs),
    runningMs: spread((round) => round.runningMs),
    allSuccessMs: of((round) => round.allSuccessMs),
    repeatedDeliveries: of((round) => round.repeatedDeliveries),
    usage: medianUsage(rounds.map((round) => round.usage)),
  };
}

function medianUsage(usages: readonly SpanUsage[]): SpanUsage {
  return {
    cpuSeconds: median(usages.map((usage) => usage.cpuSeconds)),
    rssEndMb: median(usages.map((usage) => usage.rssEndMb)),
    rssPeakMb: median(usages.map((usage) => usage.rssPeakMb)),
  };
}

export const GROUP_HEADER = [
  '         | late | start → SUCCESS | each priority group, s    | server | server RSS, MB | repeated',
  'round    |   ms |               s |                           |  CPU s |   end  peak    | deliveries',
];

export function groupRow(round: GroupRound): string {
  return (
    `${round.label.padEnd(8)} | ${fmt(round.lateMs).padStart(4)} | ${fmt(round.startToSuccessMs / 1000, 2).padStart(15)} | ` +
    `${round.groupMs
      .map((value) => fmt(value / 1000, 2))
      .join(', ')
      .padEnd(25)} | ${usageText(round.usage)}    | ` +
    `${fmt(round.repeatedDeliveries).padStart(10)}`
  );
}

export function groupMedian(rounds: readonly GroupRound[]): GroupRound {
  const of = (pick: (round: GroupRound) => number) => median(rounds.map(pick));
  return {
    label: 'median',
    lateMs: of((round) => round.lateMs),
    startToSuccessMs: of((round) => round.startToSuccessMs),
    groupMs: rounds[0]!.groupMs.map((_, index) => of((round) => round.groupMs[index] ?? NaN)),
    repeatedDeliveries: of((round) => round.repeatedDeliveries),
    usage: medianUsage(rounds.map((round) => round.usage)),
  };
}
