/**
 * Times in the friendly inputs: epoch seconds, or ISO 8601 date-times that
 * carry their offset. A time without an offset is refused because it would be
 * read in the back office's time zone, which for a server in UTC puts every
 * departure eight hours off Beijing time.
 */
import { isServiceDate } from '../../protocol/index.js';
import { InputError } from '../errors.js';
import { typeName } from './json-object.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
/** Epoch seconds this large are milliseconds (year 5138 and later in seconds). */
const MAX_SECONDS = 1e11;

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** True when y-m-d exists on the calendar (V8's Date.parse accepts 2026-02-31). */
function isCalendarDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** Seconds since the epoch from a number of seconds or an ISO date-time with offset. */
export function parseInstant(value: unknown, what: string): number {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) throw new InputError(`${what} must be whole epoch seconds, got ${value}`);
    if (value >= MAX_SECONDS) throw new InputError(`${what} looks like milliseconds; give epoch seconds`);
    return value;
  }
  if (typeof value !== 'string') throw new InputError(`${what} must be epoch seconds or an ISO date-time, got ${typeName(value)}`);
  const m = ISO.exec(value.trim());
  if (!m) {
    throw new InputError(`${what} must be epoch seconds or an ISO date-time with offset such as 2026-11-25T08:30:00+08:00, got "${value}"`);
  }
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((x) => Number(x ?? 0));
  if (!isCalendarDate(y, mo, d) || h > 23 || mi > 59 || s > 59) throw new InputError(`${what}: "${value}" is not a real date and time`);
  const zone = m[7];
  const offset = zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2))) * 60;
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000 - offset;
}

/** A service date as the protocol's YYYYMMDD number, from 20261125, "20261125" or "2026-11-25". */
export function parseServiceDate(value: unknown, what: string): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\d{4}-?\d{2}-?\d{2}$/.test(value) && value.length !== 9) n = Number(value.replace(/-/g, ''));
  else throw new InputError(`${what} must be a date as YYYYMMDD or "YYYY-MM-DD", got ${typeName(value)}`);
  if (!Number.isInteger(n) || !isServiceDate(n) || !isCalendarDate(Math.floor(n / 10000), Math.floor(n / 100) % 100, n % 100)) {
    throw new InputError(`${what} must be a real date as YYYYMMDD or "YYYY-MM-DD", got ${JSON.stringify(value)}`);
  }
  return n;
}

/** ISO 8601 in UTC without milliseconds, for summaries. */
export function formatInstant(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
