// Bundles the agent into one file, dist/mado-agent.cjs, that runs with Node 20 alone:
// `node mado-agent.cjs agent register|run|install-service`. Only src/agent (and what it may
// import: domain, protocol, shared, cli/agent-commands.ts) goes in; the check below fails the
// build if server-side packages ever slip into the bundle.
//
// Options:
//   --out PATH (or --outfile PATH)  write elsewhere (tests build into a temporary directory)
//   --version V                     make the bundle report version V instead of AGENT_VERSION
//                                   (src/agent/version.ts), e.g. an "old" and a "new" release of
//                                   the same source for tests and the demo
// The line after `#!` is `// mado-agent-version: V`: the server and `mado releases publish` read
// a bundle's version from it without running the bundle.
import { chmodSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const VERSION_FILE = 'src/agent/version.ts';
// Same as AGENT_VERSION_PATTERN in src/domain/agent-release.ts.
const VERSION_PATTERN = /^[0-9]{1,6}(\.[0-9]{1,6}){2,3}(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    outfile: { type: 'string' },
    version: { type: 'string' },
  },
});
const outfile = values.out ?? values.outfile ?? 'dist/mado-agent.cjs';
const sourceVersion = /AGENT_VERSION = '([^']+)'/.exec(readFileSync(VERSION_FILE, 'utf8'))?.[1];
const version = values.version ?? sourceVersion;
if (version === undefined || version.length > 64 || !VERSION_PATTERN.test(version)) {
  console.error(
    `not an agent version: ${JSON.stringify(version)} (3 or 4 numbers separated by dots, optionally -pre.release)`,
  );
  process.exit(2);
}

/** Replaces src/agent/version.ts so that the bundle reports `version`. */
const versionPlugin = {
  name: 'agent-version',
  setup(esbuild) {
    esbuild.onLoad({ filter: /[\\/]src[\\/]agent[\\/]version\.ts$/ }, () => ({
      contents: `export const AGENT_VERSION = ${JSON.stringify(version)};\n`,
      loader: 'ts',
    }));
  },
};

await build({
  entryPoints: ['src/agent/bundle-entry.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  banner: { js: `#!/usr/bin/env node\n// mado-agent-version: ${version}` },
  // ws loads these optional native speed-ups only when installed; the agent works without them.
  external: ['bufferutil', 'utf-8-validate'],
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [versionPlugin],
});
chmodSync(outfile, 0o755);

const bundle = readFileSync(outfile, 'utf8');
const forbidden = ['better-sqlite3', 'fastify', 'kysely', 'pino', '@smithy/'].filter((name) => bundle.includes(name));
if (forbidden.length > 0) {
  console.error(`${outfile} contains server-side code: ${forbidden.join(', ')}`);
  process.exit(1);
}
console.log(`built ${outfile} (mado-agent ${version}, ${Math.round(bundle.length / 1024)} KiB)`);
