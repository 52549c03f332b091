// Bundles the web console (web/src/main.tsx, React + Cloudscape) into web/dist/, which
// `mado server` serves at /console/. Cloudscape imports CSS from its components: esbuild's css
// loader gathers it into one main.css next to main.js; fonts and icons go in as files.
//
// Options:
//   --dev   unminified, with inline source maps
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const { values } = parseArgs({ options: { dev: { type: 'boolean', default: false } } });
const outdir = 'web/dist';
const started = Date.now();

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: ['web/src/main.tsx'],
  outdir,
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: ['chrome120', 'firefox120', 'safari17'],
  jsx: 'automatic',
  minify: !values.dev,
  sourcemap: values.dev ? 'inline' : false,
  define: { 'process.env.NODE_ENV': JSON.stringify(values.dev ? 'development' : 'production') },
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.svg': 'file', '.png': 'file' },
  assetNames: 'assets/[name]-[hash]',
  legalComments: 'linked',
  logLevel: 'warning',
  tsconfig: 'web/tsconfig.json',
});
copyFileSync('web/index.html', `${outdir}/index.html`);
console.log(`built ${outdir}/ (web console) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
