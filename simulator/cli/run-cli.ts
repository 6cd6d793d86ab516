/**
 * Argument parsing, dispatch and exit codes for `sim`: 0 success, 2 a bad
 * command line or script (one line, no stack trace), 1 anything unexpected.
 * Kept apart from simulator/cli.ts so it could run in-process, as the fleet
 * CLI's run-cli.ts does.
 */
import { parseArgs } from 'node:util';
import type { Language } from '../../firmware/display/text-display.js';
import { demoScript } from './demo.js';
import { runFleet, type FleetRun } from './fleet-run.js';
import { ScriptError, UsageError } from './errors.js';
import { Renderer } from './render.js';
import { runScript } from './runner.js';
import type { Script } from './script.js';
import { loadScriptFile } from './script-file.js';
import { renderSummary } from './summary.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface Io {
  /** A block of output; a newline is appended. */
  out(text: string): void;
  /** One line for stderr; a newline is appended. */
  err(text: string): void;
  /** Colour unless told otherwise: stdout is a terminal and NO_COLOR is not set. */
  readonly colourByDefault: boolean;
}

export const HELP = `Usage: sim <command> [options]     (npm run sim -- <command> ..., or npx tsx simulator/cli.ts ...)

Runs one validator in the simulator, with the unchanged firmware, and prints
what it shows after every scan and driver action: LEDs, buzzer and display.

Commands:
  run <script.json>   run a script (format: simulator/README.md)
  demo                a built-in morning on the K101 coach, no files needed
  fleet               a fleet of validators syncing with a back office: an
                      embedded MQTT broker, ingest into SQLite and the ops
                      feeds, passengers boarding at random (npm start)

Fleet options:
  --validators N          how many buses (default 8)
  --db FILE               SQLite file for the boardings (default fleet.sqlite)
  --port N, --ws-port N   the broker's MQTT and MQTT-over-WebSocket ports (default 1884, 8884)
  --duration S            stop after S seconds (default: run until Ctrl-C)

Options:
  --colour, --no-colour   colour the LEDs and the display (default: when stdout is a terminal)
  --language zh|en        the validator's display language (default zh)
  -h, --help              this text

Exit codes: 0 ok, 2 bad command line or script, 1 unexpected failure.`;

const OPTIONS = {
  validators: { type: 'string' },
  db: { type: 'string' },
  port: { type: 'string' },
  'ws-port': { type: 'string' },
  duration: { type: 'string' },
  colour: { type: 'boolean' },
  language: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface Output {
  readonly colour: boolean;
  readonly language: Language;
}

type Invocation =
  | { readonly command: 'help' }
  | ({ readonly command: 'demo' } & Output)
  | { readonly command: 'fleet'; readonly run: FleetRun; readonly durationS?: number }
  | ({ readonly command: 'run'; readonly scriptPath: string } & Output);

interface Parsed {
  readonly values: {
    readonly colour?: boolean;
    readonly language?: string;
    readonly help?: boolean;
    readonly validators?: string;
    readonly db?: string;
    readonly port?: string;
    readonly 'ws-port'?: string;
    readonly duration?: string;
  };
  readonly positionals: readonly string[];
}

function isParseArgsError(e: unknown): e is Error {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** One line, whatever the message held. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

function parse(argv: readonly string[]): Parsed {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: true, allowNegative: true });
  } catch (e) {
    // parseArgs adds a second sentence on positionals that start with "-"; the first says it all.
    if (isParseArgsError(e)) throw new UsageError(e.message.split('. ')[0]);
    throw e;
  }
}

export function parseInvocation(argv: readonly string[], colourByDefault: boolean): Invocation {
  const { values, positionals } = parse(argv);
  const [name, ...rest] = positionals;
  if (values.help || name === 'help') return { command: 'help' };
  const language = values.language ?? 'zh';
  if (language !== 'zh' && language !== 'en') throw new UsageError(`--language must be zh or en, got "${language}"`);
  const colour = values.colour ?? colourByDefault;
  if (name === undefined) throw new UsageError('missing command (run <script.json> or demo)');
  if (name === 'fleet') {
    if (rest.length > 0) throw new UsageError(`fleet takes no arguments, got "${rest[0]}"`);
    const durationS = values.duration === undefined ? undefined : integer(values.duration, '--duration', 1, 86_400 * 365);
    return {
      command: 'fleet',
      durationS,
      run: {
        validators: integer(values.validators ?? '8', '--validators', 1, 2000),
        db: values.db ?? 'fleet.sqlite',
        port: integer(values.port ?? '1884', '--port', 0, 65535),
        wsPort: integer(values['ws-port'] ?? '8884', '--ws-port', 0, 65535),
        host: '127.0.0.1',
        passengerGapMs: 4000,
        statusEveryMs: 5000,
        seed: 7,
      },
    };
  }
  if (name === 'demo') {
    if (rest.length > 0) throw new UsageError(`demo takes no arguments, got "${rest[0]}"`);
    return { command: 'demo', colour, language };
  }
  if (name === 'run') {
    if (rest.length === 0) throw new UsageError('run needs a script file: sim run <script.json>');
    if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`);
    return { command: 'run', scriptPath: rest[0], colour, language };
  }
  throw new UsageError(`unknown command "${name}" (commands: run, demo, fleet)`);
}

function integer(text: string, what: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new UsageError(`${what} must be a whole number from ${min} to ${max}, got "${text}"`);
  return n;
}

async function execute(invocation: Invocation, io: Io): Promise<void> {
  if (invocation.command === 'help') {
    io.out(HELP);
    return;
  }
  if (invocation.command === 'fleet') {
    await runFleet(invocation.run, io, stopAfter(invocation.durationS));
    return;
  }
  // The script is loaded in full first, so a bad script prints nothing but its error.
  const script: Script = invocation.command === 'demo' ? demoScript() : await loadScriptFile(invocation.scriptPath);
  const renderer = new Renderer({ colour: invocation.colour, language: invocation.language });
  const summary = runScript(script, { language: invocation.language }, (entry) => io.out(renderer.render(entry)));
  io.out(renderSummary(summary, invocation.language));
}

/**
 * Resolves at Ctrl-C or SIGTERM, or after `seconds`. A second signal within
 * a moment is the same one relayed again (npm and tsx pass signals on to
 * their child, which may also get it from the terminal) and is ignored; one
 * after that stops at once, without waiting for the validators to send
 * what they hold.
 */
function stopAfter(seconds: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    let stoppedAt: number | undefined;
    const timer = seconds === undefined ? undefined : setTimeout(stop, seconds * 1000);
    function stop(): void {
      if (stoppedAt === undefined) {
        stoppedAt = Date.now();
        if (timer) clearTimeout(timer);
        resolve();
      } else if (Date.now() - stoppedAt > 1000) {
        process.exit(130);
      }
    }
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  try {
    await execute(parseInvocation(argv, io.colourByDefault), io);
    return EXIT_OK;
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`sim: ${oneLine(e.message)} (see sim --help)`);
      return EXIT_USAGE;
    }
    if (e instanceof ScriptError) {
      io.err(`sim: ${oneLine(e.message)}`);
      return EXIT_USAGE;
    }
    // A bug, not a user mistake: say so, and give the stack only when asked for.
    io.err(`sim: internal error: ${oneLine(e instanceof Error ? e.message : String(e))}`);
    if (process.env.SIM_DEBUG && e instanceof Error && e.stack) io.err(e.stack);
    else io.err('(set SIM_DEBUG=1 for a stack trace)');
    return EXIT_FAILURE;
  }
}
