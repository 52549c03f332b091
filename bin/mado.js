#!/usr/bin/env node
// Entry point of the `mado` command: runs the compiled CLI (built by `npm ci` / `npm run build`).
// `agent step-host` (started by the agent for every script step) loads only its own module.
if (process.argv[2] === 'agent' && process.argv[3] === 'step-host') {
  await import('../dist/agent/step-host-main.js');
} else {
  const { main } = await import('../dist/cli/main.js');
  main(process.argv).catch((error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
