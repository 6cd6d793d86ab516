/**
 * Entry point: `npm run fleet -- <command> ...` or `npx tsx fleet/cli.ts <command> ...`.
 * All the work is in run-cli.ts.
 */
import { ignoreClosedPipes } from './output/closed-pipe.js';
import { runCli } from './run-cli.js';

ignoreClosedPipes();

process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
