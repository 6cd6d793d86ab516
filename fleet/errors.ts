/**
 * The two kinds of failure the CLI expects and reports as one line without a
 * stack trace. Anything else is a bug and is reported as such.
 *
 * Messages must never carry secret key material or a passenger's full name or
 * ID number: they are printed as they are.
 */

/** The command line itself is wrong (unknown option, missing value): exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An input file, key file or option value is unusable, or an output cannot be written: exit 1. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
