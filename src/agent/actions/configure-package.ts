/**
 * `aws:configurePackage` (AWS-ConfigureAWSPackage): installs, updates or removes a package from
 * the server's package store (docs/packages.md).
 *
 * Inputs: `name` (a package name or package ARN), `action` (Install | Uninstall),
 * `installationType` ("Uninstall and reinstall", the default, | "In-place update"), `version`
 * ('' = the latest published on Install, the installed one on Uninstall), `additionalArguments`
 * (a JSON object of `SSM_…` keys, handed to the scripts as environment variables).
 *
 * What happens, by what the node has installed (installed.json) and what is asked:
 *
 *   Install, nothing installed              → download, verify, unpack; run install
 *   Install, that version installed         → nothing (Success, "already installed"); for a
 *                                             blank version the server is asked which is latest
 *   Install "Uninstall and reinstall",      → download the new version first, then run the
 *     another version installed               installed version's uninstall, then the new install
 *   Install "In-place update",              → download; run the new version's update script (its
 *     another version installed               install script when it has none) over the old one
 *   Uninstall, installed                    → run its uninstall; forget it
 *   Uninstall, not installed / other version→ Failed
 *
 * The inventory (installed.json) changes only when a script succeeded: after an uninstall the
 * package is forgotten; after an install or update the new version is recorded. A failed script
 * ends the step Failed with its exit code and leaves what was recorded before it. Downloads fail
 * before any script runs, so a bad or corrupt archive changes nothing on the node. Commands for
 * the same package run one at a time on a node.
 *
 * Scripts run with the version's unpacked directory as working directory and the environment of
 * `scriptEnvironment` below; a script's interpreter follows its extension (`scriptCommand`).
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { isPackageVersion, packageNameOf } from '../../domain/package.js';
import { entryKeys, selectPackageEntry, type NodePlatform, type PackageEntry } from '../../domain/package-manifest.js';
import type { ResolvedStep } from '../../domain/command.js';
import { findExecutable } from '../find-executable.js';
import type { InstalledPackage, InstalledPackages } from '../installed-packages.js';
import { unpackPackage, type DescribedPackage, type PackageSource } from '../package-download.js';
import { runProcessTree, type ProcessEnd } from '../process-tree.js';
import { parseTimeoutSeconds } from './script-step.js';
import { stepNotRun, type StepAction, type StepContext, type StepOutcome } from './step-action.js';

export type PackageAction = 'Install' | 'Uninstall';
export type InstallationType = 'Uninstall and reinstall' | 'In-place update';

export interface PackageRequest {
  readonly name: string;
  readonly action: PackageAction;
  readonly installationType: InstallationType;
  /** '' = the latest (Install) or the installed one (Uninstall). */
  readonly version: string;
  readonly additionalArguments: Readonly<Record<string, string>>;
}

/** `additionalArguments` keys: SSM requires the `SSM_` prefix; the rest must make a safe variable name. */
const ARGUMENT_KEY = /^SSM_[A-Za-z0-9_]{1,124}$/;
const MAX_ARGUMENTS_CHARS = 4096;

export type ParsedRequest =
  { readonly ok: true; readonly request: PackageRequest } | { readonly ok: false; readonly message: string };

function parseArguments(raw: unknown, stepName: string): Record<string, string> | string {
  let value = raw;
  if (value === undefined || value === null || value === '') {
    return {};
  }
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return `Step ${stepName}: additionalArguments must be a JSON object of SSM_ variables; got ${JSON.stringify(raw)}.`;
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `Step ${stepName}: additionalArguments must be a JSON object of SSM_ variables.`;
  }
  if (JSON.stringify(value).length > MAX_ARGUMENTS_CHARS) {
    return `Step ${stepName}: additionalArguments must be at most ${MAX_ARGUMENTS_CHARS} characters.`;
  }
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (!ARGUMENT_KEY.test(key)) {
      return `Step ${stepName}: additionalArguments key ${JSON.stringify(key)} must start with SSM_ and continue with letters, digits or _ (it becomes an environment variable).`;
    }
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
      out[key] = String(item);
    } else {
      return `Step ${stepName}: additionalArguments ${key} must be a string, a number or a boolean.`;
    }
  }
  return out;
}

