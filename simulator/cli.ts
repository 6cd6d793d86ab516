/**
 * Entry point: `npm run sim -- <command> ...` or `npx tsx simulator/cli.ts <command> ...`.
 * All the work is in cli/run-cli.ts.
 */
import { ignoreClosedPipes } from '../fleet/output/closed-pipe.js';
import { runCli } from './cli/run-cli.js';

ignoreClosedPipes();

process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  // https://no-color.org: any non-empty NO_COLOR turns colour off.
  colourByDefault: process.stdout.isTTY === true && !process.env.NO_COLOR,
});
