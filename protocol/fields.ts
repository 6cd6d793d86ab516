/**
 * Typed reading of decoded CBOR maps. Every reader names the field it wanted,
 * so a MALFORMED error tells an issuer exactly what to fix. Unknown keys are
 * ignored (forward compatibility); a known key with the wrong type is an error.
 */
import { ErrorCode, ProtocolError } from './errors.js';

const MAX_TEXT = 256;

function malformed(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.MALFORMED, message);
}

export function asMap(value: unknown, what: string): Map<unknown, unknown> {
  if (!(value instanceof Map)) throw malformed(`${what} must be a CBOR map`);
  return value;
}

export function asArray(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw malformed(`${what} must be a CBOR array`);
  return value;
}

export function isUint(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

export function asUint(value: unknown, what: string, max = Number.MAX_SAFE_INTEGER): number {
  if (!isUint(value) || value > max) throw malformed(`${what} must be an unsigned integer up to ${max}`);
  return value;
}

export function asText(value: unknown, what: string, maxLength = MAX_TEXT): string {
  if (typeof value !== 'string' || value.length > maxLength) throw malformed(`${what} must be a text string of at most ${maxLength} characters`);
  return value;
}

export function asBytes(value: unknown, what: string, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw malformed(`${what} must be a byte string`);
  if (length !== undefined && value.length !== length) throw malformed(`${what} must be ${length} bytes`);
  return value;
}

/** A decoded CBOR map read field by field. */
export class Fields {
  readonly #map: Map<unknown, unknown>;
  readonly #what: string;

  constructor(value: unknown, what: string) {
    this.#map = asMap(value, what);
    this.#what = what;
  }

  has(key: number): boolean {
    return this.#map.has(key);
  }

  raw(key: number): unknown {
    return this.#map.get(key);
  }

  #name(key: number, name: string): string {
    return `${this.#what}.${name} (key ${key})`;
  }

  #required(key: number, name: string): unknown {
    if (!this.#map.has(key)) throw malformed(`${this.#name(key, name)} is missing`);
    return this.#map.get(key);
  }

  uint(key: number, name: string, max?: number): number {
    return asUint(this.#required(key, name), this.#name(key, name), max);
  }

  optUint(key: number, name: string, max?: number): number | undefined {
    return this.#map.has(key) ? this.uint(key, name, max) : undefined;
  }

  text(key: number, name: string, maxLength?: number): string {
    return asText(this.#required(key, name), this.#name(key, name), maxLength);
  }

  optText(key: number, name: string, maxLength?: number): string | undefined {
    return this.#map.has(key) ? this.text(key, name, maxLength) : undefined;
  }

  bytes(key: number, name: string, length?: number): Uint8Array {
    return asBytes(this.#required(key, name), this.#name(key, name), length);
  }

  optBytes(key: number, name: string, length?: number): Uint8Array | undefined {
    return this.#map.has(key) ? this.bytes(key, name, length) : undefined;
  }

  array(key: number, name: string): unknown[] {
    return asArray(this.#required(key, name), this.#name(key, name));
  }

  map(key: number, name: string): Fields {
    return new Fields(this.#required(key, name), this.#name(key, name));
  }

  /** One of the values of a frozen enum of small integers. */
  oneOf<T extends number>(key: number, name: string, allowed: readonly T[]): T {
    const v = this.uint(key, name);
    if (!allowed.includes(v as T)) throw malformed(`${this.#name(key, name)} has unknown value ${v}`);
    return v as T;
  }

  optOneOf<T extends number>(key: number, name: string, allowed: readonly T[]): T | undefined {
    return this.#map.has(key) ? this.oneOf(key, name, allowed) : undefined;
  }
}
