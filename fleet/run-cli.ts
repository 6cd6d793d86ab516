/**
 * Argument parsing, dispatch and the mapping of failures to exit codes:
 * 0 success, 2 usage error, 1 anything else. Expected failures (bad options,
 * bad input files, ProtocolError) print one line and no stack trace. Kept
 * apart from cli.ts so tests can run the whole CLI in-process.
 */
import { parseArgs } from 'node:util';
import { isProtocolError } from '../protocol/index.js';
import type { Command, Io } from './command.js';
import { command } from './commands/command.js';
import { deny } from './commands/deny.js';
import { ingest } from './commands/ingest.js';
import { inspect } from './commands/inspect.js';
import { issue } from './commands/issue.js';
import { keygen } from './commands/keygen.js';
import { publish } from './commands/publish.js';
import { trips } from './commands/trips.js';
import { trust } from './commands/trust.js';
import { InputError, UsageError } from './errors.js';

export const COMMANDS: readonly Command[] = [keygen, trust, deny, trips, issue, inspect, publish, command, ingest];

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `Usage: fleet <command> [options]     (npm run fleet -- <command> ..., or npx tsx fleet/cli.ts ...)

Back-office tools for the e-ticket validators: keys, signed configuration and tickets,
publishing to the validators over MQTT, and the ingest service.

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Run "fleet <command> --help" for a command's options. Walk-through: fleet/README.md.`;
}

/** One line, whatever the message held. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function isParseArgsError(e: unknown): e is Error {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

async function runCommand(command: Command, args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...command.options, help: { type: 'boolean', short: 'h' } },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    io.out(command.help);
    return EXIT_OK;
  }
  const max = command.maxPositionals ?? 0;
  if (positionals.length > max) throw new UsageError(`unexpected argument "${positionals[max]}"`);
  await command.run(values, positionals, io);
  return EXIT_OK;
}

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(mainHelp());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const about = name === 'help' && rest[0] !== undefined ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.out(about ? about.help : mainHelp());
    return EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`fleet: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(', ')}; see fleet --help)`);
    return EXIT_USAGE;
  }

  const prefix = `fleet ${command.name}`;
  try {
    return await runCommand(command, [...rest], io);
  } catch (e) {
    if (e instanceof UsageError || isParseArgsError(e)) {
      // parseArgs adds a second sentence on how to pass a positional starting with "-"; the first says it all.
      const message = e instanceof UsageError ? e.message : e.message.split('. ')[0];
      io.err(`${prefix}: ${oneLine(message)} (see fleet ${command.name} --help)`);
      return EXIT_USAGE;
    }
    if (e instanceof InputError || isProtocolError(e)) {
      io.err(`${prefix}: ${oneLine(e.message)}`);
      return EXIT_FAILURE;
    }
    const code = (e as NodeJS.ErrnoException | null)?.code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
      io.err(`${prefix}: ${oneLine((e as Error).message)}`);
      return EXIT_FAILURE;
    }
    // A bug, not a user mistake: say so, and give the stack only when asked for.
    io.err(`${prefix}: internal error: ${oneLine(e instanceof Error ? e.message : String(e))}`);
    if (process.env.FLEET_DEBUG && e instanceof Error && e.stack) io.err(e.stack);
    else io.err('(set FLEET_DEBUG=1 for a stack trace)');
    return EXIT_FAILURE;
  }
}
