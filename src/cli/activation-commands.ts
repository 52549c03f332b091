/**
 * `mado activations create|list|delete`: hybrid activations over the signed API
 * (CreateActivation, DescribeActivations, DeleteActivation). `create` prints the activation code
 * once and the commands to paste on a node, pinned to the server's certificate fingerprint
 * (Mado.GetServerInfo) when the server serves TLS — the same commands as the console's
 * Activations page (src/shared/register-command.ts).
 */
import type { Command } from 'commander';
import { buildRegisterCommands, DEFAULT_AGENT_STATE_DIR } from '../shared/register-command.js';
import { ApiClient, clientSettingsFrom } from './api-client.js';

interface CommonOptions {
  readonly endpointUrl?: string;
  readonly json?: boolean;
}

interface CreateOptions {
  readonly description?: string;
  readonly defaultInstanceName?: string;
  readonly iamRole: string;
  readonly registrationLimit: string;
  readonly expires?: string;
  readonly tag: readonly string[];
  readonly stateDir: string;
}

interface ActivationWire {
  readonly ActivationId: string;
  readonly Description?: string;
  readonly DefaultInstanceName?: string;
  readonly RegistrationLimit: number;
  readonly RegistrationsCount: number;
  readonly ExpirationDate?: number;
  readonly Expired: boolean;
}

/** `Key=Value` as an SSM tag. @throws naming the flag when there is no key. */
export function parseTagFlag(text: string): { Key: string; Value: string } {
  const equals = text.indexOf('=');
  const key = (equals === -1 ? text : text.slice(0, equals)).trim();
  if (key === '') {
    throw new Error(`--tag must be Key=Value; got "${text}".`);
  }
  return { Key: key, Value: equals === -1 ? '' : text.slice(equals + 1) };
}

/** A whole number from 1 to 1000 (SSM's RegistrationLimit). @throws naming the flag. */
function registrationLimit(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 1000) {
    throw new Error(`--registration-limit must be a whole number from 1 to 1000; got "${text}".`);
  }
  return Number(text);
}

/** Epoch seconds of an ISO date or time. @throws naming the flag. */
function expiry(text: string): number {
  const at = Date.parse(text);
  if (Number.isNaN(at)) {
    throw new Error(`--expires must be an ISO date or time (2026-12-31, 2026-12-31T18:00:00Z); got "${text}".`);
  }
  return at / 1000;
}

export function addActivationCommands(program: Command): void {
  const activations = program
    .command('activations')
    .description('hybrid activations that register nodes (needs an access key that may write)')
    .option('--endpoint-url <url>', 'server URL (env MADO_ENDPOINT_URL; default http://127.0.0.1:8080)')
    .option('--json', 'print JSON');
  const common = () => activations.opts<CommonOptions>();
  const client = () => new ApiClient(clientSettingsFrom(common(), process.env));

  activations
    .command('create')
    .description('create an activation and print the commands to register a node with it')
    .option('--description <text>', 'what the activation is for')
    .option('--default-instance-name <name>', 'the name nodes registered with it get')
    .option('--iam-role <role>', 'the IAM role recorded with the activation (SSM requires one)', 'MadoNode')
    .option('--registration-limit <n>', 'how many nodes may register with it (1 to 1000)', '1')
    .option('--expires <time>', 'when it expires (ISO date or time; default: in 24 hours)')
    .option('--tag <Key=Value>', 'a tag for every node registered with it (repeatable)', collect, [])
    .option('--state-dir <dir>', 'the agent state directory in the printed commands', DEFAULT_AGENT_STATE_DIR)
    .action(async (options: CreateOptions) => {
      const input = {
        IamRole: options.iamRole,
        RegistrationLimit: registrationLimit(options.registrationLimit),
        ...(options.description === undefined ? {} : { Description: options.description }),
        ...(options.defaultInstanceName === undefined ? {} : { DefaultInstanceName: options.defaultInstanceName }),
        ...(options.expires === undefined ? {} : { ExpirationDate: expiry(options.expires) }),
        ...(options.tag.length === 0 ? {} : { Tags: options.tag.map(parseTagFlag) }),
      };
      const settings = clientSettingsFrom(common(), process.env);
      const api = new ApiClient(settings);
      const created = await api.call<{ ActivationId: string; ActivationCode: string }>(
        'AmazonSSM.CreateActivation',
        input,
      );
      const info = await api.call<{ Tls: boolean; Fingerprint?: string }>('Mado.GetServerInfo');
      const commands = buildRegisterCommands({
        serverUrl: settings.endpoint,
        activationId: created.ActivationId,
        activationCode: created.ActivationCode,
        stateDir: options.stateDir,
        serverFingerprint: info.Fingerprint,
      });
      if (common().json === true) {
        console.log(JSON.stringify({ ...created, ...info, RegisterCommand: commands.register }, null, 2));
        return;
      }
      console.log(
        [
          `Activation ID:    ${created.ActivationId}`,
          `Activation code:  ${created.ActivationCode} (shown once)`,
          ...(info.Fingerprint === undefined ? [] : [`Fingerprint:      ${info.Fingerprint}`]),
          '',
          'On the node, as root:',
          `  ${commands.register}`,
          `  ${commands.run}`,
        ].join('\n'),
      );
    });

  activations
    .command('list')
    .description('list activations, newest first')
    .action(async () => {
      const api = client();
      const all: ActivationWire[] = [];
      let nextToken: string | undefined;
      for (let page = 0; page < 1000; page++) {
        const answer = await api.call<{ ActivationList: ActivationWire[]; NextToken?: string }>(
          'AmazonSSM.DescribeActivations',
          { MaxResults: 50, ...(nextToken === undefined ? {} : { NextToken: nextToken }) },
        );
        all.push(...answer.ActivationList);
        nextToken = answer.NextToken;
        if (nextToken === undefined || nextToken === '') {
          break;
        }
      }
      if (common().json === true) {
        console.log(JSON.stringify(all, null, 2));
        return;
      }
      for (const a of all) {
        const expires = a.ExpirationDate === undefined ? '-' : new Date(a.ExpirationDate * 1000).toISOString();
        const state = a.Expired ? 'expired' : `${a.RegistrationsCount}/${a.RegistrationLimit} registered`;
        console.log(`${a.ActivationId}  ${state}  expires ${expires}  ${a.Description ?? ''}`.trimEnd());
      }
    });

  activations
    .command('delete <activationId>')
    .description('delete an activation (nodes registered with it stay registered)')
    .action(async (activationId: string) => {
      await client().call('AmazonSSM.DeleteActivation', { ActivationId: activationId });
      console.log(`Deleted activation ${activationId}.`);
    });
}

function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}
