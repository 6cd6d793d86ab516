/**
 * Entry point: `npm run fleet -- <command> ...` or `npx tsx fleet/cli.ts <command> ...`.
 * All the work is in run-cli.ts.
 */
import { runCli } from './run-cli.js';

// A reader that goes away (`fleet inspect x | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

process.exitCode = await runCli(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});
