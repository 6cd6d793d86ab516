/**
 * Typed access to parsed command-line options. A missing or malformed option
 * is a UsageError (exit 2), and the message names the option to fix.
 */
import { UsageError } from '../errors.js';
import type { OptionValues } from '../command.js';

export function optionalString(values: OptionValues, name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`--${name} takes a value`);
  if (v.trim() === '') throw new UsageError(`--${name} must not be empty`);
  return v;
}

export function requiredString(values: OptionValues, name: string): string {
  const v = optionalString(values, name);
  if (v === undefined) throw new UsageError(`missing --${name}`);
  return v;
}

export function flag(values: OptionValues, name: string): boolean {
  return values[name] === true;
}

/** A positive integer option such as --version; rejects 1.5, 1e3, 0x10 and the like. */
export function positiveInteger(values: OptionValues, name: string): number {
  const text = requiredString(values, name);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1) {
    throw new UsageError(`--${name} must be a positive integer, got "${text}"`);
  }
  return Number(text);
}

/** An operator code as config documents and tickets carry it (at most 32 characters). */
export function operatorCode(values: OptionValues, name = 'operator'): string {
  const text = requiredString(values, name);
  if (text.length > 32 || /\s/.test(text)) throw new UsageError(`--${name} must be a code of at most 32 characters without spaces`);
  return text;
}
