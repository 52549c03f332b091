import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedStep } from '../../domain/command.js';
import { checkPackageManifest, type NodePlatform } from '../../domain/package-manifest.js';
import { systemClock } from '../../shared/clock.js';
import { InstalledPackages } from '../installed-packages.js';
import { verifyDownload, type Described, type DescribedPackage, type PackageSource } from '../package-download.js';
import {
  createConfigurePackageAction,
  parsePackageRequest,
  planInstall,
  planUninstall,
  type PackageRequest,
} from './configure-package.js';
import type { StepContext } from './step-action.js';

const LINUX: NodePlatform = {
  platformType: 'Linux',
  platformName: 'Ubuntu',
  platformVersion: '22.04',
  architecture: 'x86_64',
};

let root: string;
let stateDir: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mado-configure-package-'));
  stateDir = join(root, 'state');
  mkdirSync(stateDir, { mode: 0o700 });
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** True while `pid` runs (an exited process not reaped yet, a zombie, does not count). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function pack(dir: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const { readdirSync } = await import('node:fs');
  for await (const chunk of createTar(
    { gzip: true, cwd: dir, portable: true },
    readdirSync(dir),
  ) as AsyncIterable<Buffer>) {
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** Each script appends "<action> <version> <extra>" to $MADO_PACKAGE_DATA_DIR/log and may fail on demand. */
const RECORDING_SCRIPT = [
  '#!/bin/sh',
  'echo "$MADO_PACKAGE_ACTION $MADO_PACKAGE_VERSION prev=$MADO_PACKAGE_PREVIOUS_VERSION target=$MADO_PACKAGE_TARGET_VERSION cwd=$(pwd) arg=${SSM_COLOUR:-}" >> "$MADO_PACKAGE_DATA_DIR/log"',
  'echo "ran $MADO_PACKAGE_ACTION of $MADO_PACKAGE_NAME $MADO_PACKAGE_VERSION"',
  'if [ -f "$MADO_PACKAGE_DATA_DIR/fail-$MADO_PACKAGE_ACTION-$MADO_PACKAGE_VERSION" ]; then echo "failing on purpose" >&2; exit 7; fi',
].join('\n');

/** Writes a test package version to a directory and packs it. */
async function aPackage(
  version: string,
  options: { update?: boolean; manifest?: Record<string, unknown> } = {},
): Promise<{ bytes: Buffer; described: DescribedPackage }> {
  const dir = join(root, `src-${version}-${Math.random().toString(16).slice(2)}`);
  mkdirSync(dir);
  const entry: Record<string, string> = { install: 'install.sh', uninstall: 'uninstall.sh' };
  for (const script of ['install.sh', 'uninstall.sh', ...(options.update === false ? [] : ['update.sh'])]) {
    writeFileSync(join(dir, script), RECORDING_SCRIPT, { mode: 0o755 });
  }
  if (options.update !== false) {
    entry.update = 'update.sh';
  }
  const manifest = options.manifest ?? {
    schemaVersion: '1.0',
    publisher: 'Tests',
    packages: { linux: { _any: { _any: entry } } },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  const bytes = await pack(dir);
  const checked = checkPackageManifest(manifest, { name: 'sample', version });
  if (!checked.ok) {
    throw new Error(JSON.stringify(checked.problems));
  }
  return {
    bytes,
    described: {
      name: 'sample',
      version,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sizeBytes: bytes.length,
      chunkCount: 1,
      manifest: checked.manifest,
    },
  };
}

/** A package source over archives held in memory; `latest` answers a blank version. */
class FakeSource implements PackageSource {
  readonly versions = new Map<string, { bytes: Buffer; described: DescribedPackage }>();
  latest: string | undefined;
  describes = 0;
  downloads = 0;

  add(published: { bytes: Buffer; described: DescribedPackage }): void {
    this.versions.set(`${published.described.name}@${published.described.version}`, published);
    this.latest = published.described.version;
  }

  describe(name: string, version: string): Promise<Described> {
    this.describes += 1;
    const found = this.versions.get(`${name}@${version === '' ? this.latest : version}`);
    return Promise.resolve(
      found === undefined
        ? { ok: false, message: `Package ${name} is not published on the server.` }
        : { ok: true, package: found.described },
    );
  }

  download(described: DescribedPackage, file: string): Promise<void> {
    this.downloads += 1;
    const bytes = this.versions.get(`${described.name}@${described.version}`)!.bytes;
    writeFileSync(file, bytes);
    verifyDownload(described, bytes.length, createHash('sha256').update(bytes).digest('hex'));
    return Promise.resolve();
  }
}

function context(overrides: Partial<StepContext> = {}): StepContext {
  const workDir = join(root, 'work');
  mkdirSync(workDir, { recursive: true });
  return {
    commandId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
    nodeId: 'mi-0123456789abcdef0',
    stepIndex: 0,
    stepCount: 1,
    platform: 'linux',
    workDir,
    scriptDir: workDir,
    defaultTimeoutSeconds: 60,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    clock: systemClock,
    killGraceMs: 2_000,
    maxOutputBytes: 1024 * 1024,
    signal: new AbortController().signal,
    onProcessStarted: () => undefined,
    ...overrides,
  };
}

function step(inputs: Record<string, unknown>): ResolvedStep {
  return {
    action: 'aws:configurePackage',
    name: 'configurePackage',
    inputs: { name: 'sample', action: 'Install', installationType: 'Uninstall and reinstall', version: '', ...inputs },
  };
}

function setup(platform: NodePlatform = LINUX) {
  const installed = InstalledPackages.open(stateDir, Date.now());
  const source = new FakeSource();
  let changes = 0;
  const action = createConfigurePackageAction({
    installed,
    source,
    platform: () => platform,
    onInventoryChanged: () => {
      changes += 1;
    },
    now: () => Date.now(),
  });
  const log = () => {
    const file = join(stateDir, 'package-data', 'sample', 'log');
    return existsSync(file)
      ? readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .map((line) => line.replace(/ cwd=\S+/, ''))
      : [];
  };
  const failOn = (role: string, version: string) =>
    writeFileSync(join(installed.dataDir('sample'), `fail-${role}-${version}`), '');
  return { installed, source, action, log, failOn, changes: () => changes };
}

describe('parsePackageRequest', () => {
  it('reads a package ARN, the default installation type and additionalArguments', () => {
    const parsed = parsePackageRequest(
      step({
        name: 'arn:aws:ssm:eu-west-1:123456789012:package/sample',
        installationType: '',
        additionalArguments: { SSM_COLOUR: 'blue', SSM_COUNT: 3 },
      }),
    );
    expect(parsed).toEqual({
      ok: true,
      request: {
        name: 'sample',
        action: 'Install',
        installationType: 'Uninstall and reinstall',
        version: '',
        additionalArguments: { SSM_COLOUR: 'blue', SSM_COUNT: '3' },
      },
    });
  });

  it.each([
    [{ name: '' }, 'the name input is required'],
    [{ name: 'a b' }, '"a b" is not a package name'],
    [{ action: 'Reinstall' }, 'action must be Install or Uninstall'],
    [{ installationType: 'Replace' }, 'installationType must be "Uninstall and reinstall" or "In-place update"'],
    [{ version: '1.0;reboot' }, 'is not a package version'],
    [{ additionalArguments: { COLOUR: 'blue' } }, 'key "COLOUR" must start with SSM_'],
    [{ additionalArguments: { 'SSM_A-B': 'x' } }, 'key "SSM_A-B" must start with SSM_ and continue with letters'],
    [{ additionalArguments: { SSM_A: { nested: true } } }, 'SSM_A must be a string, a number or a boolean'],
    [{ additionalArguments: 'SSM_A=1' }, 'additionalArguments must be a JSON object'],
  ])('refuses %j', (inputs, message) => {
    const parsed = parsePackageRequest(step(inputs));
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.message).toContain(message);
  });
});

describe('planInstall and planUninstall', () => {
  const request = (overrides: Partial<PackageRequest> = {}): PackageRequest => ({
    name: 'sample',
    action: 'Install',
    installationType: 'Uninstall and reinstall',
    version: '',
    additionalArguments: {},
    ...overrides,
  });
  const current = {
    name: 'sample',
    version: '1.0.0',
    installedAt: 1,
    platform: 'linux/_any/_any',
    architecture: 'x86_64',
    entry: { install: 'install.sh', uninstall: 'uninstall.sh' },
  };

  it('installs when nothing is installed', () => {
    expect(planInstall(request(), undefined, '1.0.0')).toEqual({ kind: 'install' });
  });

  it('does nothing when the version is installed already', () => {
    expect(planInstall(request(), current, '1.0.0')).toEqual({
      kind: 'nothing',
      message: 'sample 1.0.0 is already installed; nothing to do.',
    });
  });

  it('reinstalls or updates in place another version, by installation type', () => {
    expect(planInstall(request(), current, '2.0.0')).toEqual({ kind: 'reinstall', from: current });
    expect(planInstall(request({ installationType: 'In-place update' }), current, '2.0.0')).toEqual({
      kind: 'update',
      from: current,
    });
    expect(planInstall(request(), current, '0.9.0')).toEqual({ kind: 'reinstall', from: current });
  });

  it('uninstalls only the installed version', () => {
    expect(planUninstall(request({ action: 'Uninstall' }), current)).toEqual({ kind: 'uninstall', target: current });
    expect(planUninstall(request({ action: 'Uninstall', version: '1.0.0' }), current).kind).toBe('uninstall');
    expect(planUninstall(request({ action: 'Uninstall', version: '2.0.0' }), current)).toEqual({
      kind: 'refuse',
      message:
        'sample 2.0.0 is not installed on this node (installed: 1.0.0); only the installed version can be uninstalled.',
    });
    expect(planUninstall(request({ action: 'Uninstall' }), undefined).kind).toBe('refuse');
  });
});

describe('aws:configurePackage', () => {
  it('installs the latest version on a node that has none, and records it', async () => {
    const { installed, source, action, log, changes } = setup();
    source.add(await aPackage('1.0.0'));
    const result = await action.run(step({}), context());
    expect(result).toMatchObject({ outcome: 'Success', responseCode: 0 });
    expect(result.stdout).toContain('Installing sample 1.0.0 (entry linux/_any/_any).');
    expect(result.stdout).toContain('ran install of sample 1.0.0');
    expect(result.stdout).toContain('sample 1.0.0 is installed.');
    expect(log()).toEqual(['install 1.0.0 prev= target=1.0.0 arg=']);
    expect(installed.get('sample')).toMatchObject({
      version: '1.0.0',
      publisher: 'Tests',
      platform: 'linux/_any/_any',
    });
    expect(existsSync(join(installed.versionDir('sample', '1.0.0'), 'uninstall.sh'))).toBe(true);
    expect(changes()).toBe(1);
    expect(InstalledPackages.open(stateDir, Date.now()).get('sample')?.version).toBe('1.0.0');
  });

  it('runs the scripts in the package directory with additionalArguments in their environment', async () => {
    const { installed, source, action } = setup();
    source.add(await aPackage('1.0.0'));
    await action.run(step({ additionalArguments: { SSM_COLOUR: 'blue' } }), context());
    const line = readFileSync(join(stateDir, 'package-data', 'sample', 'log'), 'utf8');
    expect(line).toContain(`cwd=${installed.versionDir('sample', '1.0.0')}`);
    expect(line).toContain('arg=blue');
  });

  it('uninstalls the installed version, then installs the new one, for "Uninstall and reinstall"', async () => {
    const { installed, source, action, log, changes } = setup();
    source.add(await aPackage('1.0.0'));
    await action.run(step({ version: '1.0.0' }), context());
    source.add(await aPackage('2.0.0'));
    const result = await action.run(step({ version: '' }), context());
    expect(result.outcome).toBe('Success');
    expect(log()).toEqual([
      'install 1.0.0 prev= target=1.0.0 arg=',
      'uninstall 1.0.0 prev=1.0.0 target=2.0.0 arg=',
      'install 2.0.0 prev=1.0.0 target=2.0.0 arg=',
    ]);
    expect(result.stdout).toContain('sample 2.0.0 is installed (was 1.0.0).');
    expect(installed.get('sample')?.version).toBe('2.0.0');
    expect(existsSync(installed.versionDir('sample', '1.0.0'))).toBe(false);
    expect(changes()).toBe(3);
  });

  it('runs the new version’s update script, without an uninstall, for "In-place update"', async () => {
    const { installed, source, action, log } = setup();
    source.add(await aPackage('1.0.0'));
    await action.run(step({}), context());
    source.add(await aPackage('2.0.0'));
    const result = await action.run(step({ installationType: 'In-place update' }), context());
    expect(result.outcome).toBe('Success');
    expect(log()).toEqual(['install 1.0.0 prev= target=1.0.0 arg=', 'update 2.0.0 prev=1.0.0 target=2.0.0 arg=']);
    expect(installed.get('sample')?.version).toBe('2.0.0');
    expect(existsSync(installed.versionDir('sample', '1.0.0'))).toBe(false);
  });

  it('runs the install script over the old version for "In-place update" when there is no update script', async () => {
    const { source, action, log } = setup();
    source.add(await aPackage('1.0.0'));
    await action.run(step({}), context());
    source.add(await aPackage('2.0.0', { update: false }));
    await action.run(step({ installationType: 'In-place update' }), context());
    expect(log()).toEqual(['install 1.0.0 prev= target=1.0.0 arg=', 'install 2.0.0 prev=1.0.0 target=2.0.0 arg=']);
  });

  it('does nothing, successfully, when the version asked for is installed', async () => {
    const { source, action, log, changes } = setup();
    source.add(await aPackage('1.0.0'));
    await action.run(step({}), context());
    const describesBefore = source.describes;
    const named = await action.run(step({ version: '1.0.0' }), context());
    expect(named).toMatchObject({ outcome: 'Success', responseCode: 0 });
    expect(named.stdout).toContain('sample 1.0.0 is already installed; nothing to do.');
    expect(source.describes).toBe(describesBefore);
    const latest = await action.run(step({ version: '' }), context());
    expect(latest.stdout).toContain('already installed');
    expect(source.downloads).toBe(1);
    expect(log()).toHaveLength(1);
    expect(changes()).toBe(1);
  });

  it('uninstalls the installed version and forgets it', async () => {
    const { installed, source, action, log, changes } = setup();
    source.add(await aPackage('1.0.0'));
    await action.run(step({}), context());
    const result = await action.run(step({ action: 'Uninstall' }), context());
    expect(result).toMatchObject({ outcome: 'Success', responseCode: 0 });
    expect(result.stdout).toContain('sample 1.0.0 is uninstalled.');
    expect(log()).toEqual(['install 1.0.0 prev= target=1.0.0 arg=', 'uninstall 1.0.0 prev=1.0.0 target= arg=']);
    expect(installed.get('sample')).toBeUndefined();
    expect(existsSync(installed.versionDir('sample', '1.0.0'))).toBe(false);
    expect(changes()).toBe(2);
  });

  it('fails an Uninstall of a package or version that is not installed', async () => {
    const { source, action } = setup();
    const none = await action.run(step({ action: 'Uninstall' }), context());
    expect(none).toMatchObject({ outcome: 'Failed', responseCode: -1 });
    expect(none.stderr).toContain('sample is not installed on this node');
    source.add(await aPackage('1.0.0'));
    await action.run(step({}), context());
    const other = await action.run(step({ action: 'Uninstall', version: '2.0.0' }), context());
    expect(other.stderr).toContain('sample 2.0.0 is not installed on this node (installed: 1.0.0)');
  });

  it('fails with the script’s exit code and records nothing when the install script fails', async () => {
    const { installed, source, action, failOn, changes } = setup();
    source.add(await aPackage('1.0.0'));
    failOn('install', '1.0.0');
    const result = await action.run(step({}), context());
    expect(result).toMatchObject({ outcome: 'Failed', responseCode: 7 });
    expect(result.stderr).toContain('failing on purpose');
    expect(result.stderr).toContain('install.sh (install of sample 1.0.0) failed with exit code 7.');
    expect(installed.get('sample')).toBeUndefined();
    expect(existsSync(installed.versionDir('sample', '1.0.0'))).toBe(false);
    expect(changes()).toBe(0);
  });

  it('keeps the installed version when its uninstall fails during a reinstall', async () => {
    const { installed, source, action, log, failOn } = setup();
    source.add(await aPackage('1.0.0'));
    await action.run(step({}), context());
    source.add(await aPackage('2.0.0'));
    failOn('uninstall', '1.0.0');
    const result = await action.run(step({}), context());
    expect(result).toMatchObject({ outcome: 'Failed', responseCode: 7 });
    expect(result.stderr).toContain('sample 1.0.0 stays installed; 2.0.0 was not installed.');
    expect(installed.get('sample')?.version).toBe('1.0.0');
    expect(existsSync(installed.versionDir('sample', '2.0.0'))).toBe(false);
    expect(log()).toHaveLength(2);
  });

  it('runs nothing when the archive does not match its checksum', async () => {
    const { installed, source, action, log } = setup();
    const published = await aPackage('1.0.0');
    source.add({ ...published, described: { ...published.described, sha256: '0'.repeat(64) } });
    const result = await action.run(step({}), context());
    expect(result).toMatchObject({ outcome: 'Failed', responseCode: -1 });
    expect(result.stderr).toContain(`has SHA-256 ${published.described.sha256}, not ${'0'.repeat(64)} as published`);
    expect(log()).toEqual([]);
    expect(installed.get('sample')).toBeUndefined();
  });

  it('fails when the package is not published or has no entry for this node', async () => {
    const { source, action } = setup({ ...LINUX, architecture: 'arm64' });
    const missing = await action.run(step({}), context());
    expect(missing.stderr).toContain('Package sample is not published on the server.');
    source.add(
      await aPackage('1.0.0', {
        manifest: {
          schemaVersion: '1.0',
          packages: { linux: { _any: { x86_64: { install: 'install.sh', uninstall: 'uninstall.sh' } } } },
        },
      }),
    );
    const noEntry = await action.run(step({}), context());
    expect(noEntry).toMatchObject({ outcome: 'Failed', responseCode: -1 });
    expect(noEntry.stderr).toContain(
      'sample 1.0.0 has no entry for this node (Ubuntu 22.04, arm64); its manifest has linux/_any/x86_64.',
    );
  });

  it('runs commands for the same package one after the other', async () => {
    const { source, action, log } = setup();
    source.add(await aPackage('1.0.0'));
    source.add(await aPackage('2.0.0'));
    const [first, second] = await Promise.all([
      action.run(step({ version: '1.0.0' }), context()),
      action.run(step({ version: '2.0.0' }), context()),
    ]);
    expect([first.outcome, second.outcome]).toEqual(['Success', 'Success']);
    expect(log()).toEqual([
      'install 1.0.0 prev= target=1.0.0 arg=',
      'uninstall 1.0.0 prev=1.0.0 target=2.0.0 arg=',
      'install 2.0.0 prev=1.0.0 target=2.0.0 arg=',
    ]);
  });
});

describe('the sample metrics-agent package', () => {
  const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples', 'packages', 'metrics-agent');
  let daemonHome: string | undefined;

  afterEach(() => {
    // Stop a daemon a failed test left running.
    const pidFile = daemonHome === undefined ? undefined : join(daemonHome, 'metrics-agent.pid');
    if (pidFile !== undefined && existsSync(pidFile)) {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  });

  async function published(version: string) {
    const bytes = await pack(join(EXAMPLES, version));
    const manifest = JSON.parse(readFileSync(join(EXAMPLES, version, 'manifest.json'), 'utf8')) as unknown;
    const checked = checkPackageManifest(manifest, { name: 'metrics-agent', version });
    if (!checked.ok) {
      throw new Error(JSON.stringify(checked.problems));
    }
    return {
      bytes,
      described: {
        name: 'metrics-agent',
        version,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        sizeBytes: bytes.length,
        chunkCount: 1,
        manifest: checked.manifest,
      },
    };
  }

  it('keeps its configuration through "Uninstall and reinstall" and runs the new version with it', async () => {
    const { installed, source, action } = setup();
    source.add(await published('1.0.0'));
    const packageStep = (inputs: Record<string, unknown>) => step({ name: 'metrics-agent', ...inputs });
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
    const first = await action.run(packageStep({ version: '1.0.0' }), context({ env }));
    expect(first.stderr).toBe('');
    expect(first.outcome).toBe('Success');
    daemonHome = installed.dataDir('metrics-agent');
    const config = join(daemonHome, 'metrics-agent.toml');
    const status = () => JSON.parse(readFileSync(join(daemonHome!, 'status.json'), 'utf8')) as Record<string, unknown>;
    expect(status()).toMatchObject({ version: '1.0.0', config: { outputs: { cloudwatch: { region: 'us-east-1' } } } });

    // The operator's own configuration, which the update must keep.
    const own =
      '[agent]\ninterval = "30s"\n\n[inputs.statsd]\nservice_address = ":9125"\n\n[outputs.cloudwatch]\nregion = "ap-northeast-1"\nnamespace = "Mado"\n';
    writeFileSync(config, own);
    source.add(await published('2.0.0'));
    const update = await action.run(packageStep({ version: '' }), context({ env }));
    expect(update.outcome).toBe('Success');
    expect(update.stdout).toContain('configuration');
    expect(readFileSync(config, 'utf8')).toBe(own);
    expect(status()).toMatchObject({
      version: '2.0.0',
      configSha256: createHash('sha256').update(own).digest('hex'),
      config: { agent: { interval: '30s' }, outputs: { cloudwatch: { region: 'ap-northeast-1', namespace: 'Mado' } } },
    });
    const pid = Number(status().pid);
    expect(isRunning(pid)).toBe(true);

    const removed = await action.run(packageStep({ action: 'Uninstall' }), context({ env }));
    expect(removed.outcome).toBe('Success');
    expect(existsSync(join(daemonHome, 'status.json'))).toBe(false);
    expect(readFileSync(config, 'utf8')).toBe(own);
    expect(isRunning(pid)).toBe(false);
  });
});
