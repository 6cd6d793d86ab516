/**
 * The two roles a key can have. Root keys sign configuration (trust, deny and
 * trip lists) and should live offline; issuer keys sign tickets. The kind is
 * recorded in key files so a command refuses the wrong one.
 */
import { UsageError } from '../errors.js';

export type KeyKind = 'root' | 'issuer';
export const KEY_KINDS: readonly KeyKind[] = Object.freeze(['root', 'issuer']);

export function isKeyKind(value: unknown): value is KeyKind {
  return typeof value === 'string' && (KEY_KINDS as readonly string[]).includes(value);
}

export function parseKeyKind(value: string, option: string): KeyKind {
  if (!isKeyKind(value)) throw new UsageError(`${option} must be root, issuer or id-check, got "${value}"`);
  return value;
}
