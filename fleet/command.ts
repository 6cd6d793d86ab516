/**
 * What every subcommand provides to the dispatcher. Commands write through an
 * `Io` rather than to process.stdout so tests can run them in-process and
 * inspect everything they printed.
 */
import type { ParseArgsConfig } from 'node:util';

export interface Io {
  /** One line (or a block of lines) for stdout; a newline is appended. */
  out(text: string): void;
  /** One line (or a block of lines) for stderr; a newline is appended. */
  err(text: string): void;
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Parsed option values as node:util parseArgs returns them. */
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface Command {
  readonly name: string;
  /** One line for the command list in `fleet --help`. */
  readonly summary: string;
  /** Full `fleet <name> --help` text. */
  readonly help: string;
  readonly options: OptionSpec;
  /** Largest number of positional arguments accepted (default 0). */
  readonly maxPositionals?: number;
  run(values: OptionValues, positionals: readonly string[], io: Io): Promise<void>;
}
