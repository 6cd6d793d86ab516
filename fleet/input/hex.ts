/**
 * Strict hex parsing. The noble helper echoes offending characters in its
 * errors; these messages never quote the input, so the same parser is safe
 * for secret keys.
 */
import { InputError } from '../errors.js';

const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** Bytes from hex text; `what` names the value in errors, `length` (bytes) is checked when given. */
export function parseHex(text: string, what: string, length?: number | { min: number; max: number }): Uint8Array {
  if (typeof text !== 'string' || !HEX.test(text)) throw new InputError(`${what} must be hex digits (an even number of 0-9, a-f)`);
  const bytes = new Uint8Array(text.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  if (typeof length === 'number' && bytes.length !== length) {
    throw new InputError(`${what} must be ${length} bytes (${2 * length} hex digits), got ${bytes.length}`);
  }
  if (typeof length === 'object' && (bytes.length < length.min || bytes.length > length.max)) {
    throw new InputError(`${what} must be ${length.min} to ${length.max} bytes, got ${bytes.length}`);
  }
  return bytes;
}
