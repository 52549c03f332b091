/**
 * `mado commands output COMMAND_ID NODE_ID [--step NAME]`: one node's whole output of a Run
 * Command step over the signed API (Mado.GetCommandInvocationOutput), where
 * `aws ssm get-command-invocation` shows only the first 24,000 / 8,000 characters.
 *
 * Prints the step's standard output to stdout and its standard error to stderr, as they are, so
 * that it can be piped; `--json` prints the whole answer instead.
 */
import type { Command } from 'commander';
import { ApiClient, clientSettingsFrom } from './api-client.js';

interface CommonOptions {
  readonly endpointUrl?: string;
  readonly json?: boolean;
}

interface OutputWire {
  readonly Status: string;
  readonly PluginName: string;
  readonly StandardOutputContent: string;
  readonly StandardErrorContent: string;
  readonly StandardOutputCapped: boolean;
  readonly StandardErrorCapped: boolean;
  readonly OutputCapBytes: number;
}

export function addCommandCommands(program: Command): void {
  const commands = program
    .command('commands')
    .description('read Run Command results (needs MADO_ACCESS_KEY_ID / MADO_SECRET_ACCESS_KEY)')
    .option('--endpoint-url <url>', 'server URL (env MADO_ENDPOINT_URL; default http://127.0.0.1:8080)')
    .option('--json', 'print JSON');
  const options = () => commands.opts<CommonOptions>();

  commands
    .command('output')
    .description("print a node's whole output of a command step (stdout to stdout, stderr to stderr)")
    .argument('<command-id>')
    .argument('<node-id>')
    .option('--step <name>', 'the step (plugin) name; needed when the document has several')
    .action(async (commandId: string, nodeId: string, flags: { step?: string }) => {
      const client = new ApiClient(clientSettingsFrom(options(), process.env));
      const result = await client.call<OutputWire>('Mado.GetCommandInvocationOutput', {
        CommandId: commandId,
        InstanceId: nodeId,
        ...(flags.step === undefined ? {} : { PluginName: flags.step }),
      });
      if (options().json === true) {
        console.log(JSON.stringify(result, null, 2));
        return;
      }
      process.stdout.write(result.StandardOutputContent);
      process.stderr.write(result.StandardErrorContent);
      if (result.Status === 'Pending' || result.Status === 'InProgress' || result.Status === 'Delayed') {
        process.stderr.write(`(step ${result.PluginName} is ${result.Status}: this is its output so far)\n`);
      }
      if (result.StandardOutputCapped || result.StandardErrorCapped) {
        process.stderr.write(
          `(the output was cut: the server keeps at most ${result.OutputCapBytes} bytes per stream, MADO_OUTPUT_CAP_BYTES)\n`,
        );
      }
    });
}
