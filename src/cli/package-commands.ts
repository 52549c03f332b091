/**
 * `mado packages …` (the package store) and `mado inventory` (what nodes have installed), over
 * the signed API like every other client: Mado.PublishPackage, Mado.ListPackages,
 * Mado.ListPackageVersions, Mado.GetPackageVersion, Mado.DeletePackageVersion, and SSM's
 * DescribeInstanceInformation + ListInventoryEntries.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import type { Command } from 'commander';
import { ApiClient, clientSettingsFrom } from './api-client.js';

interface CommonOptions {
  readonly endpointUrl?: string;
  readonly json?: boolean;
}

type Wire = Record<string, unknown>;

function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

function date(seconds: unknown): string {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : '';
}

/** Rows as aligned columns, the header first. */
function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/**
 * Runs `use` with the archive to publish as a file: a .tar.gz file as it is, or a directory packed
 * into a temporary one (its contents at the archive root, owners and times left out so that the
 * same files give the same archive), removed afterwards.
 */
export async function withArchiveFile<T>(path: string, use: (archive: string) => Promise<T>): Promise<T> {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw new Error(`${path} does not exist: give a package directory (with manifest.json) or a .tar.gz archive.`);
  }
  if (!isDirectory) {
    return use(path);
  }
  const children = readdirSync(path).sort();
  if (!children.includes('manifest.json')) {
    throw new Error(`${path} has no manifest.json; a package directory holds its manifest.json beside its scripts.`);
  }
  const scratch = mkdtempSync(join(tmpdir(), 'mado-package-'));
  try {
    const archive = join(scratch, 'package.tar.gz');
    await createTar({ gzip: true, cwd: path, portable: true, noMtime: true, file: archive }, children);
    return await use(archive);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export function addPackageCommands(program: Command): void {
  const packages = program
    .command('packages')
    .description('manage the package store that AWS-ConfigureAWSPackage installs from (see docs/packages.md)')
    .option('--endpoint-url <url>', 'server URL (env MADO_ENDPOINT_URL; default http://127.0.0.1:8080)')
    .option('--json', 'print JSON');
  const options = () => packages.opts<CommonOptions>();
  const client = () => new ApiClient(clientSettingsFrom(options(), process.env));
  const print = (value: unknown, human: () => string) =>
    console.log(options().json === true ? JSON.stringify(value, null, 2) : human());

  packages
    .command('publish')
    .description('publish a package version from a directory (packed here) or a .tar.gz archive')
    .argument('<name>', 'package name, e.g. metrics-agent')
    .argument('<version>', 'version, e.g. 2.0.0 (versions cannot be replaced)')
    .argument('<dir-or-archive>', 'directory with manifest.json and the scripts, or a .tar.gz of one')
    .action(async (name: string, version: string, path: string) => {
      // The binary form: the archive streamed from disk, its SHA-256 signed (and checked by the server).
      const result = await withArchiveFile(path, (archive) =>
        client().upload<{ PackageVersion: Wire }>('Mado.PublishPackage', { Name: name, Version: version }, archive),
      );
      const published = result.PackageVersion;
      print(result, () =>
        [
          `Published ${text(published.Name)} ${text(published.Version)}`,
          `  size:      ${text(published.SizeBytes)} bytes`,
          `  sha256:    ${text(published.Sha256)}`,
          `  platforms: ${((published.Platforms as string[] | undefined) ?? []).join(', ')}`,
        ].join('\n'),
      );
    });

  packages
    .command('list')
    .description('list packages, or the versions of one package (newest first)')
    .argument('[name]', 'list this package’s versions')
    .action(async (name: string | undefined) => {
      if (name === undefined) {
        const all: Wire[] = [];
        let token: string | undefined;
        do {
          const page = await client().call<{ Packages: Wire[]; NextToken?: string }>('Mado.ListPackages', {
            NextToken: token,
          });
          all.push(...page.Packages);
          token = page.NextToken;
        } while (token !== undefined);
        print({ Packages: all }, () =>
          all.length === 0
            ? 'No packages published.'
            : table(
                ['NAME', 'LATEST', 'VERSIONS', 'PUBLISHED', 'PUBLISHER'],
                all.map((item) => [
                  text(item.Name),
                  text(item.LatestVersion),
                  text(item.VersionCount),
                  date(item.LastPublishedDate),
                  text(item.Publisher),
                ]),
              ),
        );
        return;
      }
      const all: Wire[] = [];
      let token: string | undefined;
      do {
        const page = await client().call<{ PackageVersions: Wire[]; NextToken?: string }>('Mado.ListPackageVersions', {
          Name: name,
          NextToken: token,
        });
        all.push(...page.PackageVersions);
        token = page.NextToken;
      } while (token !== undefined);
      print({ PackageVersions: all }, () =>
        table(
          ['VERSION', 'LATEST', 'SIZE', 'PUBLISHED', 'PLATFORMS'],
          all.map((item) => [
            text(item.Version),
            item.IsLatest === true ? 'yes' : '',
            text(item.SizeBytes),
            date(item.CreatedDate),
            ((item.Platforms as string[] | undefined) ?? []).join(', '),
          ]),
        ),
      );
    });

  packages
    .command('show')
    .description('show one version with its manifest (no version: the latest)')
    .argument('<name>')
    .argument('[version]')
    .action(async (name: string, version: string | undefined) => {
      const result = await client().call<{ PackageVersion: Wire }>('Mado.GetPackageVersion', {
        Name: name,
        Version: version,
      });
      const shown = result.PackageVersion;
      print(result, () =>
        [
          `${text(shown.Name)} ${text(shown.Version)}${shown.IsLatest === true ? ' (latest)' : ''}`,
          `  size:      ${text(shown.SizeBytes)} bytes`,
          `  sha256:    ${text(shown.Sha256)}`,
          `  published: ${date(shown.CreatedDate)}`,
          'manifest.json:',
          JSON.stringify(shown.Manifest, null, 2),
        ].join('\n'),
      );
    });

  packages
    .command('delete')
    .description('delete one version of a package (nodes that installed it keep it)')
    .argument('<name>')
    .argument('<version>')
    .action(async (name: string, version: string) => {
      await client().call('Mado.DeletePackageVersion', { Name: name, Version: version });
      print({ deleted: { Name: name, Version: version } }, () => `Deleted ${name} ${version}`);
    });
}

export function addInventoryCommand(program: Command): void {
  const inventory = program
    .command('inventory')
    .description('show the packages each node reports installed (SSM inventory, AWS:Application)')
    .option('--node <instance-id>', 'only this node (mi-…)')
    .option('--endpoint-url <url>', 'server URL (env MADO_ENDPOINT_URL; default http://127.0.0.1:8080)')
    .option('--json', 'print JSON');
  inventory.action(async (options: CommonOptions & { readonly node?: string }) => {
    const client = new ApiClient(clientSettingsFrom(options, process.env));
    let nodeIds: string[];
    if (options.node !== undefined) {
      nodeIds = [options.node];
    } else {
      nodeIds = [];
      let token: string | undefined;
      do {
        const page = await client.call<{ InstanceInformationList?: Wire[]; NextToken?: string }>(
          'AmazonSSM.DescribeInstanceInformation',
          { MaxResults: 50, NextToken: token },
        );
        nodeIds.push(...(page.InstanceInformationList ?? []).map((node) => text(node.InstanceId)));
        token = page.NextToken;
      } while (token !== undefined);
    }
    const reports: { InstanceId: string; CaptureTime?: string; Entries: Wire[] }[] = [];
    for (const instanceId of nodeIds) {
      const entries: Wire[] = [];
      let captureTime: string | undefined;
      let token: string | undefined;
      do {
        const page = await client.call<{ Entries?: Wire[]; CaptureTime?: string; NextToken?: string }>(
          'AmazonSSM.ListInventoryEntries',
          { InstanceId: instanceId, TypeName: 'AWS:Application', MaxResults: 50, NextToken: token },
        );
        entries.push(...(page.Entries ?? []));
        captureTime ??= page.CaptureTime;
        token = page.NextToken;
      } while (token !== undefined);
      reports.push({
        InstanceId: instanceId,
        ...(captureTime === undefined ? {} : { CaptureTime: captureTime }),
        Entries: entries,
      });
    }
    const rows = reports.flatMap((report) =>
      report.Entries.length === 0
        ? [[report.InstanceId, '(none)', '', '', '']]
        : report.Entries.map((entry) => [
            report.InstanceId,
            text(entry.Name),
            text(entry.Version),
            text(entry.InstalledTime),
            text(entry.Publisher),
          ]),
    );
    console.log(
      options.json === true
        ? JSON.stringify({ Nodes: reports }, null, 2)
        : reports.length === 0
          ? 'No managed nodes.'
          : table(['NODE', 'PACKAGE', 'VERSION', 'INSTALLED', 'PUBLISHER'], rows),
    );
  });
}
