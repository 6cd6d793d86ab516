/**
 * Field-by-field reading of the friendly JSON inputs (tickets, issuers,
 * trips). Errors name the file and field and describe what was expected and
 * the type found, never the value itself: a ticket's holder fields are
 * personal data and must not end up on a terminal or in a log.
 */
import { InputError } from '../errors.js';

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' ? (Number.isInteger(value) ? 'an integer' : 'a fractional number') : `a ${typeof value}`;
}

export class JsonObject {
  readonly where: string;
  readonly #value: Record<string, unknown>;

  constructor(value: unknown, where: string) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InputError(`${where} must be a JSON object, got ${typeName(value)}`);
    this.where = where;
    this.#value = value as Record<string, unknown>;
  }

  /** Rejects fields not in `known`, so a typo ("destinaton") is an error rather than a silently missing claim. */
  only(known: readonly string[]): this {
    for (const key of Object.keys(this.#value)) {
      if (!known.includes(key)) throw new InputError(`${this.where}: unknown field "${key}" (known: ${known.join(', ')})`);
    }
    return this;
  }

  has(key: string): boolean {
    return this.#value[key] !== undefined && this.#value[key] !== null;
  }

  raw(key: string): unknown {
    return this.#value[key] ?? undefined;
  }

  /** `where.key`, for messages about one field. */
  field(key: string): string {
    return `${this.where}: ${key}`;
  }

  error(key: string, expected: string): InputError {
    return new InputError(`${this.field(key)} must be ${expected}, got ${typeName(this.#value[key])}`);
  }

  missing(key: string): InputError {
    return new InputError(`${this.field(key)} is missing`);
  }

  string(key: string, max = 64): string {
    const v = this.optString(key, max);
    if (v === undefined) throw this.missing(key);
    return v;
  }

  optString(key: string, max = 64): string | undefined {
    if (!this.has(key)) return undefined;
    const v = this.#value[key];
    if (typeof v !== 'string' || v.trim() === '') throw this.error(key, 'a non-empty string');
    if (v.length > max) throw new InputError(`${this.field(key)} must be at most ${max} characters, got ${v.length}`);
    return v;
  }

  integer(key: string, min: number, max: number, hint = ''): number {
    const v = this.optInteger(key, min, max, hint);
    if (v === undefined) throw this.missing(key);
    return v;
  }

  optInteger(key: string, min: number, max: number, hint = ''): number | undefined {
    if (!this.has(key)) return undefined;
    const v = this.#value[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
      throw this.error(key, `an integer from ${min} to ${max}${hint}`);
    }
    return v;
  }

  array(key: string): unknown[] {
    const v = this.#value[key];
    if (!this.has(key)) throw this.missing(key);
    if (!Array.isArray(v)) throw this.error(key, 'an array');
    return v;
  }

  stringArray(key: string, max = 32): string[] {
    return this.array(key).map((item, i) => {
      if (typeof item !== 'string' || item.trim() === '' || item.length > max) {
        throw new InputError(`${this.field(key)}[${i}] must be a non-empty string of at most ${max} characters, got ${typeName(item)}`);
      }
      return item;
    });
  }

  optObject(key: string): JsonObject | undefined {
    return this.has(key) ? new JsonObject(this.#value[key], `${this.where}: ${key}`) : undefined;
  }
}
