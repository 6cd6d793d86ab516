/**
 * The one error type the protocol throws. Every parser and verifier in
 * protocol/ converts whatever goes wrong into a ProtocolError with a stable
 * `code`, so callers (firmware, back office, third parties) can switch on it
 * and never have to guess what a library threw.
 */
export const ErrorCode = Object.freeze({
  /** Not valid CBOR, wrong structure, wrong type, trailing bytes. */
  MALFORMED: 'MALFORMED',
  /** QR prefix or document format version this code does not speak. */
  UNSUPPORTED_VERSION: 'UNSUPPORTED_VERSION',
  /** COSE algorithm missing, unknown, not configured, or not matching the key. */
  UNSUPPORTED_ALGORITHM: 'UNSUPPORTED_ALGORITHM',
  /** The signature does not verify. */
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  /** No key known for the kid (or no kid where one is needed). */
  UNKNOWN_KEY: 'UNKNOWN_KEY',
  /** A public key that is not a valid P-256 point or not in a supported form. */
  BAD_KEY: 'BAD_KEY',
  /** A signed document of another kind than the one asked for. */
  WRONG_DOCUMENT: 'WRONG_DOCUMENT',
  /** A signed document whose version is not newer than the one held. */
  ROLLBACK: 'ROLLBACK',
  /** A value passed in by the caller (not received data) is out of range. */
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
} as const);

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export class ProtocolError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(`${code}: ${message}`);
    this.code = code;
  }
}
// On the prototype, not assigned in the constructor: Moddable freezes
// Error.prototype after preload, and assigning a property an instance
// inherits read-only throws in strict code.
Object.defineProperty(ProtocolError.prototype, 'name', { value: 'ProtocolError', writable: false, enumerable: false, configurable: true });

export function isProtocolError(e: unknown): e is ProtocolError {
  return e instanceof ProtocolError;
}

/** Runs `fn`, turning anything but a ProtocolError into one with `code`. */
export function guard<T>(code: ErrorCode, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    const detail = e instanceof Error ? e.message : String(e);
    throw new ProtocolError(code, `${what}: ${detail}`);
  }
}

/**
 * Runs a receiver's check on data we are about to sign: what it calls
 * MALFORMED is the signer's INVALID_ARGUMENT. Issuers thus refuse to sign
 * exactly what validators would refuse to read.
 */
export function asSignerCheck<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProtocolError && e.code === ErrorCode.MALFORMED) throw new ProtocolError(ErrorCode.INVALID_ARGUMENT, e.message.replace(/^MALFORMED: /, ''));
    throw e;
  }
}
