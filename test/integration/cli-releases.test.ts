/**
 * `mado releases publish|list` against the real server process: the server's own agent bundle
 * is a release from the start, bundles are published under the version they declare (or the one
 * given), releases never change, only admin keys publish, and only the upload operations get the
 * larger body limit.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectSuccess, runMado, type MadoRun } from '../support/mado-cli.js';
import { ADMIN, REPO_ROOT, startServerProcess } from '../support/server-process.js';
import type { Credentials, ServerProcess } from '../support/server-process.js';

interface ListedRelease {
  readonly Version: string;
  readonly Sha256: string;
  readonly SizeBytes: number;
  readonly PublishedDate: number;
  readonly IsLatest: boolean;
}

let server: ServerProcess;
let scratch: string;
let bundle: string;

/** `mado <args> --endpoint-url <server>` signed with `credentials`, with a HOME of its own. */
function mado(args: readonly string[], credentials: Credentials = ADMIN): Promise<MadoRun> {
  return runMado([...args, '--endpoint-url', server.url], {
    HOME: scratch,
    MADO_ACCESS_KEY_ID: credentials.accessKeyId,
    MADO_SECRET_ACCESS_KEY: credentials.secretAccessKey,
  });
}

async function listed(): Promise<ListedRelease[]> {
  const run = await mado(['releases', 'list', '--json']);
  expectSuccess(run);
  return (JSON.parse(run.stdout) as { AgentReleases: ListedRelease[] }).AgentReleases;
}

function file(name: string, content: string): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'mado-cli-releases-'));
  mkdirSync(join(scratch, 'build'));
  bundle = join(scratch, 'build', 'mado-agent.cjs');
  const built = spawnSync(process.execPath, ['scripts/build-agent.mjs', '--version', '1.1.0', '--out', bundle], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  expect(built.status, built.stderr).toBe(0);
  server = await startServerProcess();
});

afterAll(async () => {
  await server?.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

describe('mado releases', () => {
  it('lists the server’s own agent bundle as a release from the start', async () => {
    const own = readFileSync(join(REPO_ROOT, 'dist', 'mado-agent.cjs'));
    expect(await listed()).toEqual([
      {
        Version: '1.0.0',
        Sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown as string,
        SizeBytes: own.length,
        PublishedDate: expect.any(Number) as unknown as number,
        IsLatest: true,
      },
    ]);
  });

  it('publishes a bundle (over the ordinary 1 MiB body limit) under the version it declares, once', async () => {
    expect(readFileSync(bundle).toString('base64').length).toBeGreaterThan(1024 * 1024);
    const first = await mado(['releases', 'publish', bundle]);
    expectSuccess(first);
    expect(first.stdout).toContain('Published: mado-agent 1.1.0 (latest)');
    const again = await mado(['releases', 'publish', bundle]);
    expectSuccess(again);
    expect(again.stdout).toContain('Already published (same bundle): mado-agent 1.1.0 (latest)');
    const releases = await listed();
    expect(releases.map((release) => [release.Version, release.IsLatest])).toEqual([
      ['1.1.0', true],
      ['1.0.0', false],
    ]);
    const table = await mado(['releases', 'list']);
    expect(table.stdout).toMatch(/^VERSION +BYTES +PUBLISHED +SHA256$/m);
    expect(table.stdout).toMatch(/^1\.1\.0 +latest +\d+ +\S+ +[0-9a-f]{64}$/m);
  });

  it('publishes a bundle without a version line under --version, and refuses it without one', async () => {
    const plain = file('plain.cjs', '#!/usr/bin/env node\nconsole.log("a plain agent");\n');
    const missing = await mado(['releases', 'publish', plain]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('ValidationException');
    expect(missing.stderr).toContain('give the version explicitly');
    const given = await mado(['releases', 'publish', plain, '--version', '0.9.0-plain']);
    expectSuccess(given);
    expect(given.stdout).toContain('Published: mado-agent 0.9.0-plain\n');
  });

  it('refuses a --version that contradicts the bundle, other bytes under a published version, and a bad version', async () => {
    const contradicting = await mado(['releases', 'publish', bundle, '--version', '1.2.0']);
    expect(contradicting.exitCode).toBe(1);
    expect(contradicting.stderr).toContain('The bundle declares version 1.1.0, not 1.2.0');

    const other = file('other.cjs', '#!/usr/bin/env node\n// mado-agent-version: 1.1.0\nconsole.log("other");\n');
    const changed = await mado(['releases', 'publish', other]);
    expect(changed.exitCode).toBe(1);
    expect(changed.stderr).toContain('Agent release 1.1.0 is already published with other content');

    const bad = await mado(['releases', 'publish', other, '--version', '1.1.0;reboot']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('Member must be an agent version');
    expect((await listed()).map((release) => release.Version)).not.toContain('1.1.0;reboot');
  });

  it('lets only admin keys publish; read-only keys list', async () => {
    const created = await mado(['keys', 'create', '--role', 'read-only', '--json']);
    expectSuccess(created);
    const key = (JSON.parse(created.stdout) as { AccessKey: { AccessKeyId: string; SecretAccessKey: string } })
      .AccessKey;
    const reader = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
    const refused = await mado(['releases', 'publish', bundle], reader);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('AccessDeniedException');
    expectSuccess(await mado(['releases', 'list'], reader));
  });

  it('keeps the 1 MiB body limit for every other operation', async () => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.ListCommands' },
      body: JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 10) }),
    });
    expect(response.status).toBe(413);
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
  });
});
