import { describe, expect, it } from 'vitest';
import type { ResolvedStep } from '../../domain/command.js';
import type { ReleaseInfo } from '../../protocol/agent-protocol.js';
import { FakeClock } from '../../shared/fake-clock.js';
import type { StepContext } from './step-action.js';
import { createUpdateSsmAgentAction, type UpdateHost } from './update-ssm-agent.js';

const COMMAND = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const SOURCE = '{ServerUrl}/agent/ssm-agent-manifest.json';

function releaseOf(version: string): ReleaseInfo {
  return { version, sha256: 'ab'.repeat(32), sizeBytes: 1000 };
}

/** A host whose server publishes `published` (the last one is the latest). */
class FakeHost implements UpdateHost {
  canSwitch = true;
  running = 0;
  drained = true;
  switched: Parameters<UpdateHost['switchTo']>[0] | undefined;
  installed: string[] = [];
  holder: string | undefined;
  resumed = 0;
  downloadError: string | undefined;
  onSwitch: () => void = () => {};

  constructor(
    readonly currentVersion: string,
    private readonly published: string[],
  ) {}

  findRelease(version: string | undefined): Promise<ReleaseInfo> {
    const found = version === undefined ? this.published.at(-1) : this.published.find((known) => known === version);
    return found === undefined
      ? Promise.reject(new Error(`Agent release ${version} is not published on the server.`))
      : Promise.resolve(releaseOf(found));
  }
  downloadRelease(): Promise<Uint8Array> {
    return this.downloadError === undefined
      ? Promise.resolve(new Uint8Array(1000))
      : Promise.reject(new Error(this.downloadError));
  }
  installRelease(version: string): string {
    this.installed.push(version);
    return `/state/releases/${version}/mado-agent.cjs`;
  }
  tryBeginUpdate(commandId: string): string | undefined {
    if (this.holder !== undefined && this.holder !== commandId) {
      return this.holder;
    }
    this.holder = commandId;
    return undefined;
  }
  endUpdate(): void {
    this.holder = undefined;
  }
  runningOthers(): number {
    return this.running;
  }
  drainOthers(_commandId: string, _signal: AbortSignal): Promise<boolean> {
    return Promise.resolve(this.drained);
  }
  resumeStarts(): void {
    this.resumed += 1;
  }
  switchTo(request: Parameters<UpdateHost['switchTo']>[0]): void {
    this.switched = request;
    this.onSwitch();
  }
}

function step(inputs: Record<string, unknown>): ResolvedStep {
  return {
    action: 'aws:updateSsmAgent',
    name: 'updateSsmAgent',
    inputs: { agentName: 'amazon-ssm-agent', source: SOURCE, allowDowngrade: 'false', targetVersion: '', ...inputs },
  };
}

function context(overrides: Partial<StepContext> = {}): StepContext {
  return {
    commandId: COMMAND,
    nodeId: 'mi-0123456789abcdef0',
    stepIndex: 0,
    stepCount: 1,
    platform: 'linux',
    workDir: '/tmp/work',
    scriptDir: '/tmp/scripts',
    defaultTimeoutSeconds: 600,
    env: {},
    clock: new FakeClock(0),
    killGraceMs: 1_000,
    maxOutputBytes: 1024 * 1024,
    signal: new AbortController().signal,
    onProcessStarted: () => {},
    ...overrides,
  };
}

async function run(host: UpdateHost, inputs: Record<string, unknown>, overrides: Partial<StepContext> = {}) {
  return createUpdateSsmAgentAction(host).run(step(inputs), context(overrides));
}

