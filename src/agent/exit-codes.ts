/**
 * Exit codes of `mado agent run` (the supervisor) and of its worker process. The supervisor
 * restarts a worker that exits with anything else; these two mean "restarting cannot help", so
 * both processes stop, and the systemd unit lists them in `RestartPreventExitStatus`.
 */

/** The server refused this node's identity (`Revoked` or `Unauthorized`): it was deregistered. */
export const EXIT_REVOKED = 77;

/** The state directory is missing, incomplete or unsafe (see the message printed before). */
export const EXIT_STATE_INVALID = 78;

/**
 * The worker installed an agent release and asks to be restarted from it (aws:updateSsmAgent):
 * the supervisor starts the new bundle on trial (see supervisor.ts). Not final.
 */
export const EXIT_SWITCH_RELEASE = 75;

/** Codes after which the supervisor stops instead of restarting the worker. */
export const FINAL_EXIT_CODES: ReadonlySet<number> = new Set([EXIT_REVOKED, EXIT_STATE_INVALID]);
