/**
 * Names for the protocol's small-integer codes, so the friendly JSON can say
 * "student" and "rail" and summaries can print them back.
 */
import { ISSUER_MODES, IssuerMode, PRODUCTS, Product } from '../../protocol/index.js';
import { InputError } from '../errors.js';
import { typeName } from './json-object.js';

export const PRODUCT_NAMES: Readonly<Record<string, Product>> = Object.freeze({
  adult: Product.ADULT,
  child: Product.CHILD,
  student: Product.STUDENT,
  concession: Product.CONCESSION,
  'free-child': Product.FREE_CHILD,
  staff: Product.STAFF,
  pass: Product.PASS,
});

export const MODE_NAMES: Readonly<Record<string, IssuerMode>> = Object.freeze({
  road: IssuerMode.ROAD,
  rail: IssuerMode.RAIL,
  waterway: IssuerMode.WATERWAY,
  air: IssuerMode.AIR,
  tourism: IssuerMode.TOURISM,
});

function parseCode<T extends number>(value: unknown, what: string, names: Readonly<Record<string, T>>, codes: readonly T[]): T {
  if (typeof value === 'number' && codes.includes(value as T)) return value as T;
  if (typeof value === 'string') {
    const code = names[value.trim().toLowerCase().replace(/_/g, '-')];
    if (code !== undefined) return code;
  }
  const shown = typeof value === 'string' || typeof value === 'number' ? JSON.stringify(value) : typeName(value);
  throw new InputError(`${what} must be one of ${Object.keys(names).join(', ')} (or ${codes.join(', ')}), got ${shown}`);
}

export function parseProduct(value: unknown, what: string): Product {
  return parseCode(value, what, PRODUCT_NAMES, PRODUCTS);
}

export function parseMode(value: unknown, what: string): IssuerMode {
  return parseCode(value, what, MODE_NAMES, ISSUER_MODES);
}

function nameOf(code: number, names: Readonly<Record<string, number>>): string {
  return Object.keys(names).find((k) => names[k] === code) ?? String(code);
}

export function productName(code: number): string {
  return nameOf(code, PRODUCT_NAMES);
}

export function modeName(code: number): string {
  return nameOf(code, MODE_NAMES);
}
