/**
 * `Mado.GetCommandInvocationOutput`: one node's whole output for one step, as the server keeps it
 * (up to `MADO_OUTPUT_CAP_BYTES` per stream), where GetCommandInvocation answers only the first
 * 24,000 / 8,000 characters. Same input and errors as GetCommandInvocation (InvalidCommandId,
 * InvocationDoesNotExist, InvalidPluginName). While the invocation runs, the content is the
 * output so far (agents report it about once a second while a step runs) and `Complete` is false;
 * once the step has finished it is the whole output and `Complete` is true. (GetCommandInvocation,
 * SSM's operation, still shows output only once the step has finished.)
 * `StandardOutputCapped` / `StandardErrorCapped` tell that the stream may be missing its end (the
 * agent or the server cut it).
 */
import { z } from 'zod';
import { invocationPlugins, isPluginFinished } from '../../domain/command.js';
import { defineOperation } from '../operation.js';
import { getCommandInvocationWire } from '../wire/command-wire.js';
import * as S from '../wire/shapes.js';

export const getCommandInvocationOutput = defineOperation({
  name: 'GetCommandInvocationOutput',
  access: 'read',
  input: z.object({
    CommandId: S.CommandId,
    InstanceId: S.InstanceId,
    PluginName: S.CommandPluginName.optional(),
  }),
  async handle(input, ctx) {
    const output = await ctx.services.commands.getInvocationOutput(input.CommandId, input.InstanceId, input.PluginName);
    const wire = getCommandInvocationWire(output.detail);
    // Unlike GetCommandInvocation, the output so far is shown while the step runs.
    const { command, invocation, pluginName } = output.detail;
    const step = command.steps.find((candidate) => candidate.name === pluginName);
    const plugin = invocationPlugins(step === undefined ? [] : [step], invocation)[0];
    const finished = plugin !== undefined && isPluginFinished(plugin);
    return {
      CommandId: wire.CommandId,
      InstanceId: wire.InstanceId,
      PluginName: wire.PluginName,
      DocumentName: wire.DocumentName,
      Status: wire.Status,
      StatusDetails: wire.StatusDetails,
      ResponseCode: wire.ResponseCode,
      ExecutionStartDateTime: wire.ExecutionStartDateTime,
      ExecutionEndDateTime: wire.ExecutionEndDateTime,
      StandardOutputContent: output.stdout,
      StandardErrorContent: output.stderr,
      StandardOutputCapped: output.stdoutCapped,
      StandardErrorCapped: output.stderrCapped,
      OutputCapBytes: output.capBytes,
      /** False while the step may still add output (what is shown is the output so far). */
      Complete: finished,
    };
  },
});
