/**
 * The agent's settings: where its state lives and the timings of its loops. Defaults live here
 * and nowhere else; the CLI reads its flags once and hands each component only its slice.
 */
import { join, win32 } from 'node:path';

/** Timings and limits of the worker, its runner and the supervisor. */
export interface AgentSettings {
  /** First reconnect delay bound; the n-th retry waits up to `min(cap, base · 2ⁿ)`. */
  readonly reconnectBaseMs: number;
  readonly reconnectCapMs: number;
  /** A connection that stayed welcomed this long resets the reconnect backoff. */
  readonly stableConnectionMs: number;
  /** Time allowed from opening the socket to `welcome` (challenge, hello, welcome). */
  readonly handshakeTimeoutMs: number;
  /** A finished result not acknowledged this long after it was sent is sent again. */
  readonly resultResendMs: number;
  /** After SIGTERM to a step's process group, how long before SIGKILL. */
  readonly killGraceMs: number;
  /** Bytes of stdout and of stderr kept per step (the rest is counted and dropped). */
  readonly maxOutputBytes: number;
  /** How long acknowledged journal entries are kept in `journal/done/`. */
  readonly acknowledgedRetentionMs: number;
  /** Supervisor: first restart delay bound and cap (same full-jitter backoff as reconnects). */
  readonly restartBaseMs: number;
  readonly restartCapMs: number;
  /** Supervisor: a worker that ran at least this long before dying is not part of a crash loop. */
  readonly stableWorkerMs: number;
  /**
   * Supervisor: how long a worker started from a newly installed release has to connect to the
   * server before the supervisor rolls back to the previous release.
   */
  readonly updateConfirmMs: number;
}

export const DEFAULT_AGENT_SETTINGS = Object.freeze({
  reconnectBaseMs: 1_000,
  reconnectCapMs: 60_000,
  stableConnectionMs: 60_000,
  handshakeTimeoutMs: 15_000,
  resultResendMs: 30_000,
  killGraceMs: 10_000,
  maxOutputBytes: 1024 * 1024,
  acknowledgedRetentionMs: 7 * 24 * 60 * 60 * 1000,
  restartBaseMs: 1_000,
  restartCapMs: 60_000,
  stableWorkerMs: 60_000,
  updateConfirmMs: 90_000,
}) satisfies AgentSettings;

/**
 * The default state directory for an OS (`process.platform`): `/var/lib/mado-agent` on Linux,
 * `%ProgramData%\Mado\Agent` on Windows, `~/Library/Application Support/Mado/Agent` on macOS.
 */
export function defaultStateDir(
  platform: string,
  env: Readonly<Record<string, string | undefined>>,
  homeDir: string,
): string {
  switch (platform) {
    case 'win32':
      return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'Mado', 'Agent');
    case 'darwin':
      return join(homeDir, 'Library', 'Application Support', 'Mado', 'Agent');
    default:
      return '/var/lib/mado-agent';
  }
}
