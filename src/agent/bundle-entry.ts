/**
 * Entry of the single-file agent (`dist/mado-agent.cjs`, built by scripts/build-agent.mjs): a
 * commander program with only the `agent` commands, so the bundle carries no server code.
 * Run it as `node mado-agent.cjs agent run`.
 */
import { Command } from 'commander';
import { addAgentCommands } from '../cli/agent-commands.js';
import { AGENT_VERSION } from './version.js';

const program = new Command()
  .name('mado-agent')
  .description('Mado agent: runs the commands of Mado maintenance windows on this node')
  .version(AGENT_VERSION);
addAgentCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
