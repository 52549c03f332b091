// Runs the step host from the TypeScript sources (step-host.test.ts), as `agent step-host` does.
import { runStepHost } from './step-host.js';

process.exit(await runStepHost(process.argv[2] ?? ''));
