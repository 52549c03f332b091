/**
 * The order of package versions, which decides what a blank version ("the latest") means.
 *
 * Semantic versions order as semver says, and the other common shapes order as a person reads
 * them (`1.300028.4b233` < `1.300033.0b462`, `1.9` < `1.10`):
 *
 * 1. Build metadata (from the first `+`) does not take part in the order.
 * 2. The rest splits at the first `-` into a release and a pre-release. A version with a
 *    pre-release sorts before the same release without one (`2.0.0-rc.1` < `2.0.0`).
 * 3. Releases compare field by field (fields are separated by `.`); a missing field counts as
 *    `0` (`1.2` and `1.2.0` are the same release). Inside a field, runs of digits compare as
 *    numbers (any length) and runs of other characters in ASCII order; at the same position a
 *    run of digits sorts after a run of letters, and a field that is a prefix of another sorts
 *    first (`0b` < `0b462`).
 * 4. Pre-releases compare as semver's: identifier by identifier, numbers numerically and before
 *    words, and more identifiers sort later when all before are equal.
 * 5. Versions equal by these rules (`1.2` and `1.2.0`, or `1.0+a` and `1.0+b`) are ordered by
 *    their text, so the order is total and "the latest" is always one version.
 */

interface Run {
  readonly isNumber: boolean;
  readonly text: string;
}

function runsOf(field: string): Run[] {
  return (field.match(/[0-9]+|[^0-9]+/g) ?? []).map((text) => ({
    isNumber: /^[0-9]/.test(text),
    text: /^[0-9]/.test(text) ? text.replace(/^0+(?=.)/, '') : text,
  }));
}

/** Digit strings without leading zeros, compared as numbers of any length. */
function compareDigits(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareField(a: string, b: string): number {
  const left = runsOf(a);
  const right = runsOf(b);
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const x = left[index]!;
    const y = right[index]!;
    if (x.isNumber !== y.isNumber) {
      return x.isNumber ? 1 : -1;
    }
    const order = x.isNumber ? compareDigits(x.text, y.text) : compareText(x.text, y.text);
    if (order !== 0) {
      return order;
    }
  }
  return left.length - right.length;
}

function compareRelease(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const order = compareField(left[index] ?? '0', right[index] ?? '0');
    if (order !== 0) {
      return order;
    }
  }
  return 0;
}

function comparePreRelease(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const x = left[index]!;
    const y = right[index]!;
    const xIsNumber = /^[0-9]+$/.test(x);
    const yIsNumber = /^[0-9]+$/.test(y);
    let order: number;
    if (xIsNumber && yIsNumber) {
      order = compareDigits(x.replace(/^0+(?=.)/, ''), y.replace(/^0+(?=.)/, ''));
    } else if (xIsNumber !== yIsNumber) {
      order = xIsNumber ? -1 : 1;
    } else {
      order = compareText(x, y);
    }
    if (order !== 0) {
      return order;
    }
  }
  return left.length - right.length;
}

function partsOf(version: string): { release: string; preRelease: string | undefined } {
  const withoutBuild = version.split('+', 1)[0]!;
  const dash = withoutBuild.indexOf('-');
  return dash < 0
    ? { release: withoutBuild, preRelease: undefined }
    : { release: withoutBuild.slice(0, dash), preRelease: withoutBuild.slice(dash + 1) };
}

/** Negative when `a` is older than `b`, positive when newer, 0 only for the same text. */
export function compareVersions(a: string, b: string): number {
  const left = partsOf(a);
  const right = partsOf(b);
  let order = compareRelease(left.release, right.release);
  if (order === 0 && left.preRelease !== right.preRelease) {
    if (left.preRelease === undefined) {
      order = 1;
    } else if (right.preRelease === undefined) {
      order = -1;
    } else {
      order = comparePreRelease(left.preRelease, right.preRelease);
    }
  }
  return order !== 0 ? Math.sign(order) : compareText(a, b);
}

/** The newest of `versions` by `compareVersions`; undefined for an empty list. */
export function latestVersion(versions: readonly string[]): string | undefined {
  let latest: string | undefined;
  for (const version of versions) {
    if (latest === undefined || compareVersions(version, latest) > 0) {
      latest = version;
    }
  }
  return latest;
}

/** A copy of `versions`, oldest first. */
export function sortVersions(versions: readonly string[]): string[] {
  return [...versions].sort(compareVersions);
}
