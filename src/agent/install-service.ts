/**
 * `mado agent install-service`: runs the agent under systemd on Linux.
 *
 * The unit starts `<node> <this entry script> agent run --state-dir <dir>` as root, restarts it
 * whenever it stops, except after exit 77 (revoked) or 78 (unusable state directory), where a
 * restart cannot help. Hardening is deliberately light: the agent exists to run administrators'
 * scripts as root (install packages, edit /etc, load modules, restart services, call sudo), so
 * ProtectSystem, ProtectHome, PrivateTmp, NoNewPrivileges, RestrictSUIDSGID, Protect{Kernel*,
 * Clock,Hostname,ControlGroups} and syscall filters are left out on purpose, and
 * MemoryDenyWriteExecute would break Node's JIT. What is kept cannot affect such scripts.
 *
 * Windows (a service wrapper) and macOS (launchd) are future work.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EXIT_REVOKED, EXIT_STATE_INVALID } from './exit-codes.js';
import { writeFileAtomic } from './atomic-file.js';

export const SYSTEMD_UNIT_PATH = '/etc/systemd/system/mado-agent.service';
export const SERVICE_NAME = 'mado-agent';

/** Quotes one ExecStart word for systemd: double quotes, with `\`, `"`, `%` and `$` escaped. */
export function systemdQuote(word: string): string {
  const escaped = word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return `"${escaped}"`;
}

export interface UnitOptions {
  /** Absolute path of the node binary (`process.execPath`). */
  readonly nodePath: string;
  /** Absolute path of the entry script (`bin/mado.js` or `mado-agent.cjs`). */
  readonly entryScript: string;
  readonly stateDir: string;
}

export function renderSystemdUnit(options: UnitOptions): string {
  const execStart = [
    systemdQuote(options.nodePath),
    systemdQuote(options.entryScript),
    'agent',
    'run',
    '--state-dir',
    systemdQuote(options.stateDir),
  ].join(' ');
  return `# Written by \`mado agent install-service\`. Re-run it to regenerate this file.
[Unit]
Description=Mado agent: runs the commands of Mado maintenance windows on this node
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=root
ExecStart=${execStart}
Restart=always
RestartSec=5
# ${EXIT_REVOKED}: the server deregistered this node; ${EXIT_STATE_INVALID}: the state directory is unusable.
RestartPreventExitStatus=${EXIT_REVOKED} ${EXIT_STATE_INVALID}
# Stopping the agent stops the scripts it runs; the next start reports them Failed.
KillMode=control-group
TimeoutStopSec=30
SyslogIdentifier=mado-agent
# Scripts get the usual umask; the agent writes its own files with explicit modes.
UMask=0022
# Hardening that administrators' scripts do not notice (see docs/agent.md).
LockPersonality=yes
RestrictRealtime=yes

[Install]
WantedBy=multi-user.target
`;
}

export type InstallOutcome =
  | { readonly kind: 'printed'; readonly unit: string }
  | { readonly kind: 'installed'; readonly unitPath: string }
  | { readonly kind: 'unsupported'; readonly message: string }
  | { readonly kind: 'failed'; readonly message: string };

export interface InstallOptions extends UnitOptions {
  readonly print: boolean;
  readonly platform: NodeJS.Platform;
  readonly isRoot: boolean;
  /** Where the unit goes (default /etc/systemd/system/mado-agent.service). */
  readonly unitPath?: string;
  /** Runs a command; returns its exit status and output (injectable for tests). */
  readonly run?: (command: string, args: readonly string[]) => { status: number | null; output: string };
}

function runCommand(command: string, args: readonly string[]): { status: number | null; output: string } {
  const result = spawnSync(command, [...args], { encoding: 'utf8' });
  if (result.error !== undefined) {
    return { status: null, output: result.error.message };
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

export function installService(options: InstallOptions): InstallOutcome {
  const unit = renderSystemdUnit(options);
  if (options.print) {
    return { kind: 'printed', unit };
  }
  if (options.platform === 'win32') {
    return {
      kind: 'unsupported',
      message:
        'install-service is not supported on Windows yet (planned: a Windows service). Until then, run ' +
        '`mado agent run` under a service wrapper such as NSSM or a scheduled task at startup.',
    };
  }
  if (options.platform !== 'linux') {
    return {
      kind: 'unsupported',
      message: `install-service supports Linux with systemd only (this is ${options.platform}); launchd support is future work.`,
    };
  }
  if (!options.isRoot) {
    return { kind: 'failed', message: 'install-service must run as root (it writes to /etc/systemd/system).' };
  }
  const run = options.run ?? runCommand;
  const unitPath = options.unitPath ?? SYSTEMD_UNIT_PATH;
  if (!existsSync('/run/systemd/system') && options.unitPath === undefined) {
    return { kind: 'failed', message: 'systemd is not running on this node; use --print and your own init system.' };
  }
  writeFileAtomic(unitPath, unit, 0o644);
  for (const args of [['daemon-reload'], ['enable', '--now', SERVICE_NAME]]) {
    const result = run('systemctl', args);
    if (result.status !== 0) {
      return {
        kind: 'failed',
        message: `Wrote ${unitPath}, but \`systemctl ${args.join(' ')}\` failed: ${result.output || `exit ${result.status}`}`,
      };
    }
  }
  return { kind: 'installed', unitPath };
}