describe('aws:updateSsmAgent', () => {
  it('skips the update with Success when the latest release is already installed', async () => {
    const host = new FakeHost('1.1.0', ['1.0.0', '1.1.0']);
    const outcome = await run(host, {});
    expect(outcome).toEqual({
      outcome: 'Success',
      responseCode: 0,
      stdout:
        'Updating mado-agent from 1.1.0 to latest\nThe latest mado-agent release on the server is 1.1.0\nmado-agent 1.1.0 has already been installed, update skipped\n',
      stderr: '',
    });
    expect(host.installed).toEqual([]);
  });

  it('refuses a downgrade unless allowDowngrade is true, as the SSM agent words it', async () => {
    const host = new FakeHost('1.1.0', ['1.0.0', '1.1.0']);
    const refused = await run(host, { targetVersion: '1.0.0' });
    expect(refused.outcome).toBe('Failed');
    expect(refused.responseCode).toBe(1);
    expect(refused.stdout).toBe('Updating mado-agent from 1.1.0 to 1.0.0\n');
    expect(refused.stderr).toBe(
      'updating mado-agent to an older version, please enable allow downgrade to proceed (installed 1.1.0, requested 1.0.0)\n',
    );
    expect(host.installed).toEqual([]);
  });

  it('downloads, installs and restarts into an older version when allowDowngrade is true', async () => {
    const controller = new AbortController();
    const host = new FakeHost('1.1.0', ['1.0.0', '1.1.0']);
    // The worker stops once it asked to switch: the step is aborted with 'shutdown'.
    host.onSwitch = () => controller.abort('shutdown');
    await run(host, { targetVersion: '1.0.0', allowDowngrade: 'true' }, { signal: controller.signal });
    expect(host.installed).toEqual(['1.0.0']);
    expect(host.switched).toEqual({
      commandId: COMMAND,
      stepIndex: 0,
      to: { version: '1.0.0', path: '/state/releases/1.0.0/mado-agent.cjs' },
      stdout: [
        'Updating mado-agent from 1.1.0 to 1.0.0',
        `Successfully downloaded mado-agent 1.0.0 (1000 bytes, sha256 ${'ab'.repeat(32)})`,
        'Installed mado-agent 1.0.0 in /state/releases/1.0.0/mado-agent.cjs',
        'Initiating mado-agent update to 1.0.0',
        '',
      ].join('\n'),
    });
  });

  it('says how many commands it waits for before the restart', async () => {
    const controller = new AbortController();
    const host = new FakeHost('1.0.0', ['1.0.0', '1.1.0']);
    host.running = 2;
    host.onSwitch = () => controller.abort('shutdown');
    await run(host, {}, { signal: controller.signal });
    expect(host.switched?.stdout).toContain('Waiting for 2 other commands running on this node to end\n');
  });

  it('fails with the server’s reason for an unknown version, and when nothing is published', async () => {
    const unknown = await run(new FakeHost('1.0.0', ['1.0.0']), { targetVersion: '2.0.0' });
    expect(unknown).toMatchObject({
      outcome: 'Failed',
      stderr: 'mado-agent version 2.0.0 is unavailable: Agent release 2.0.0 is not published on the server.\n',
    });
    expect((await run(new FakeHost('1.0.0', []), {})).outcome).toBe('Failed');
  });

  it('fails without installing anything when the download fails, and frees the update slot', async () => {
    const host = new FakeHost('1.0.0', ['1.1.0']);
    host.downloadError = 'checksum mismatch: expected …';
    const outcome = await run(host, {});
    expect(outcome).toMatchObject({
      outcome: 'Failed',
      stderr: 'could not download mado-agent 1.1.0: checksum mismatch: expected …\n',
    });
    expect(host.installed).toEqual([]);
    expect(host.holder).toBeUndefined();
    expect(host.resumed).toBe(1);
  });

  it('fails when another update holds the node', async () => {
    const host = new FakeHost('1.0.0', ['1.1.0']);
    host.holder = 'ffffffff-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    expect((await run(host, {})).stderr).toContain(
      'another mado-agent update (command ffffffff-bbbb-4ccc-8ddd-eeeeeeeeeeee) is in progress on this node',
    );
  });

  it('times out, letting held commands start, when the other commands do not end in time', async () => {
    const clock = new FakeClock(0);
    const host = new FakeHost('1.0.0', ['1.1.0']);
    host.running = 1;
    let release!: (value: boolean) => void;
    host.drainOthers = (_commandId: string, signal: AbortSignal) =>
      new Promise<boolean>((resolve) => {
        release = resolve;
        signal.addEventListener('abort', () => resolve(false));
      });
    const pending = run(host, { timeoutSeconds: '30' }, { clock });
    await new Promise((resolve) => setImmediate(resolve));
    expect(release).toBeDefined();
    await clock.advance(30_000);
    const outcome = await pending;
    expect(outcome).toMatchObject({ outcome: 'TimedOut', responseCode: 124 });
    expect(outcome.stderr).toContain('did not get to the restart within 30 s');
    expect(host.switched).toBeUndefined();
    expect(host.resumed).toBe(1);
  });

  it('does not run when it is not the document’s last step, or under no supervisor', async () => {
    const notLast = await run(new FakeHost('1.0.0', ['1.1.0']), {}, { stepIndex: 0, stepCount: 2 });
    expect(notLast).toMatchObject({ outcome: 'Failed', responseCode: -1 });
    expect(notLast.stderr).toContain("must be the document's last step (it is step 1 of 2)");
    const host = new FakeHost('1.0.0', ['1.1.0']);
    host.canSwitch = false;
    expect((await run(host, {})).stderr).toContain('runs without its supervisor');
  });

  it('refuses other sources, agents and malformed inputs without running', async () => {
    const host = new FakeHost('1.0.0', ['1.1.0']);
    const cases: [Record<string, unknown>, string][] = [
      [{ source: 'https://example.com/manifest.json' }, 'installs releases from its Mado server only'],
      [{ agentName: 'cloudwatch-agent' }, 'agentName "cloudwatch-agent" is not supported'],
      [{ allowDowngrade: 'yes' }, 'allowDowngrade must be "true" or "false"'],
      [{ targetVersion: '1.0.0; reboot' }, 'mado-agent version "1.0.0; reboot" is unsupported'],
      [{ timeoutSeconds: 'soon' }, 'timeoutSeconds must be a whole number'],
    ];
    for (const [inputs, message] of cases) {
      const outcome = await run(host, inputs);
      expect(outcome.responseCode, JSON.stringify(inputs)).toBe(-1);
      expect(outcome.stderr).toContain(message);
    }
  });
});