/** Reads and checks the step's inputs (they were validated against the document already). */
export function parsePackageRequest(step: ResolvedStep): ParsedRequest {
  const { name, action, installationType, version, additionalArguments } = step.inputs;
  if (typeof name !== 'string' || name === '') {
    return {
      ok: false,
      message: `Step ${step.name}: the name input is required (the package to install or uninstall).`,
    };
  }
  const packageName = packageNameOf(name);
  if (packageName === undefined) {
    return {
      ok: false,
      message: `Step ${step.name}: ${JSON.stringify(name)} is not a package name (letters, digits, ".", "_", "-"; up to 128).`,
    };
  }
  if (action !== 'Install' && action !== 'Uninstall') {
    return {
      ok: false,
      message: `Step ${step.name}: action must be Install or Uninstall; got ${JSON.stringify(action)}.`,
    };
  }
  const type = installationType === undefined || installationType === '' ? 'Uninstall and reinstall' : installationType;
  if (type !== 'Uninstall and reinstall' && type !== 'In-place update') {
    return {
      ok: false,
      message: `Step ${step.name}: installationType must be "Uninstall and reinstall" or "In-place update"; got ${JSON.stringify(installationType)}.`,
    };
  }
  const wantedVersion = version === undefined || version === null ? '' : version;
  if (typeof wantedVersion !== 'string' || (wantedVersion !== '' && !isPackageVersion(wantedVersion))) {
    return { ok: false, message: `Step ${step.name}: ${JSON.stringify(version)} is not a package version.` };
  }
  const args = parseArguments(additionalArguments, step.name);
  if (typeof args === 'string') {
    return { ok: false, message: args };
  }
  return {
    ok: true,
    request: { name: packageName, action, installationType: type, version: wantedVersion, additionalArguments: args },
  };
}

/** What an Install will do, given what is installed and the version to install. */
export type InstallPlan =
  | { readonly kind: 'nothing'; readonly message: string }
  | { readonly kind: 'install' }
  | { readonly kind: 'reinstall'; readonly from: InstalledPackage }
  | { readonly kind: 'update'; readonly from: InstalledPackage };

/** What an Uninstall will do, given what is installed. */
export type UninstallPlan =
  | { readonly kind: 'refuse'; readonly message: string }
  | { readonly kind: 'uninstall'; readonly target: InstalledPackage };

/** The plan of an Install of `version` (resolved: never blank) when `current` is installed. */
export function planInstall(
  request: PackageRequest,
  current: InstalledPackage | undefined,
  version: string,
): InstallPlan {
  if (current === undefined) {
    return { kind: 'install' };
  }
  if (current.version === version) {
    return { kind: 'nothing', message: `${request.name} ${version} is already installed; nothing to do.` };
  }
  return request.installationType === 'In-place update'
    ? { kind: 'update', from: current }
    : { kind: 'reinstall', from: current };
}

/** The plan of an Uninstall when `current` is installed. */
export function planUninstall(request: PackageRequest, current: InstalledPackage | undefined): UninstallPlan {
  if (current === undefined) {
    return { kind: 'refuse', message: `${request.name} is not installed on this node; there is nothing to uninstall.` };
  }
  if (request.version !== '' && request.version !== current.version) {
    return {
      kind: 'refuse',
      message: `${request.name} ${request.version} is not installed on this node (installed: ${current.version}); only the installed version can be uninstalled.`,
    };
  }
  return { kind: 'uninstall', target: current };
}

/** Which script of a package runs, for `MADO_PACKAGE_ACTION`. */
export type ScriptRole = 'install' | 'uninstall' | 'update';

