/**
 * Agent releases: a bundled agent file (`mado-agent.cjs`) with the version it reports and the
 * SHA-256 of its bytes. The server keeps them; `aws:updateSsmAgent` on a node installs one.
 *
 * Versions are SSM-agent-like: three or four numeric parts (`1.2.0`, `3.2.1798.0`), optionally
 * followed by a semver pre-release (`1.2.0-rc.1`). Their order (`compareAgentVersions`) is
 * semantic: numeric parts as numbers (missing parts count as 0), then a version with a
 * pre-release before the same version without one, pre-release identifiers compared as semver
 * does. Two different strings never compare equal (ties fall back to the text), so "the latest
 * release" is always one release and "already installed" means exactly this version.
 */

/** What an agent version looks like (the hello's `facts.agentVersion` and a release's version). */
export const AGENT_VERSION_PATTERN = /^[0-9]{1,6}(\.[0-9]{1,6}){2,3}(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

export const MAX_AGENT_VERSION_LENGTH = 64;

/**
 * The line `scripts/build-agent.mjs` puts right after the bundle's `#!` line, so that the
 * version of a bundle can be read without running it.
 */
export const BUNDLE_VERSION_MARKER = '// mado-agent-version: ';

export interface AgentRelease {
  readonly version: string;
  /** SHA-256 of the bundle, lower-case hex. */
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly publishedAt: number;
}

export function isAgentVersion(value: string): boolean {
  return value.length <= MAX_AGENT_VERSION_LENGTH && AGENT_VERSION_PATTERN.test(value);
}

interface ParsedVersion {
  readonly numbers: readonly number[];
  readonly preRelease: readonly string[];
}

function parse(version: string): ParsedVersion {
  const dash = version.indexOf('-');
  const core = dash < 0 ? version : version.slice(0, dash);
  const numbers = core.split('.').map((part) => Number.parseInt(part, 10) || 0);
  while (numbers.length < 4) {
    numbers.push(0);
  }
  return { numbers, preRelease: dash < 0 ? [] : version.slice(dash + 1).split('.') };
}

function sign(value: number): -1 | 0 | 1 {
  return value < 0 ? -1 : value > 0 ? 1 : 0;
}

/** Semver's pre-release identifier order: numeric < alphanumeric; numbers by value, text by ASCII. */
function compareIdentifiers(a: string, b: string): -1 | 0 | 1 {
  const aNumeric = /^[0-9]+$/.test(a);
  const bNumeric = /^[0-9]+$/.test(b);
  if (aNumeric && bNumeric) {
    return sign(Number(a) - Number(b));
  }
  if (aNumeric !== bNumeric) {
    return aNumeric ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Orders two agent versions (see the file header): negative when `a` is older than `b`. Works on
 * any strings, valid versions or not, and is a total order (0 only for equal strings).
 */
export function compareAgentVersions(a: string, b: string): -1 | 0 | 1 {
  if (a === b) {
    return 0;
  }
  const left = parse(a);
  const right = parse(b);
  for (let index = 0; index < 4; index += 1) {
    const difference = sign(left.numbers[index]! - right.numbers[index]!);
    if (difference !== 0) {
      return difference;
    }
  }
  if (left.preRelease.length === 0 || right.preRelease.length === 0) {
    if (left.preRelease.length !== right.preRelease.length) {
      return left.preRelease.length === 0 ? 1 : -1;
    }
  } else {
    const shared = Math.min(left.preRelease.length, right.preRelease.length);
    for (let index = 0; index < shared; index += 1) {
      const difference = compareIdentifiers(left.preRelease[index]!, right.preRelease[index]!);
      if (difference !== 0) {
        return difference;
      }
    }
    if (left.preRelease.length !== right.preRelease.length) {
      return left.preRelease.length < right.preRelease.length ? -1 : 1;
    }
  }
  // Same precedence, different text ("1.0.0" and "1.0.0.0"): the text decides, so that the order
  // stays total.
  return a < b ? -1 : 1;
}

/** Releases newest first. */
export function newestFirst<T extends { readonly version: string }>(releases: readonly T[]): T[] {
  return [...releases].sort((a, b) => compareAgentVersions(b.version, a.version));
}

/** The newest of the releases (by version, not by publication time). */
export function latestOf<T extends { readonly version: string }>(releases: readonly T[]): T | undefined {
  let latest: T | undefined;
  for (const release of releases) {
    if (latest === undefined || compareAgentVersions(release.version, latest.version) > 0) {
      latest = release;
    }
  }
  return latest;
}

/**
 * The version a bundle declares in its marker line (see `BUNDLE_VERSION_MARKER`), read from its
 * first lines; undefined when it has none (a file not built by scripts/build-agent.mjs).
 */
export function bundleVersionOf(head: string): string | undefined {
  for (const line of head.slice(0, 1024).split('\n').slice(0, 3)) {
    if (line.startsWith(BUNDLE_VERSION_MARKER)) {
      return line.slice(BUNDLE_VERSION_MARKER.length).trim();
    }
  }
  return undefined;
}
