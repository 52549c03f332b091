/**
 * Getting a package version onto the node: ask the server which version it is (a blank version is
 * the latest), fetch the archive piece by piece over the agent's own authenticated connection,
 * verify its size and SHA-256 against what the server described, and unpack only what the
 * node's manifest entry needs (its scripts, its files and manifest.json), refusing links and any
 * path that would leave the package directory.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { x as extract, type ReadEntry } from 'tar';
import {
  archivePathProblem,
  checkPackageManifest,
  describeManifestProblems,
  MANIFEST_FILE_NAME,
  normaliseArchivePath,
  type PackageEntry,
  type PackageManifest,
} from '../domain/package-manifest.js';
import { ServerRequestError, type ServerRequests } from './server-requests.js';

/** A package version as the server describes it, its manifest validated again here. */
export interface DescribedPackage {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly chunkCount: number;
  readonly manifest: PackageManifest;
}

export type Described =
  { readonly ok: true; readonly package: DescribedPackage } | { readonly ok: false; readonly message: string };

/** Where packages come from (the server; a fake in tests). */
export interface PackageSource {
  /** The version `version` of `name` ('' for the latest), or why there is none. */
  describe(name: string, version: string, signal: AbortSignal): Promise<Described>;
  /** Writes the verified archive to `file`. @throws Error saying why it could not. */
  download(described: DescribedPackage, file: string, signal: AbortSignal): Promise<void>;
}

/** How long one request may wait for the server's answer (a connection may be coming back). */
export const PACKAGE_REQUEST_TIMEOUT_MS = 60_000;

/** Packages from the server, over the worker's connection. */
export class ServerPackageSource implements PackageSource {
  constructor(
    private readonly requests: ServerRequests,
    private readonly timeoutMs = PACKAGE_REQUEST_TIMEOUT_MS,
  ) {}

  async describe(name: string, version: string, signal: AbortSignal): Promise<Described> {
    let answer;
    try {
      answer = await this.requests.request({ type: 'packageRequest', name, version }, 'package', {
        timeoutMs: this.timeoutMs,
        signal,
      });
    } catch (error) {
      if (error instanceof ServerRequestError) {
        return { ok: false, message: error.message };
      }
      throw error;
    }
    if (answer.package === undefined) {
      return { ok: false, message: answer.error ?? `The server did not describe package ${name}.` };
    }
    const info = answer.package;
    if (info.name !== name || (version !== '' && info.version !== version)) {
      return {
        ok: false,
        message: `The server answered with ${info.name} ${info.version} for ${name} ${version === '' ? '(latest)' : version}.`,
      };
    }
    const checked = checkPackageManifest(info.manifest, { name: info.name, version: info.version });
    if (!checked.ok) {
      return {
        ok: false,
        message: `The server sent an invalid manifest for ${info.name} ${info.version}: ${describeManifestProblems(checked.problems)}`,
      };
    }
    return { ok: true, package: { ...info, manifest: checked.manifest } };
  }

  async download(described: DescribedPackage, file: string, signal: AbortSignal): Promise<void> {
    const hash = createHash('sha256');
    let size = 0;
    const fd = openSync(file, 'wx', 0o600);
    try {
      for (let index = 0; index < described.chunkCount; index += 1) {
        let answer;
        try {
          answer = await this.requests.request(
            { type: 'packageChunkRequest', name: described.name, version: described.version, index },
            'packageChunk',
            { timeoutMs: this.timeoutMs, signal },
          );
        } catch (error) {
          if (error instanceof ServerRequestError) {
            throw new Error(`Downloading ${described.name} ${described.version} failed: ${error.message}`, {
              cause: error,
            });
          }
          throw error;
        }
        if (answer.data === undefined) {
          throw new Error(
            `Downloading ${described.name} ${described.version} failed: ${answer.error ?? 'the server sent no data'}`,
          );
        }
        const bytes = Buffer.from(answer.data, 'base64');
        size += bytes.length;
        if (size > described.sizeBytes) {
          break;
        }
        hash.update(bytes);
        let offset = 0;
        while (offset < bytes.length) {
          offset += writeSync(fd, bytes, offset, bytes.length - offset);
        }
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    verifyDownload(described, size, hash.digest('hex'));
  }
}

/** @throws Error when the bytes received are not the archive the server described. */
export function verifyDownload(described: DescribedPackage, sizeBytes: number, sha256: string): void {
  if (sizeBytes !== described.sizeBytes) {
    throw new Error(
      `The archive of ${described.name} ${described.version} arrived with ${sizeBytes} bytes, not ${described.sizeBytes}; nothing was installed.`,
    );
  }
  if (sha256 !== described.sha256) {
    throw new Error(
      `The archive of ${described.name} ${described.version} has SHA-256 ${sha256}, not ${described.sha256} as published; nothing was installed.`,
    );
  }
}

/** Paths of the archive an entry needs: manifest.json, its scripts and its files (all, without `files`). */
function wanted(entry: PackageEntry): (path: string, isDirectory: boolean) => boolean {
  if (entry.files === undefined) {
    return () => true;
  }
  const exact = new Set([
    MANIFEST_FILE_NAME,
    entry.install,
    entry.uninstall,
    ...(entry.update === undefined ? [] : [entry.update]),
  ]);
  const trees = entry.files;
  return (path, isDirectory) =>
    exact.has(path) ||
    trees.some((tree) => path === tree || path.startsWith(`${tree}/`)) ||
    // Directories on the way to something wanted.
    (isDirectory && [...exact, ...trees].some((target) => target.startsWith(`${path}/`)));
}

/**
 * Unpacks the archive at `file` into the existing, empty directory `dir`: only what `entry`
 * needs, only files and directories, never outside `dir`, owned by the agent's user.
 * @throws Error naming the first entry refused.
 */
export async function unpackPackage(file: string, dir: string, entry: PackageEntry): Promise<void> {
  const needed = wanted(entry);
  let refused: string | undefined;
  await extract({
    file,
    cwd: dir,
    strict: true,
    preserveOwner: false,
    filter: (path: string, item: unknown) => {
      const readEntry = item as ReadEntry;
      const normal = normaliseArchivePath(path);
      if (normal === '') {
        return false;
      }
      const isDirectory = readEntry.type === 'Directory';
      const isFile = readEntry.type === 'File' || readEntry.type === 'OldFile' || readEntry.type === 'ContiguousFile';
      if (!isDirectory && !isFile) {
        refused ??= `${path} is a ${readEntry.type}; packages may hold only files and directories`;
        return false;
      }
      const problem = archivePathProblem(normal);
      if (problem !== undefined) {
        refused ??= `${path} ${problem}`;
        return false;
      }
      return needed(normal, isDirectory);
    },
  });
  if (refused !== undefined) {
    throw new Error(`The archive was refused: ${refused}.`);
  }
}
