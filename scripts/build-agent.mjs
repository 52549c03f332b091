// Bundles the agent into one file, dist/mado-agent.cjs, that runs with Node 20 alone:
// `node mado-agent.cjs agent register|run|install-service`. Only src/agent (and what it may
// import: domain, protocol, shared, cli/agent-commands.ts) goes in; the check below fails the
// build if server-side packages ever slip into the bundle.
// `--outfile PATH` writes elsewhere (the agent's process tests build into a temporary directory).
import { chmodSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({ options: { outfile: { type: 'string', default: 'dist/mado-agent.cjs' } } });
const outfile = values.outfile;

await build({
  entryPoints: ['src/agent/bundle-entry.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  banner: { js: '#!/usr/bin/env node' },
  // ws loads these optional native speed-ups only when installed; the agent works without them.
  external: ['bufferutil', 'utf-8-validate'],
  legalComments: 'none',
  logLevel: 'warning',
});
chmodSync(outfile, 0o755);

const bundle = readFileSync(outfile, 'utf8');
const forbidden = ['better-sqlite3', 'fastify', 'kysely', 'pino', '@smithy/'].filter((name) => bundle.includes(name));
if (forbidden.length > 0) {
  console.error(`${outfile} contains server-side code: ${forbidden.join(', ')}`);
  process.exit(1);
}
console.log(`built ${outfile} (${Math.round(bundle.length / 1024)} KiB)`);
