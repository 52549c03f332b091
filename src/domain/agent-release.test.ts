import { describe, expect, it } from 'vitest';
import { bundleVersionOf, compareAgentVersions, isAgentVersion, latestOf, newestFirst } from './agent-release.js';

describe('agent versions', () => {
  it('accepts SSM-style and semver versions and refuses anything else', () => {
    for (const version of ['1.0.0', '3.2.1798.0', '1.2.0-rc.1', '0.9.0-old', '10.0.0-alpha-2.7']) {
      expect(isAgentVersion(version), version).toBe(true);
    }
    for (const version of [
      '',
      '1',
      '1.0',
      '1.0.0.0.0',
      'v1.0.0',
      '1.0.0+build',
      '1.0.0-',
      '1.0.0;rm',
      `1.0.0-${'a'.repeat(60)}`,
    ]) {
      expect(isAgentVersion(version), version).toBe(false);
    }
  });

  it('orders numeric parts by value, not as text', () => {
    expect(compareAgentVersions('1.10.0', '1.9.0')).toBe(1);
    expect(compareAgentVersions('3.2.1798.0', '3.2.2222.0')).toBe(-1);
    expect(compareAgentVersions('2.0.0', '10.0.0')).toBe(-1);
  });

  it('treats missing parts as zero and still tells different texts apart', () => {
    expect(compareAgentVersions('1.0.0.1', '1.0.0')).toBe(1);
    expect(compareAgentVersions('1.0.0.0', '1.0.0')).not.toBe(0);
    expect(compareAgentVersions('1.0.0.0', '1.0.0')).toBe(-compareAgentVersions('1.0.0', '1.0.0.0'));
  });

  it('puts a pre-release before its release and orders pre-releases as semver does', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ];
    for (let index = 1; index < ordered.length; index += 1) {
      expect(
        compareAgentVersions(ordered[index - 1]!, ordered[index]!),
        `${ordered[index - 1]} < ${ordered[index]}`,
      ).toBe(-1);
      expect(compareAgentVersions(ordered[index]!, ordered[index - 1]!)).toBe(1);
    }
    expect(compareAgentVersions('1.0.0-rc.1', '0.9.9')).toBe(1);
  });

  it('is 0 only for equal versions', () => {
    expect(compareAgentVersions('1.2.3', '1.2.3')).toBe(0);
    expect(compareAgentVersions('1.2.3-rc.1', '1.2.3-rc.1')).toBe(0);
  });

  it('finds the latest release by version, not by publication order', () => {
    const releases = [{ version: '1.0.0' }, { version: '1.10.0' }, { version: '1.9.0' }, { version: '1.10.0-rc.1' }];
    expect(latestOf(releases)?.version).toBe('1.10.0');
    expect(newestFirst(releases).map((release) => release.version)).toEqual([
      '1.10.0',
      '1.10.0-rc.1',
      '1.9.0',
      '1.0.0',
    ]);
    expect(latestOf([])).toBeUndefined();
  });

  it('reads the version marker a built bundle carries after its #! line', () => {
    expect(bundleVersionOf('#!/usr/bin/env node\n// mado-agent-version: 1.1.0\n"use strict";')).toBe('1.1.0');
    expect(bundleVersionOf('#!/usr/bin/env node\nprocess.exit(1)\n')).toBeUndefined();
    expect(bundleVersionOf(`#!/usr/bin/env node\n${'x'.repeat(2000)}\n// mado-agent-version: 1.1.0`)).toBeUndefined();
  });
});