export interface ScriptRun {
  readonly role: ScriptRole;
  readonly script: string;
  readonly name: string;
  readonly version: string;
  readonly dir: string;
  /** The version installed before this command (install/update), or ''. */
  readonly previousVersion: string;
  /** The version this command installs ('' for a plain Uninstall). */
  readonly targetVersion: string;
  readonly platform: string;
}

/**
 * The environment of a package script (documented in docs/packages.md): the agent's own, the
 * Run Command variables every script gets, the package variables, then `additionalArguments`.
 */
export function scriptEnvironment(
  context: Pick<StepContext, 'env' | 'nodeId' | 'commandId'>,
  request: PackageRequest,
  run: ScriptRun,
  dataDir: string,
): NodeJS.ProcessEnv {
  return {
    ...context.env,
    AWS_SSM_INSTANCE_ID: context.nodeId,
    MADO_COMMAND_ID: context.commandId,
    MADO_PACKAGE_NAME: run.name,
    MADO_PACKAGE_VERSION: run.version,
    MADO_PACKAGE_ACTION: run.role,
    MADO_PACKAGE_INSTALLATION_TYPE: request.action === 'Uninstall' ? '' : request.installationType,
    MADO_PACKAGE_DIR: run.dir,
    MADO_PACKAGE_DATA_DIR: dataDir,
    MADO_PACKAGE_PREVIOUS_VERSION: run.previousVersion,
    MADO_PACKAGE_TARGET_VERSION: run.targetVersion,
    MADO_PACKAGE_PLATFORM: run.platform,
    MADO_NODE: process.execPath,
    ...request.additionalArguments,
  };
}

/**
 * How a script is started, by its extension: `.sh` with bash (sh without bash), `.ps1` with
 * PowerShell, `.cmd`/`.bat` with cmd.exe (Windows), `.js`/`.mjs`/`.cjs` with the Node.js that runs
 * the agent; anything else is executed directly (it needs its executable bit in the archive).
 */
export function scriptCommand(
  scriptPath: string,
  context: Pick<StepContext, 'env' | 'platform'>,
): { command: string; args: string[] } | { missing: string } {
  const onWindows = context.platform === 'win32';
  switch (extname(scriptPath).toLowerCase()) {
    case '.sh': {
      const shell = findExecutable('bash', context.env.PATH) ?? findExecutable('sh', context.env.PATH);
      if (shell === undefined && onWindows) {
        return { missing: 'No sh or bash on PATH to run a .sh script' };
      }
      return { command: shell ?? '/bin/sh', args: [scriptPath] };
    }
    case '.ps1': {
      const powershell = onWindows
        ? (findExecutable('powershell', context.env.PATH, 'win32') ?? findExecutable('pwsh', context.env.PATH, 'win32'))
        : findExecutable('pwsh', context.env.PATH);
      if (powershell === undefined) {
        return { missing: 'PowerShell is not installed on this node' };
      }
      return {
        command: powershell,
        args: [
          '-NoProfile',
          '-NonInteractive',
          ...(onWindows ? ['-ExecutionPolicy', 'Bypass'] : []),
          '-File',
          scriptPath,
        ],
      };
    }
    case '.cmd':
    case '.bat':
      return onWindows
        ? { command: context.env.ComSpec ?? 'cmd.exe', args: ['/d', '/s', '/c', scriptPath] }
        : { missing: `${extname(scriptPath)} scripts run only on Windows` };
    case '.js':
    case '.mjs':
    case '.cjs':
      return { command: process.execPath, args: [scriptPath] };
    default:
      return { command: scriptPath, args: [] };
  }
}

function exitCode(end: Extract<ProcessEnd, { exitCode: number | null }>): number {
  if (end.exitCode !== null) {
    return end.exitCode;
  }
  const number = end.signal === null ? undefined : constants.signals[end.signal];
  return number === undefined ? -1 : 128 + number;
}

export interface ConfigurePackageOptions {
  readonly installed: InstalledPackages;
  readonly source: PackageSource;
  /** This node's platform, for choosing the manifest entry. */
  readonly platform: () => NodePlatform;
  /** Called after installed.json changed (the inventory reporter tells the server). */
  readonly onInventoryChanged: () => void;
  readonly now: () => number;
}

