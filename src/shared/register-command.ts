/**
 * The commands to paste on a node after CreateActivation, as the console's Activations page and
 * `mado activations create` print them: `npx mado agent register …` (the flags of `mado agent
 * register`, see src/cli/agent-commands.ts) and then `npx mado agent run` on the same state
 * directory. Values are quoted for a POSIX shell only when they need it.
 */

export const DEFAULT_AGENT_STATE_DIR = '/var/lib/mado-agent';

export interface RegisterCommandInput {
  /** The server's URL as nodes reach it (the console's own origin). */
  readonly serverUrl: string;
  readonly activationId: string;
  readonly activationCode: string;
  /** Extra tags for the node (the activation's own tags apply anyway). */
  readonly tags?: readonly { readonly Key: string; readonly Value: string }[];
  readonly stateDir?: string;
  /** The server certificate's `SHA256:…` fingerprint (Mado.GetServerInfo), pinned by the node. */
  readonly serverFingerprint?: string;
}

export interface RegisterCommands {
  readonly register: string;
  readonly run: string;
  /** Both, one per line. */
  readonly script: string;
}

/** `value` as one POSIX shell word: as is when safe, else in single quotes. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_\-.,:/=@+%]+$/.test(value)) {
    return value;
  }
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function buildRegisterCommands(input: RegisterCommandInput): RegisterCommands {
  const stateDir = shellQuote(input.stateDir ?? DEFAULT_AGENT_STATE_DIR);
  const words = [
    'npx mado agent register',
    `--server ${shellQuote(input.serverUrl.replace(/\/+$/, ''))}`,
    `--activation-id ${shellQuote(input.activationId)}`,
    `--activation-code ${shellQuote(input.activationCode)}`,
    ...(input.serverFingerprint === undefined ? [] : [`--server-fingerprint ${shellQuote(input.serverFingerprint)}`]),
    ...(input.tags ?? []).map((tag) => `--tag ${shellQuote(`${tag.Key}=${tag.Value}`)}`),
    `--state-dir ${stateDir}`,
  ];
  const register = words.join(' ');
  const run = `npx mado agent run --state-dir ${stateDir}`;
  return { register, run, script: `${register}\n${run}` };
}
