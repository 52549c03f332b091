/**
 * What the benchmarks read about processes on Linux: resident memory and CPU time from
 * `/proc/<pid>/…`, and the open-files limit.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface MemoryFigures {
  /** VmRSS: resident now. */
  readonly rssBytes: number;
  /** VmHWM: the peak resident size so far. */
  readonly peakRssBytes: number;
}

/** VmRSS and VmHWM of a process; undefined when /proc does not have it (not Linux, or gone). */
export function readMemory(pid: number | undefined): MemoryFigures | undefined {
  if (pid === undefined) {
    return undefined;
  }
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    // Not Linux, or the process has exited: the caller prints "-".
    return undefined;
  }
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rssBytes: kib('VmRSS'), peakRssBytes: kib('VmHWM') };
}

let clockTicksPerSecond: number | undefined;

/** User + system CPU seconds a process has used so far; undefined when /proc does not have it. */
export function readCpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) {
    return undefined;
  }
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    // Not Linux, or the process has exited.
    return undefined;
  }
  // Fields after the command name (which may contain spaces) start at ") ": utime is field 14,
  // stime field 15 of the whole line, so 12 and 13 of what follows the name.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  clockTicksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

export interface OpenFilesLimits {
  readonly soft: number;
  /** `Infinity` when unlimited. */
  readonly hard: number;
}

/**
 * The open-files limits a child of this process gets (`ulimit -Sn`, `-Hn` in a shell). Node
 * raises its own soft limit to the hard limit when it starts, so for the server and the load
 * generator (Node processes) the hard limit is the one that counts.
 */
export function openFilesLimits(): OpenFilesLimits {
  const text = execFileSync('/bin/sh', ['-c', 'ulimit -Sn; ulimit -Hn'], { encoding: 'utf8' });
  const [soft, hard] = text
    .trim()
    .split('\n')
    .map((line) => (line.trim() === 'unlimited' ? Infinity : Number(line.trim())));
  return { soft: soft ?? NaN, hard: hard ?? NaN };
}

/** Bytes as MB (10^6), the unit of the goals. */
export function megabytes(bytes: number): number {
  return bytes / 1_000_000;
}

/** What a process used over a span: CPU seconds, resident memory at its end and at its peak. */
export interface SpanUsage {
  readonly cpuSeconds: number;
  readonly rssEndMb: number;
  /** Highest VmRSS sampled during the span (every `sampleMs`). */
  readonly rssPeakMb: number;
}

/**
 * Measures one process over a span (a benchmark's phase or round): CPU from /proc at both ends,
 * VmRSS sampled while it runs (VmHWM is the peak since the process started, not the span's).
 */
export class ProcessMeter {
  private readonly cpuAtStart: number;
  private peakRssBytes: number;
  private readonly sampler: NodeJS.Timeout;

  constructor(
    private readonly pid: number | undefined,
    sampleMs = 200,
  ) {
    this.cpuAtStart = readCpuSeconds(pid) ?? NaN;
    this.peakRssBytes = readMemory(pid)?.rssBytes ?? NaN;
    this.sampler = setInterval(() => this.sample(), sampleMs);
    this.sampler.unref();
  }

  stop(): SpanUsage {
    clearInterval(this.sampler);
    const rssEnd = this.sample();
    return {
      cpuSeconds: (readCpuSeconds(this.pid) ?? NaN) - this.cpuAtStart,
      rssEndMb: megabytes(rssEnd),
      rssPeakMb: megabytes(this.peakRssBytes),
    };
  }

  private sample(): number {
    const rss = readMemory(this.pid)?.rssBytes ?? NaN;
    this.peakRssBytes = Number.isNaN(this.peakRssBytes) ? rss : Math.max(this.peakRssBytes, rss);
    return rss;
  }
}