/** Collects the step's output: the agent's own lines and each script's output under a heading. */
class Transcript {
  private readonly out: string[] = [];
  private readonly err: string[] = [];

  say(line: string): void {
    this.out.push(`${line}\n`);
  }

  problem(line: string): void {
    this.err.push(`${line}\n`);
  }

  script(label: string, stdout: string, stderr: string): void {
    this.out.push(`--- ${label} ---\n`);
    if (stdout !== '') {
      this.out.push(stdout.endsWith('\n') ? stdout : `${stdout}\n`);
    }
    if (stderr !== '') {
      this.err.push(`--- ${label} ---\n${stderr.endsWith('\n') ? stderr : `${stderr}\n`}`);
    }
  }

  outcome(outcome: StepOutcome['outcome'], responseCode: number): StepOutcome {
    return { outcome, responseCode, stdout: this.out.join(''), stderr: this.err.join('') };
  }

  failed(message: string, responseCode = -1): StepOutcome {
    this.problem(message);
    return this.outcome('Failed', responseCode);
  }
}

type ScriptResult = { readonly ok: true } | { readonly ok: false; readonly outcome: StepOutcome };

/** The outcome with one more line of explanation at the end of its stderr. */
function withNote(outcome: StepOutcome, note: string): StepOutcome {
  return { ...outcome, stderr: `${outcome.stderr}${note}\n` };
}

