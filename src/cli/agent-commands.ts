/**
 * `mado agent …`: the commands that run on a managed node. They are also the whole of the
 * single-file agent bundle (src/agent/bundle-entry.ts), so this file imports only src/agent/*
 * and commander: no server code may reach a customer's node through it.
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { systemClock } from '../shared/clock.js';
import { DEFAULT_AGENT_SETTINGS, defaultStateDir } from '../agent/config.js';
import { installService } from '../agent/install-service.js';
import { createJsonLogger, LOG_LEVELS, type LogLevel } from '../agent/json-logger.js';
import { collectNodeFacts } from '../agent/node-facts.js';
import { generateNodeKeyPair } from '../agent/node-key.js';
import { registerNode } from '../agent/register.js';
import { loadState, StateDirectoryError } from '../agent/state-directory.js';
import { runStepHost } from '../agent/step-host.js';
import { runSupervisorProcess } from '../agent/supervisor.js';
import { runWorkerProcess } from '../agent/worker-process.js';

const REGISTER_TIMEOUT_MS = 30_000;

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function stateDirOf(option: string | undefined): string {
  return resolve(option ?? defaultStateDir(process.platform, process.env, homedir()));
}

function stateProblem(stateDir: string): string | undefined {
  try {
    loadState(stateDir);
    return undefined;
  } catch (error) {
    if (error instanceof StateDirectoryError) {
      return error.message;
    }
    throw error;
  }
}

const logLevelOption = () =>
  new Option('--log-level <level>', 'log level').choices(LOG_LEVELS as string[]).default('info');

/** Adds `agent register | run | install-service` (and the internal `agent worker`) to a program. */
export function addAgentCommands(program: Command): Command {
  const defaultDir = defaultStateDir(process.platform, process.env, homedir());
  const agent = program
    .command('agent')
    .description('run on a managed node: register it with a server, run the agent, install it as a service');

  agent
    .command('register')
    .description('register this node with a Mado server using an activation (once per node)')
    .requiredOption('--server <url>', 'server URL, e.g. https://mado.example.com:8080')
    .requiredOption('--activation-id <id>', 'activation id (from CreateActivation)')
    .requiredOption('--activation-code <code>', 'activation code (from CreateActivation)')
    .option('--state-dir <dir>', `state directory (default ${defaultDir})`)
    .option('--tag <key=value>', 'tag the node (repeat for more tags)', collect, [])
    .option('--name <name>', "the node's name (default: the activation's DefaultInstanceName)")
    .option('--force', 'replace an existing registration in the state directory')
    .option(
      '--server-fingerprint <SHA256:…>',
      "pin the server's certificate by its SHA-256 fingerprint (printed by `mado server`) instead of trusting CAs",
    )
    .option('--insecure-http', 'accept a plain http:// server on a non-loopback address (unsafe)')
    .action(
      async (options: {
        server: string;
        activationId: string;
        activationCode: string;
        stateDir?: string;
        tag: string[];
        name?: string;
        force?: boolean;
        serverFingerprint?: string;
        insecureHttp?: boolean;
      }) => {
        const stateDir = stateDirOf(options.stateDir);
        const outcome = await registerNode(
          {
            server: options.server,
            activationId: options.activationId,
            activationCode: options.activationCode,
            stateDir,
            tags: options.tag,
            ...(options.name === undefined ? {} : { name: options.name }),
            force: options.force ?? false,
            ...(options.serverFingerprint === undefined ? {} : { serverFingerprint: options.serverFingerprint }),
            insecureHttp: options.insecureHttp ?? false,
          },
          {
            fetch,
            collectFacts: collectNodeFacts,
            generateKeyPair: generateNodeKeyPair,
            now: () => systemClock.now(),
            timeoutMs: REGISTER_TIMEOUT_MS,
          },
        );
        switch (outcome.kind) {
          case 'registered':
            console.log(outcome.nodeId);
            console.error(
              `Registered as ${outcome.nodeId}; state in ${outcome.stateDir}. Start the agent with: ` +
                `mado agent run --state-dir ${outcome.stateDir}`,
            );
            return;
          case 'refused':
            console.error(`Registration refused (HTTP ${outcome.status}): ${outcome.error}: ${outcome.message}`);
            break;
          case 'server-error':
            console.error(`Registration failed: the server answered HTTP ${outcome.status}: ${outcome.message}`);
            break;
          default:
            console.error(outcome.message);
        }
        process.exitCode = 1;
      },
    );

  agent
    .command('run')
    .description('run the agent: a supervisor that keeps the worker connected and restarts it if it dies')
    .option('--state-dir <dir>', `state directory (default ${defaultDir})`)
    .addOption(logLevelOption())
    .action(async (options: { stateDir?: string; logLevel: LogLevel }) => {
      const stateDir = stateDirOf(options.stateDir);
      const code = await runSupervisorProcess({
        stateDir,
        workerArgs: ['--state-dir', stateDir, '--log-level', options.logLevel],
        clock: systemClock,
        logger: createJsonLogger(options.logLevel, { component: 'agent-supervisor' }),
        settings: DEFAULT_AGENT_SETTINGS,
        checkState: () => stateProblem(stateDir),
      });
      process.exit(code);
    });

  agent
    .command('worker', { hidden: true })
    .description('internal: the worker process started by `agent run`')
    .option('--state-dir <dir>', `state directory (default ${defaultDir})`)
    .addOption(logLevelOption())
    .action(async (options: { stateDir?: string; logLevel: LogLevel }) => {
      const entryScript = process.argv[1];
      const code = await runWorkerProcess(stateDirOf(options.stateDir), {
        ...(entryScript === undefined
          ? {}
          : {
              stepHost: {
                command: process.execPath,
                args: [...process.execArgv, resolve(entryScript), 'agent', 'step-host'],
              },
            }),
        clock: systemClock,
        logger: createJsonLogger(options.logLevel, { component: 'agent-worker' }),
        settings: DEFAULT_AGENT_SETTINGS,
        env: process.env,
      });
      process.exit(code);
    });

  agent
    .command('step-host <dir>', { hidden: true })
    .description('internal: owns one script step for the worker, so its result survives a worker crash')
    .action(async (dir: string) => {
      process.exit(await runStepHost(resolve(dir)));
    });

  agent
    .command('install-service')
    .description('install and start the agent as a systemd service (Linux)')
    .option('--state-dir <dir>', `state directory (default ${defaultDir})`)
    .option('--print', 'only print the unit file')
    .action((options: { stateDir?: string; print?: boolean }) => {
      const stateDir = stateDirOf(options.stateDir);
      const entryScript = process.argv[1];
      if (entryScript === undefined) {
        console.error('Cannot tell which script is running (process.argv[1] is empty).');
        process.exitCode = 1;
        return;
      }
      if (options.print !== true) {
        const problem = stateProblem(stateDir);
        if (problem !== undefined) {
          console.error(problem);
          process.exitCode = 1;
          return;
        }
      }
      const outcome = installService({
        nodePath: process.execPath,
        entryScript: resolve(entryScript),
        stateDir,
        print: options.print ?? false,
        platform: process.platform,
        isRoot: process.getuid?.() === 0,
      });
      switch (outcome.kind) {
        case 'printed':
          process.stdout.write(outcome.unit);
          return;
        case 'installed':
          console.log(`Installed ${outcome.unitPath}; mado-agent is enabled and started.`);
          console.log('Follow it with: journalctl -u mado-agent -f');
          return;
        default:
          console.error(outcome.message);
          process.exitCode = 1;
      }
    });

  return agent;
}
