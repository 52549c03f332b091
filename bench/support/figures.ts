/**
 * Small statistics and formatting shared by the benchmarks' reports: medians and percentiles
 * over measured values, numbers with thousands separators, and the machine line every run
 * prints first (CPU count and model, Node, platform, load average).
 */
import { cpus, loadavg } from 'node:os';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) {
    return NaN;
  }
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * The nearest-rank percentile (`p` in 0..100) of values already sorted ascending: the smallest
 * value with at least p% of the values at or below it. NaN for no values.
 */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** A number with thousands separators and a fixed number of decimals; "-" for NaN. */
export const fmt = (value: number, digits = 0): string =>
  Number.isNaN(value)
    ? '-'
    : value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export function loadAverageText(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/** `Machine: 2 CPUs (model), Node v20…, linux/x64, load average 0.10 0.20 0.30` */
export function machineLine(): string {
  const cpuList = cpus();
  return `Machine: ${cpuList.length} CPUs (${cpuList[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, ${process.platform}/${process.arch}, load average ${loadAverageText()}`;
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes on one machine. */
export function preciseNowMs(): number {
  return performance.timeOrigin + performance.now();
}
