/**
 * `mado releases publish|list`: the agent releases that AWS-UpdateSSMAgent installs, over the
 * signed API (Mado.PublishAgentRelease, Mado.ListAgentReleases).
 *
 * `publish FILE` sends the bundle as it is (streamed, the binary form of the upload); its version is the one the bundle declares (the
 * `// mado-agent-version:` line that scripts/build-agent.mjs writes after `#!`) unless
 * `--version` names it. The file is never run here.
 */
import { accessSync, constants } from 'node:fs';
import type { Command } from 'commander';
import { ApiClient, clientSettingsFrom } from './api-client.js';

interface CommonOptions {
  readonly endpointUrl?: string;
  readonly json?: boolean;
}

interface ReleaseWire {
  readonly Version: string;
  readonly Sha256: string;
  readonly SizeBytes: number;
  readonly PublishedDate?: number;
  readonly IsLatest?: boolean;
}

function date(seconds: number | undefined): string {
  return seconds === undefined ? '' : new Date(seconds * 1000).toISOString();
}

export function addReleaseCommands(program: Command): void {
  const releases = program
    .command('releases')
    .description('manage the agent releases that AWS-UpdateSSMAgent installs on nodes (see docs/agent.md)')
    .option('--endpoint-url <url>', 'server URL (env MADO_ENDPOINT_URL; default http://127.0.0.1:8080)')
    .option('--json', 'print JSON');
  const options = () => releases.opts<CommonOptions>();
  const client = () => new ApiClient(clientSettingsFrom(options(), process.env));
  const print = (value: unknown, human: () => string) =>
    console.log(options().json === true ? JSON.stringify(value, null, 2) : human());

  releases
    .command('publish')
    .description('publish an agent bundle (mado-agent.cjs) as a release; releases cannot be replaced')
    .argument('<file>', 'the bundle, e.g. dist/mado-agent.cjs')
    .option('--version <version>', 'its version (default: the version the bundle declares)')
    .action(async (file: string, flags: { version?: string }) => {
      try {
        accessSync(file, constants.R_OK);
      } catch (error) {
        throw new Error(`Cannot read ${file}: ${(error as Error).message}`, { cause: error });
      }
      // The binary form: the bundle streamed from disk as the body.
      const result = await client().upload<{ AgentRelease: ReleaseWire; Created: boolean }>(
        'Mado.PublishAgentRelease',
        flags.version === undefined ? {} : { Version: flags.version },
        file,
      );
      const release = result.AgentRelease;
      print(result, () =>
        [
          `${result.Created ? 'Published' : 'Already published (same bundle)'}: mado-agent ${release.Version}${release.IsLatest === true ? ' (latest)' : ''}`,
          `Sha256:     ${release.Sha256}`,
          `Size:       ${release.SizeBytes} bytes`,
        ].join('\n'),
      );
    });

  releases
    .command('list')
    .description('list agent releases, newest version first')
    .action(async () => {
      const result = await client().call<{ AgentReleases: ReleaseWire[] }>('Mado.ListAgentReleases');
      print(result, () => {
        if (result.AgentReleases.length === 0) {
          return 'No agent releases.';
        }
        const width = Math.max(7, ...result.AgentReleases.map((release) => release.Version.length));
        const rows = result.AgentReleases.map(
          (release) =>
            `${release.Version.padEnd(width)}  ${(release.IsLatest === true ? 'latest' : '').padEnd(6)}  ${String(release.SizeBytes).padStart(10)}  ${date(release.PublishedDate).padEnd(24)}  ${release.Sha256}`,
        );
        return [
          `${'VERSION'.padEnd(width)}  ${''.padEnd(6)}  ${'BYTES'.padStart(10)}  ${'PUBLISHED'.padEnd(24)}  SHA256`,
          ...rows,
        ].join('\n');
      });
    });
}
