/**
 * The failures the simulator CLI expects. Both are the user's to fix and are
 * reported as one line without a stack trace, with exit code 2; anything
 * else is a bug (exit 1).
 *
 * Messages are printed as they are, so they must never carry a passenger's
 * full name or ID number (scripts and tickets hold only masked ones anyway).
 */

/** The command line is wrong: unknown command or option, missing script path. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * The script cannot be run: not JSON, an unknown or malformed field, a file
 * it names is missing, or a step asks for something the validator does not
 * have (a trip not in its trip list).
 */
export class ScriptError extends Error {
  override readonly name = 'ScriptError';
}
