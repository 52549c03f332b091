/**
 * Entry of the step host when the agent runs from the compiled sources: `bin/mado.js agent
 * step-host <dir>` loads only this file instead of the whole CLI (with the server's packages),
 * so a script step does not wait for that to start. The single-file bundle goes through its
 * `agent step-host` command instead (src/cli/agent-commands.ts).
 */
import { runStepHost } from './step-host.js';

process.exit(await runStepHost(process.argv[process.argv.indexOf('step-host') + 1] ?? ''));
