/**
 * The built Mado server as the benchmarks run it: `node bin/mado.js server` on 127.0.0.1, port 0,
 * with a fresh data directory, the benchmark's admin key and `MADO_LOG_LEVEL=warn`, optionally
 * under `node --cpu-prof`.
 *
 * `startMado` resolves once the server printed its URL; `stop()` sends SIGTERM, then SIGKILL
 * after SERVER_STOP_TIMEOUT_MS, and resolves when the process has exited (a profiled server
 * writes its `.cpuprofile` on that exit).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { SQLITE_SYNCHRONOUS_MODES, type SqliteSynchronous } from '../../src/store/sqlite/sqlite-store.js';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const MADO_BIN = join(REPO_ROOT, 'bin', 'mado.js');
const BUILT_ENTRY = join(REPO_ROOT, 'dist', 'cli', 'main.js');

export const REGION = 'us-east-1';
export const ADMIN = {
  accessKeyId: 'AKIABENCHADMIN000001',
  secretAccessKey: 'bench-admin-secret-key-0123456789abcdef',
} as const;

/**
 * The durability the benchmarked server runs with: the benchmark's own MADO_SQLITE_SYNCHRONOUS
 * (FULL, the server's default, or NORMAL), passed on so that both can be measured and compared.
 */
export const SQLITE_SYNCHRONOUS = sqliteSynchronous(process.env.MADO_SQLITE_SYNCHRONOUS ?? 'FULL');

function sqliteSynchronous(value: string): SqliteSynchronous {
  const mode = value.toUpperCase();
  if (!(SQLITE_SYNCHRONOUS_MODES as readonly string[]).includes(mode)) {
    throw new Error(`MADO_SQLITE_SYNCHRONOUS must be one of ${SQLITE_SYNCHRONOUS_MODES.join(', ')}; got "${value}".`);
  }
  return mode as SqliteSynchronous;
}

/** How the benchmarks describe the server's settings in their output. */
export const SERVER_SETTINGS = `MADO_LOG_LEVEL=warn, MADO_SQLITE_SYNCHRONOUS=${SQLITE_SYNCHRONOUS}`;

const SERVER_START_TIMEOUT_MS = 30_000;
const SERVER_STOP_TIMEOUT_MS = 20_000;

export interface ServerHandle {
  readonly url: URL;
  /** `performance.now()` just before the process was spawned (a profile starts about then). */
  readonly spawnedAtMs: number;
  readonly pid: number | undefined;
  output(): string;
  /** SIGTERM, then SIGKILL after SERVER_STOP_TIMEOUT_MS; resolves when the process has exited. */
  stop(): Promise<void>;
  /** SIGKILL (a crash: nothing is flushed or closed); resolves when the process has exited. */
  kill(): Promise<void>;
}

export interface MadoStartOptions {
  readonly dataDir: string;
  /** The port to listen on (default 0: any free port). */
  readonly port?: number;
  /** Runs the server under `node --cpu-prof`, writing the profile into this directory. */
  readonly profileDir?: string;
  /** Extra environment (the admin key, `MADO_LOG_LEVEL=warn`, PATH and HOME are always set). */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startMado(options: MadoStartOptions): Promise<ServerHandle> {
  const nodeArgs = options.profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', options.profileDir];
  const spawnedAtMs = performance.now();
  const args = [
    ...nodeArgs,
    MADO_BIN,
    'server',
    '--port',
    String(options.port ?? 0),
    '--host',
    '127.0.0.1',
    '--data-dir',
    options.dataDir,
  ];
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    stdio: 'pipe',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? tmpdir(),
      MADO_LOG_LEVEL: 'warn',
      MADO_ADMIN_ACCESS_KEY_ID: ADMIN.accessKeyId,
      MADO_ADMIN_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
      MADO_SQLITE_SYNCHRONOUS: SQLITE_SYNCHRONOUS,
      ...options.env,
    },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolveExit) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolveExit();
    }
    child.once('exit', () => resolveExit());
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  const stop = async () => {
    if (!running()) {
      return;
    }
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      console.error(`server did not exit ${SERVER_STOP_TIMEOUT_MS / 1000} s after SIGTERM; killing it`);
      child.kill('SIGKILL');
    }, SERVER_STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };
  const kill = async () => {
    if (running()) {
      child.kill('SIGKILL');
      await exited;
    }
  };
  try {
    const url = await new Promise<URL>((resolveUrl, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server did not start in ${SERVER_START_TIMEOUT_MS / 1000} s:\n${output}`)),
        SERVER_START_TIMEOUT_MS,
      );
      const check = () => {
        // The banner line naming the URL (`API:` today; `API and console:` in earlier builds).
        const match = /^API(?: and console)?: +(http:\/\/\S+)/m.exec(output);
        if (match) {
          clearTimeout(timer);
          resolveUrl(new URL(match[1]!));
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited (${code ?? signal}) before it was ready:\n${output}`));
      });
    });
    if (url.hostname !== '127.0.0.1') {
      throw new Error(`server listens on ${url.href}; the benchmarks only send traffic to 127.0.0.1`);
    }
    return { url, spawnedAtMs, pid: child.pid, output: () => output, stop, kill };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** An @aws-sdk/client-ssm client for the server, signed with the benchmark's admin key, no retries. */
export function ssmClient(url: URL): SSMClient {
  // The SDK warns once that its releases after January 2027 need Node 22; we run Node 20 (the
  // project's target) and the warning would land in the middle of the benchmark's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return new SSMClient({ endpoint: url.origin, region: REGION, credentials: ADMIN, maxAttempts: 1 });
}

/** The newest modification time under `dir` of files ending in `suffix` (bounded walk). */
function newestMtimeMs(dir: string, suffix: string, budget = { files: 5000 }): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (budget.files-- <= 0) {
      break;
    }
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      newest = Math.max(newest, newestMtimeMs(path, suffix, budget));
    } else if (entry.name.endsWith(suffix) && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

/**
 * Checks that the built server exists; prints what to run when it does not (false) and a note
 * when `src/` has changes newer than `dist/`.
 */
export function checkBuiltServer(script: string): boolean {
  if (!existsSync(BUILT_ENTRY) || !existsSync(MADO_BIN)) {
    console.error(`The built server is missing (${BUILT_ENTRY}). Run \`npm run build\` first, then \`${script}\`.`);
    return false;
  }
  if (newestMtimeMs(join(REPO_ROOT, 'src'), '.ts') > newestMtimeMs(join(REPO_ROOT, 'dist'), '.js')) {
    console.log('Note: src/ has changes newer than dist/; the server measured is the last `npm run build`.');
  }
  return true;
}
