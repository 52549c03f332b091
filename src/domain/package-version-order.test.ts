import { describe, expect, it } from 'vitest';
import { compareVersions, latestVersion, sortVersions } from './package-version-order.js';

describe('compareVersions', () => {
  it.each([
    ['1.0.0', '2.0.0'],
    ['1.9.0', '1.10.0'],
    ['1.2', '1.2.1'],
    ['0.9.99', '1.0.0'],
    ['1.300028.4b233', '1.300033.0b462'],
    ['1.300033.0b9', '1.300033.0b462'],
    ['3.2.1798.0', '3.2.2222.0'],
    ['2.0.0-rc.1', '2.0.0'],
    ['2.0.0-alpha', '2.0.0-alpha.1'],
    ['2.0.0-alpha.1', '2.0.0-alpha.beta'],
    ['2.0.0-alpha.beta', '2.0.0-beta'],
    ['2.0.0-beta.2', '2.0.0-beta.11'],
    ['2.0.0-rc.1', '2.0.0-rc.1a'],
    ['1.0.2', '1.0.2a'],
    ['1.0.2a', '1.0.2b'],
    ['1.0.0b', '1.0.0b1'],
    ['99999999999999999998', '99999999999999999999'],
    ['1.0_1', '1.0_2'],
  ])('orders %s before %s', (older, newer) => {
    expect(compareVersions(older, newer)).toBeLessThan(0);
    expect(compareVersions(newer, older)).toBeGreaterThan(0);
  });

  it('treats a version as equal only to itself', () => {
    expect(compareVersions('1.2.3', '1.2.3')).toBe(0);
    expect(compareVersions('1.2', '1.2.0')).not.toBe(0);
    expect(compareVersions('1.0+build.1', '1.0+build.2')).not.toBe(0);
  });

  it('ignores leading zeros and build metadata for the order, then breaks ties by text', () => {
    expect(compareVersions('1.02', '1.3')).toBeLessThan(0);
    expect(compareVersions('1.02', '1.1')).toBeGreaterThan(0);
    // Equal as numbers; the text decides ('0' sorts before '2').
    expect(compareVersions('1.02', '1.2')).toBe(-1);
    expect(compareVersions('2.0.0+build.9', '2.0.1')).toBeLessThan(0);
  });
});

describe('latestVersion', () => {
  it('returns the newest version by number, not by text', () => {
    expect(latestVersion(['1.10.0', '1.9.0', '1.2.0'])).toBe('1.10.0');
    expect(latestVersion(['2.0.0-rc.2', '2.0.0', '1.9.9'])).toBe('2.0.0');
    expect(latestVersion(['1.0.0', '2.0.0'])).toBe('2.0.0');
  });

  it('returns undefined when there are no versions', () => {
    expect(latestVersion([])).toBeUndefined();
  });

  it('returns the same version whatever the order of the list', () => {
    const versions = ['1.0', '1.0.0', '1.0.0+a', '0.9'];
    expect(latestVersion(versions)).toBe(latestVersion([...versions].reverse()));
  });
});

describe('sortVersions', () => {
  it('sorts oldest first', () => {
    expect(sortVersions(['2.0.0', '1.10.0', '1.9.0', '2.0.0-rc.1'])).toEqual([
      '1.9.0',
      '1.10.0',
      '2.0.0-rc.1',
      '2.0.0',
    ]);
  });
});
