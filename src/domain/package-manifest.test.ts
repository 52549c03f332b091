import { describe, expect, it } from 'vitest';
import {
  archivePathProblem,
  checkPackageManifest,
  describeManifestProblems,
  entryKeys,
  selectPackageEntry,
  type ArchiveListing,
  type NodePlatform,
  type PackageManifest,
} from './package-manifest.js';

const LISTING: ArchiveListing = new Map([
  ['manifest.json', 'file'],
  ['install.sh', 'file'],
  ['uninstall.sh', 'file'],
  ['update.sh', 'file'],
  ['bin', 'directory'],
  ['bin/agent.mjs', 'file'],
  ['windows', 'directory'],
  ['windows/install.ps1', 'file'],
  ['windows/uninstall.ps1', 'file'],
]);

const EXPECTED = { name: 'metrics-agent', version: '1.0.0' };

function manifest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaVersion: '1.0',
    packages: {
      linux: { _any: { _any: { install: 'install.sh', uninstall: 'uninstall.sh' } } },
    },
    ...overrides,
  };
}

function problemsOf(raw: unknown, listing: ArchiveListing | undefined = LISTING): string[] {
  const checked = checkPackageManifest(raw, EXPECTED, listing);
  return checked.ok ? [] : checked.problems.map((problem) => `${problem.field}: ${problem.message}`);
}

