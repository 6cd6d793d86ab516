/**
 * The validator's provisioning from the build configuration (`mc/config`):
 * `validatorId`, `operator` and `rootKeys`, set in the manifest or on the
 * mcconfig command line (`mcconfig ... validatorId=V0017 operator=YTBUS
 * rootKeys=04ab...,04cd...`). Build-time provisioning is the first step;
 * a depot tool writing NVS can replace it without touching the app.
 *
 * A missing id or operator, or a root key that is not a P-256 point, stops
 * the boot with a message saying which; no root keys is allowed and leaves
 * the validator unconfigured (it refuses every ticket and says so).
 */
import { hexToBytes } from '../../protocol/bytes.js';
import { p256PublicKey } from '../../protocol/crypto/keys.js';
import type { Provisioning } from '../app/provisioning.js';

/** The config entries read; values as mcconfig passes them (strings) or as JSON in the manifest. */
export interface ProvisioningConfig {
  readonly validatorId?: unknown;
  readonly operator?: unknown;
  /** Hex SEC1 public keys: an array, or one string separated by commas, semicolons or spaces. */
  readonly rootKeys?: unknown;
}

function requiredText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new Error(`provisioning: ${name} is not set`);
  return value.trim();
}

function rootKeyList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  const items = typeof value === 'string' ? value.split(/[\s,;]+/) : Array.isArray(value) ? value : undefined;
  if (!items || items.some((k) => typeof k !== 'string')) throw new Error('provisioning: rootKeys must be hex public keys');
  return (items as string[]).filter((k) => k !== '');
}

export function provisioningFromConfig(config: ProvisioningConfig): Provisioning {
  const validatorId = requiredText(config.validatorId, 'validatorId');
  const operator = requiredText(config.operator, 'operator');
  const rootKeys = rootKeyList(config.rootKeys).map((hex, i) => {
    try {
      return p256PublicKey(hexToBytes(hex));
    } catch {
      throw new Error(`provisioning: rootKeys[${i}] is not a P-256 public key in hex`);
    }
  });
  return Object.freeze({ validatorId, operator, rootKeys: Object.freeze(rootKeys) });
}
