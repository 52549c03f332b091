/**
 * Summarises a V8 `.cpuprofile` (as written by `node --cpu-prof`): the functions with the most
 * self time, the functions with the most inclusive time, and self time per area (a package in
 * node_modules, a file of ours, Node internals, GC, idle).
 *
 * Usage: node --import tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top=25] [fromS toS]
 * With `fromS toS`, only samples taken that many seconds after the profile started count
 * (the benchmark passes the span of its measured rounds).
 * `bench/api-throughput.ts --profile-server` calls `summariseCpuProfile` itself.
 *
 * Times come from the sample deltas: sample i is charged the time until sample i+1. Idle time
 * (`(idle)`) is reported but excluded from the "% busy" column, so the column reads as "share
 * of the time the server's main thread was doing something".
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const PSEUDO_FRAMES = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Shortens a script URL to something readable: `fastify/lib/route.js`, `dist/api/api-handler.js`. */
function shortUrl(url: string): string {
  if (url === '') {
    return '';
  }
  const path = url.replace(/^file:\/\//, '');
  const modulesAt = path.lastIndexOf('/node_modules/');
  if (modulesAt >= 0) {
    return path.slice(modulesAt + '/node_modules/'.length);
  }
  const distAt = path.lastIndexOf('/dist/');
  if (distAt >= 0) {
    return path.slice(distAt + 1);
  }
  return path;
}

/** The area a frame belongs to: a package, one of our dist/ folders, Node itself, or a pseudo frame. */
function areaOf(frame: CallFrame): string {
  if (PSEUDO_FRAMES.has(frame.functionName)) {
    return frame.functionName;
  }
  const url = shortUrl(frame.url);
  if (url === '') {
    return '(native / V8 builtins)';
  }
  if (url.startsWith('node:')) {
    return url.replace(/^node:internal\/([^/]+).*$/, 'node:internal/$1');
  }
  if (url.startsWith('dist/')) {
    return url.split('/').slice(0, 2).join('/');
  }
  if (frame.url.includes('/node_modules/')) {
    const parts = url.split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  return url;
}

function frameKey(frame: CallFrame): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  const url = shortUrl(frame.url);
  return url === '' ? name : `${name}  ${url}:${frame.lineNumber + 1}`;
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly idleMs: number;
  readonly text: string;
}

function table(title: string, rows: [string, number][], totalMs: number, busyMs: number, top: number): string[] {
  const lines = [title, `  ${'self ms'.padStart(9)} ${'% busy'.padStart(7)}  function`];
  for (const [key, ms] of rows.slice(0, top)) {
    lines.push(`  ${ms.toFixed(0).padStart(9)} ${((100 * ms) / busyMs).toFixed(1).padStart(6)}%  ${key}`);
  }
  void totalMs;
  return lines;
}

/** Seconds after the start of the profile; samples outside are ignored. */
export interface ProfileSpan {
  readonly fromS: number;
  readonly toS: number;
}

/** Reads and summarises one profile; `top` rows per table. */
export function summariseCpuProfile(file: string, top = 25, span?: ProfileSpan): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) {
      parentOf.set(child, node.id);
    }
  }
  const selfMs = new Map<string, number>();
  const inclusiveMs = new Map<string, number>();
  const areaMs = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  const sampleCount = profile.samples.length;
  let counted = 0;
  // timeDeltas[i] is the time from sample i-1 (or the profile start) to sample i.
  let sampledAtUs = profile.startTime;
  for (let i = 0; i < sampleCount; i++) {
    sampledAtUs += profile.timeDeltas[i] ?? 0;
    const offsetS = (sampledAtUs - profile.startTime) / 1e6;
    if (span !== undefined && (offsetS < span.fromS || offsetS > span.toS)) {
      continue;
    }
    counted++;
    // Sample i lasts until sample i+1; the last one is charged the mean interval.
    const deltaUs =
      i + 1 < sampleCount
        ? profile.timeDeltas[i + 1]!
        : (profile.endTime - profile.startTime) / Math.max(1, sampleCount);
    const ms = Math.max(0, deltaUs) / 1000;
    const node = byId.get(profile.samples[i]!);
    if (node === undefined) {
      continue;
    }
    totalMs += ms;
    if (node.callFrame.functionName === '(idle)') {
      idleMs += ms;
    }
    add(selfMs, frameKey(node.callFrame), ms);
    add(areaMs, areaOf(node.callFrame), ms);
    // Inclusive: every distinct function on the stack, once per sample (recursion counted once).
    const seen = new Set<string>();
    for (let id: number | undefined = node.id, depth = 0; id !== undefined && depth < 1000; depth++) {
      const frameNode = byId.get(id);
      if (frameNode === undefined) {
        break;
      }
      const key = frameKey(frameNode.callFrame);
      if (!seen.has(key) && !PSEUDO_FRAMES.has(frameNode.callFrame.functionName)) {
        seen.add(key);
        add(inclusiveMs, key, ms);
      }
      id = parentOf.get(id);
    }
  }
  const busyMs = Math.max(1e-9, totalMs - idleMs);
  const sorted = (map: Map<string, number>) =>
    [...map.entries()].filter(([key]) => key !== '(idle)').sort((a, b) => b[1] - a[1]);
  const lines = [
    `Profile ${file}`,
    span === undefined
      ? '  whole profile'
      : `  only samples from ${span.fromS.toFixed(1)} s to ${span.toS.toFixed(1)} s after the profile started`,
    `  sampled ${(totalMs / 1000).toFixed(1)} s, of which idle ${(idleMs / 1000).toFixed(1)} s and busy ${(busyMs / 1000).toFixed(1)} s (${counted} samples)`,
    '',
    ...table(`Top ${top} functions by self time`, sorted(selfMs), totalMs, busyMs, top),
    '',
    ...table(`Self time by area`, sorted(areaMs), totalMs, busyMs, top),
    '',
    ...table(`Top ${top} functions by inclusive time (self + callees)`, sorted(inclusiveMs), totalMs, busyMs, top).map(
      (line) => line.replace('self ms', ' incl ms'),
    ),
  ];
  return { totalMs, idleMs, text: lines.join('\n') };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const [file, top, fromS, toS] = process.argv.slice(2);
  if (file === undefined) {
    console.error('Usage: node --import tsx bench/cpu-profile-summary.ts <file.cpuprofile> [top=25] [fromS toS]');
    process.exit(2);
  }
  const span = fromS !== undefined && toS !== undefined ? { fromS: Number(fromS), toS: Number(toS) } : undefined;
  console.log(summariseCpuProfile(file, top === undefined ? 25 : Number(top), span).text);
}