describe('checkPackageManifest', () => {
  it('accepts a minimal manifest and returns it normalised', () => {
    const checked = checkPackageManifest(
      manifest({ packages: { linux: { _any: { x86_64: { install: './install.sh', uninstall: 'uninstall.sh' } } } } }),
      EXPECTED,
      LISTING,
    );
    expect(checked).toEqual({
      ok: true,
      manifest: {
        schemaVersion: '1.0',
        packages: { linux: { _any: { x86_64: { install: 'install.sh', uninstall: 'uninstall.sh' } } } },
      },
    });
  });

  it('accepts every optional field', () => {
    const checked = checkPackageManifest(
      manifest({
        name: 'metrics-agent',
        version: '1.0.0',
        publisher: 'Example Corp',
        description: 'Collects metrics.',
        packages: {
          ubuntu: { '22.04': { arm64: { install: 'install.sh', uninstall: 'uninstall.sh', update: 'update.sh' } } },
          windows: { _any: { _any: { install: 'windows/install.ps1', uninstall: 'windows/uninstall.ps1' } } },
          _any: {
            _any: { _any: { install: 'install.sh', uninstall: 'uninstall.sh', files: ['bin/', 'bin/agent.mjs'] } },
          },
        },
      }),
      EXPECTED,
      LISTING,
    );
    expect(checked.ok).toBe(true);
    if (checked.ok) {
      expect(checked.manifest.publisher).toBe('Example Corp');
      expect(checked.manifest.packages._any?._any?._any?.files).toEqual(['bin', 'bin/agent.mjs']);
      expect(entryKeys(checked.manifest).sort()).toEqual(['_any/_any/_any', 'ubuntu/22.04/arm64', 'windows/_any/_any']);
    }
  });

  it.each([
    ['a manifest that is not an object', ['x'], '(root): must be a JSON object'],
    ['a missing schemaVersion', manifest({ schemaVersion: undefined }), 'schemaVersion: is required and must be "1.0"'],
    ['another schemaVersion', manifest({ schemaVersion: '2.0' }), 'schemaVersion: must be "1.0" (got "2.0")'],
    ['an unknown top-level field', manifest({ packagez: {} }), 'packagez: is not a manifest field'],
    [
      'a name other than the published one',
      manifest({ name: 'other' }),
      'name: is "other" but the package is published as "metrics-agent"',
    ],
    [
      'a version other than the published one',
      manifest({ version: '2.0.0' }),
      'version: is "2.0.0" but the package is published as version "1.0.0"',
    ],
    ['a publisher that is not text', manifest({ publisher: 7 }), 'publisher: must be a string'],
    ['no packages', manifest({ packages: undefined }), 'packages: must be an object with at least one platform'],
    ['empty packages', manifest({ packages: {} }), 'packages: must be an object with at least one platform'],
    [
      'an upper-case platform key',
      manifest({ packages: { Linux: { _any: { _any: { install: 'install.sh', uninstall: 'uninstall.sh' } } } } }),
      'packages.Linux: "Linux" is not a valid platform',
    ],
    [
      'a platform without versions',
      manifest({ packages: { linux: {} } }),
      'packages.linux: must be an object with at least one platform version',
    ],
    [
      'an architecture key with a space',
      manifest({ packages: { linux: { _any: { 'x86 64': { install: 'install.sh', uninstall: 'uninstall.sh' } } } } }),
      'packages.linux._any.x86 64: "x86 64" is not a valid architecture',
    ],
    [
      'an entry that is a string',
      manifest({ packages: { linux: { _any: { _any: 'install.sh' } } } }),
      'packages.linux._any._any: must be an object with install, uninstall',
    ],
    [
      'a missing install script',
      manifest({ packages: { linux: { _any: { _any: { uninstall: 'uninstall.sh' } } } } }),
      'packages.linux._any._any.install: is required: the path of the install script in the archive',
    ],
    [
      'a missing uninstall script',
      manifest({ packages: { linux: { _any: { _any: { install: 'install.sh' } } } } }),
      'packages.linux._any._any.uninstall: is required',
    ],
    [
      'a script that is not in the archive',
      manifest({ packages: { linux: { _any: { _any: { install: 'setup.sh', uninstall: 'uninstall.sh' } } } } }),
      'packages.linux._any._any.install: "setup.sh" is not in the archive',
    ],
    [
      'a script that is a directory',
      manifest({ packages: { linux: { _any: { _any: { install: 'bin', uninstall: 'uninstall.sh' } } } } }),
      'packages.linux._any._any.install: "bin" is a directory in the archive',
    ],
    [
      'an update script that escapes the package',
      manifest({
        packages: {
          linux: { _any: { _any: { install: 'install.sh', uninstall: 'uninstall.sh', update: '../update.sh' } } },
        },
      }),
      'packages.linux._any._any.update: "../update.sh" must not contain ".."',
    ],
    [
      'an absolute script path',
      manifest({ packages: { linux: { _any: { _any: { install: '/bin/sh', uninstall: 'uninstall.sh' } } } } }),
      'packages.linux._any._any.install: "/bin/sh" must be a path relative to the archive root',
    ],
    [
      'an unknown entry field',
      manifest({
        packages: { linux: { _any: { _any: { install: 'install.sh', uninstall: 'uninstall.sh', postinstall: 'x' } } } },
      }),
      'packages.linux._any._any.postinstall: is not an entry field (expected install, uninstall, update, files)',
    ],
    [
      'files that are not a list',
      manifest({
        packages: { linux: { _any: { _any: { install: 'install.sh', uninstall: 'uninstall.sh', files: 'bin' } } } },
      }),
      'packages.linux._any._any.files: must be a non-empty list of paths in the archive',
    ],
    [
      'a listed file that is missing',
      manifest({
        packages: {
          linux: { _any: { _any: { install: 'install.sh', uninstall: 'uninstall.sh', files: ['bin', 'lib/x.so'] } } },
        },
      }),
      'packages.linux._any._any.files[1]: "lib/x.so" is not in the archive',
    ],
  ])('refuses %s, naming the field', (_what, raw, expected) => {
    expect(problemsOf(raw).join('\n')).toContain(expected);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(
      manifest({
        schemaVersion: '9',
        packages: { linux: { _any: { _any: { install: 'nope.sh', uninstall: 'gone.sh' } } } },
      }),
    );
    expect(problems).toHaveLength(3);
    expect(
      describeManifestProblems([
        { field: 'a', message: 'b' },
        { field: 'c', message: 'd' },
      ]),
    ).toBe('a: b; c: d');
  });

  it('checks only the shape when no archive listing is given', () => {
    const raw = manifest({ packages: { linux: { _any: { _any: { install: 'a.sh', uninstall: 'b.sh' } } } } });
    expect(checkPackageManifest(raw, EXPECTED).ok).toBe(true);
  });

  it('refuses more than 100 entries', () => {
    const architectures = Object.fromEntries(
      Array.from({ length: 101 }, (_, index) => [`arch${index}`, { install: 'install.sh', uninstall: 'uninstall.sh' }]),
    );
    expect(problemsOf(manifest({ packages: { linux: { _any: architectures } } }))).toContain(
      'packages: must have at most 100 entries (has 101)',
    );
  });
});

