import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installService, renderSystemdUnit, systemdQuote, type InstallOptions } from './install-service.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'mado-service-'));
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const unitOptions = {
  nodePath: '/usr/bin/node',
  entryScript: '/opt/mado/mado-agent.cjs',
  stateDir: '/var/lib/mado-agent',
};

function install(overrides: Partial<InstallOptions> = {}) {
  const calls: string[] = [];
  const outcome = installService({
    ...unitOptions,
    print: false,
    platform: 'linux',
    isRoot: true,
    unitPath: join(root, 'mado-agent.service'),
    run: (command, args) => {
      calls.push([command, ...args].join(' '));
      return { status: 0, output: '' };
    },
    ...overrides,
  });
  return { outcome, calls };
}

describe('systemd unit', () => {
  it('starts the running entry script with agent run and the state directory, as root, always restarted', () => {
    const unit = renderSystemdUnit(unitOptions);
    expect(unit).toContain(
      'ExecStart="/usr/bin/node" "/opt/mado/mado-agent.cjs" agent run --state-dir "/var/lib/mado-agent"',
    );
    expect(unit).toContain('User=root');
    expect(unit).toContain('Restart=always');
    expect(unit).toContain('RestartPreventExitStatus=77 78');
    expect(unit).toContain('WantedBy=multi-user.target');
  });

  it('leaves out hardening that would break administrators’ scripts', () => {
    const unit = renderSystemdUnit(unitOptions);
    for (const option of ['ProtectSystem', 'ProtectHome', 'PrivateTmp', 'NoNewPrivileges', 'MemoryDenyWriteExecute']) {
      expect(unit).not.toContain(`${option}=`);
    }
  });

  it('quotes paths with spaces, quotes, percent signs and dollars for systemd', () => {
    expect(systemdQuote('/opt/my agent/a"b%c$d\\e')).toBe('"/opt/my agent/a\\"b%%c$$d\\\\e"');
  });

  it('only prints the unit with --print', () => {
    const { outcome, calls } = install({ print: true });
    expect(outcome).toEqual({ kind: 'printed', unit: renderSystemdUnit(unitOptions) });
    expect(calls).toEqual([]);
  });

  it('writes the unit (mode 0644), reloads systemd and enables the service now', () => {
    const { outcome, calls } = install();
    const unitPath = join(root, 'mado-agent.service');
    expect(outcome).toEqual({ kind: 'installed', unitPath });
    expect(readFileSync(unitPath, 'utf8')).toBe(renderSystemdUnit(unitOptions));
    expect(statSync(unitPath).mode & 0o777).toBe(0o644);
    expect(calls).toEqual(['systemctl daemon-reload', 'systemctl enable --now mado-agent']);
  });

  it('reports a failing systemctl with its output', () => {
    const { outcome } = install({ run: () => ({ status: 1, output: 'Failed to connect to bus' }) });
    expect(outcome).toEqual({
      kind: 'failed',
      message: `Wrote ${join(root, 'mado-agent.service')}, but \`systemctl daemon-reload\` failed: Failed to connect to bus`,
    });
  });

  it('says that Windows is not supported yet', () => {
    const { outcome } = install({ platform: 'win32' });
    expect(outcome.kind).toBe('unsupported');
    expect(outcome.kind === 'unsupported' && outcome.message).toContain('not supported on Windows yet');
  });

  it('says that macOS is not supported yet', () => {
    expect(install({ platform: 'darwin' }).outcome.kind).toBe('unsupported');
  });

  it('requires root', () => {
    expect(install({ isRoot: false }).outcome).toEqual({
      kind: 'failed',
      message: 'install-service must run as root (it writes to /etc/systemd/system).',
    });
  });
});