/** Creates the action over the node's package state and a package source (the server). */
export function createConfigurePackageAction(options: ConfigurePackageOptions): StepAction {
  const { installed, source } = options;
  // Commands for one package run one at a time on a node: each waits for the previous one.
  const queues = new Map<string, Promise<unknown>>();

  async function runScript(
    run: ScriptRun,
    request: PackageRequest,
    context: StepContext,
    deadline: number,
    transcript: Transcript,
  ): Promise<ScriptResult> {
    const label = `${run.script} (${run.role} of ${run.name} ${run.version})`;
    const scriptPath = join(run.dir, run.script);
    const command = scriptCommand(scriptPath, context);
    if ('missing' in command) {
      return { ok: false, outcome: transcript.failed(`${command.missing}: ${label} could not run.`) };
    }
    const remainingMs = deadline - options.now();
    if (remainingMs <= 0) {
      return { ok: false, outcome: transcript.failed(`The step's time ran out before ${label} could run.`, 124) };
    }
    const result = await runProcessTree({
      command: command.command,
      args: command.args,
      cwd: run.dir,
      env: scriptEnvironment(context, request, run, installed.dataDir(run.name)),
      timeoutMs: remainingMs,
      signal: context.signal,
      clock: context.clock,
      killGraceMs: context.killGraceMs,
      maxOutputBytes: context.maxOutputBytes,
      onStarted: context.onProcessStarted,
    });
    transcript.script(label, result.stdout, result.stderr);
    const end = result.end;
    switch (end.kind) {
      case 'exited': {
        const code = exitCode(end);
        if (code === 0) {
          return { ok: true };
        }
        return { ok: false, outcome: transcript.failed(`${label} failed with exit code ${code}.`, code) };
      }
      case 'timed-out':
        transcript.problem(`${label} did not finish before the step's timeout; its processes were stopped.`);
        return { ok: false, outcome: transcript.outcome('TimedOut', 124) };
      case 'aborted':
        transcript.problem(
          end.reason === 'shutdown'
            ? `The agent stopped while ${label} ran; its processes were stopped.`
            : `The command was cancelled while ${label} ran; its processes were stopped.`,
        );
        return { ok: false, outcome: transcript.outcome('Cancelled', exitCode(end)) };
      case 'spawn-failed':
        return { ok: false, outcome: transcript.failed(`${label} could not be started: ${end.message}`) };
    }
  }

  /** Runs the installed version's uninstall script, or notes why it cannot (its files are gone). */
  async function uninstallInstalled(
    current: InstalledPackage,
    targetVersion: string,
    request: PackageRequest,
    context: StepContext,
    deadline: number,
    transcript: Transcript,
  ): Promise<ScriptResult> {
    const dir = installed.versionDir(current.name, current.version);
    if (!existsSync(join(dir, current.entry.uninstall))) {
      // Without its files the version cannot uninstall itself; forgetting it is all that is left.
      transcript.problem(
        `The files of ${current.name} ${current.version} are missing from ${dir}; its uninstall script was skipped.`,
      );
      return { ok: true };
    }
    return runScript(
      {
        role: 'uninstall',
        script: current.entry.uninstall,
        name: current.name,
        version: current.version,
        dir,
        previousVersion: current.version,
        targetVersion,
        platform: current.platform,
      },
      request,
      context,
      deadline,
      transcript,
    );
  }

  async function uninstall(request: PackageRequest, context: StepContext, deadline: number): Promise<StepOutcome> {
    const transcript = new Transcript();
    const plan = planUninstall(request, installed.get(request.name));
    if (plan.kind === 'refuse') {
      return transcript.failed(plan.message);
    }
    const { target } = plan;
    transcript.say(`Uninstalling ${target.name} ${target.version}.`);
    const ran = await uninstallInstalled(target, '', request, context, deadline, transcript);
    if (!ran.ok) {
      return ran.outcome;
    }
    installed.remove(target.name);
    installed.removeVersionDir(target.name, target.version);
    options.onInventoryChanged();
    transcript.say(`${target.name} ${target.version} is uninstalled.`);
    return transcript.outcome('Success', 0);
  }

  /** Downloads, verifies and unpacks `described` into its version directory. */
  async function fetchVersion(
    described: DescribedPackage,
    entry: PackageEntry,
    context: StepContext,
    transcript: Transcript,
  ): Promise<string | StepOutcome> {
    const staging = installed.stagingDir(`${described.name}-${described.version}-${context.commandId}`);
    try {
      const archive = join(staging, 'archive.tar.gz');
      const unpacked = join(staging, 'files');
      mkdirSync(unpacked);
      try {
        await source.download(described, archive, context.signal);
        await unpackPackage(archive, unpacked, entry);
      } catch (error) {
        if (context.signal.aborted) {
          transcript.problem('The command was stopped while the package was downloaded; nothing was installed.');
          return transcript.outcome('Cancelled', -1);
        }
        return transcript.failed((error as Error).message);
      }
      transcript.say(
        `Downloaded ${described.name} ${described.version}: ${described.sizeBytes} bytes, SHA-256 ${described.sha256} verified.`,
      );
      const dir = installed.versionDir(described.name, described.version);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dirname(dir), { recursive: true });
      renameSync(unpacked, dir);
      return dir;
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }

  async function install(request: PackageRequest, context: StepContext, deadline: number): Promise<StepOutcome> {
    const transcript = new Transcript();
    const current = installed.get(request.name);
    if (request.version !== '' && current?.version === request.version) {
      transcript.say(`${request.name} ${request.version} is already installed; nothing to do.`);
      return transcript.outcome('Success', 0);
    }
    const described = await source.describe(request.name, request.version, context.signal);
    if (!described.ok) {
      return transcript.failed(described.message);
    }
    const wanted = described.package;
    const plan = planInstall(request, current, wanted.version);
    if (plan.kind === 'nothing') {
      transcript.say(plan.message);
      return transcript.outcome('Success', 0);
    }
    const node = options.platform();
    const selected = selectPackageEntry(wanted.manifest, node);
    if (selected === undefined) {
      return transcript.failed(
        `${wanted.name} ${wanted.version} has no entry for this node (${node.platformName} ${node.platformVersion}, ${node.architecture}); its manifest has ${entryKeys(wanted.manifest).join(', ')}.`,
      );
    }
    const platform = `${selected.platform}/${selected.platformVersion}/${selected.architecture}`;
    transcript.say(
      plan.kind === 'install'
        ? `Installing ${wanted.name} ${wanted.version} (entry ${platform}).`
        : `Installing ${wanted.name} ${wanted.version} over ${plan.from.version} ("${request.installationType}"; entry ${platform}).`,
    );
    const fetched = await fetchVersion(wanted, selected.entry, context, transcript);
    if (typeof fetched !== 'string') {
      return fetched;
    }
    const dir = fetched;
    const previousVersion = plan.kind === 'install' ? '' : plan.from.version;
    const record: InstalledPackage = {
      name: wanted.name,
      version: wanted.version,
      installedAt: options.now(),
      ...(wanted.manifest.publisher === undefined ? {} : { publisher: wanted.manifest.publisher }),
      ...(wanted.manifest.description === undefined ? {} : { description: wanted.manifest.description }),
      platform,
      architecture: node.architecture,
      entry: selected.entry,
    };
    const newRun = (role: ScriptRole, script: string): ScriptRun => ({
      role,
      script,
      name: wanted.name,
      version: wanted.version,
      dir,
      previousVersion,
      targetVersion: wanted.version,
      platform,
    });

    if (plan.kind === 'reinstall') {
      const removed = await uninstallInstalled(plan.from, wanted.version, request, context, deadline, transcript);
      if (!removed.ok) {
        installed.removeVersionDir(wanted.name, wanted.version);
        return withNote(
          removed.outcome,
          `${plan.from.name} ${plan.from.version} stays installed; ${wanted.version} was not installed.`,
        );
      }
      installed.remove(plan.from.name);
      installed.removeVersionDir(plan.from.name, plan.from.version);
      options.onInventoryChanged();
      transcript.say(`${plan.from.name} ${plan.from.version} is uninstalled.`);
    }
    const useUpdate = plan.kind === 'update' && selected.entry.update !== undefined;
    const ran = await runScript(
      newRun(useUpdate ? 'update' : 'install', useUpdate ? selected.entry.update! : selected.entry.install),
      request,
      context,
      deadline,
      transcript,
    );
    if (!ran.ok) {
      installed.removeVersionDir(wanted.name, wanted.version);
      return withNote(
        ran.outcome,
        plan.kind === 'reinstall'
          ? `${wanted.name} ${plan.from.version} was uninstalled and ${wanted.version} failed to install: no version of ${wanted.name} is installed now.`
          : plan.kind === 'update'
            ? `${wanted.name} ${plan.from.version} stays recorded as installed.`
            : `${wanted.name} is not installed.`,
      );
    }
    installed.put(record);
    if (plan.kind === 'update') {
      installed.removeVersionDir(plan.from.name, plan.from.version);
    }
    options.onInventoryChanged();
    transcript.say(
      previousVersion === ''
        ? `${wanted.name} ${wanted.version} is installed.`
        : `${wanted.name} ${wanted.version} is installed (was ${previousVersion}).`,
    );
    return transcript.outcome('Success', 0);
  }

  return {
    name: 'aws:configurePackage',
    platforms: ['Linux', 'MacOS', 'Windows'],
    async run(step, context) {
      const parsed = parsePackageRequest(step);
      if (!parsed.ok) {
        return stepNotRun(parsed.message);
      }
      const seconds = parseTimeoutSeconds(step.inputs.timeoutSeconds, context.defaultTimeoutSeconds);
      if (seconds === undefined) {
        return stepNotRun(`Step ${step.name}: timeoutSeconds must be a positive number of seconds.`);
      }
      const { request } = parsed;
      const previous = queues.get(request.name) ?? Promise.resolve();
      const mine = previous
        .catch(() => undefined)
        .then(() => {
          const deadline = options.now() + seconds * 1000;
          return request.action === 'Uninstall'
            ? uninstall(request, context, deadline)
            : install(request, context, deadline);
        });
      queues.set(request.name, mine);
      try {
        return await mine;
      } finally {
        if (queues.get(request.name) === mine) {
          queues.delete(request.name);
        }
      }
    },
  };
}