describe('archivePathProblem', () => {
  it.each([
    ['install.sh', undefined],
    ['bin/agent', undefined],
    ['bin/', undefined],
    ['', 'must not be empty'],
    ['a\\b', 'must use "/" as the separator'],
    ['C:/x', 'must be a path relative to the archive root, not an absolute path'],
    ['a//b', 'must not contain empty or "." segments'],
    ['a/./b', 'must not contain empty or "." segments'],
    ['a/../../b', 'must not contain ".." (it must stay inside the package)'],
    ['a\nb', 'must not contain control characters'],
  ])('judges %j', (path, problem) => {
    expect(archivePathProblem(path)).toBe(problem);
  });
});

describe('selectPackageEntry', () => {
  const entry = (tag: string) => ({ install: `${tag}.sh`, uninstall: 'u.sh' });
  const SELECTIVE: PackageManifest = {
    schemaVersion: '1.0',
    packages: {
      ubuntu: { '22.04': { x86_64: entry('ubuntu-2204-x64') }, _any: { arm64: entry('ubuntu-any-arm') } },
      linux: { _any: { _any: entry('linux') } },
      windows: { _any: { amd64: entry('windows-x64') } },
      _any: { _any: { _any: entry('anything') } },
    },
  };
  const node = (overrides: Partial<NodePlatform>): NodePlatform => ({
    platformType: 'Linux',
    platformName: 'Ubuntu',
    platformVersion: '22.04',
    architecture: 'x86_64',
    ...overrides,
  });
  const pick = (platform: NodePlatform) => selectPackageEntry(SELECTIVE, platform)?.entry.install;

  it('prefers the distribution, exact version and architecture', () => {
    expect(selectPackageEntry(SELECTIVE, node({}))).toEqual({
      entry: entry('ubuntu-2204-x64'),
      platform: 'ubuntu',
      platformVersion: '22.04',
      architecture: 'x86_64',
    });
  });

  it('matches a platform version by its dotted prefix and an architecture by its alias', () => {
    expect(pick(node({ platformVersion: '22.04.3' }))).toBe('ubuntu-2204-x64.sh');
    expect(pick(node({ architecture: 'aarch64', platformVersion: '24.04' }))).toBe('ubuntu-any-arm.sh');
  });

  it('falls back to the family, then to _any', () => {
    expect(pick(node({ platformName: 'Debian GNU/Linux', platformVersion: '12' }))).toBe('linux.sh');
    expect(pick(node({ platformVersion: '20.04' }))).toBe('linux.sh');
    expect(pick(node({ platformType: 'Windows', platformName: 'Windows Server 2022', architecture: 'x86_64' }))).toBe(
      'windows-x64.sh',
    );
    expect(pick(node({ platformType: 'MacOS', platformName: 'macOS', architecture: 'arm64' }))).toBe('anything.sh');
  });

  it('finds nothing when no entry fits', () => {
    const linuxOnly: PackageManifest = { schemaVersion: '1.0', packages: { linux: { _any: { x86_64: entry('l') } } } };
    expect(selectPackageEntry(linuxOnly, node({ architecture: 'arm64' }))).toBeUndefined();
    expect(selectPackageEntry(linuxOnly, node({ platformType: 'Windows', platformName: 'Windows' }))).toBeUndefined();
  });
});
