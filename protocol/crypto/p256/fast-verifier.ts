/**
 * A fast pure-JS ES256 verifier for XS and other hosts without native
 * ECDSA. Issuer keys are known in advance (the trust list), so each key gets
 * a precomputed window table once, kept in a bounded cache inside the
 * verifier; the base point's table is built once per verifier. A verify is
 * then SHA-256, one inversion mod n and at most 66 mixed additions.
 * Results match @noble/curves' p256.verify with lowS: false on every input.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { CoseAlg } from '../algorithms.js';
import type { Verifier } from '../verifier.js';
import { GX, GY } from './curve.js';
import { verifyDigest } from './ecdsa.js';
import { KeyCache } from './key-cache.js';
import { decodePublicKey } from './sec1.js';
import { buildWindowTable, type WindowTable } from './window-table.js';

/**
 * Window widths, chosen by measuring in XS: one more bit saves four to
 * seven additions a verify (under 8%) and doubles a table and its build
 * time. At 8, each table is 33 windows of 128 points (270 KB, about 75 ms to
 * build in XS); G's is built once per verifier, each key's once per key.
 */
export const BASE_WINDOW = 8;
export const KEY_WINDOW = 8;

export const DEFAULT_MAX_KEYS = 32;

export interface FastVerifierOptions {
  /** Keys whose tables stay cached (least recently used out first); default 32. */
  maxKeys?: number;
}

export interface FastVerifier extends Verifier {
  /**
   * Builds and caches the tables for `publicKey` (SEC1) so its first ticket
   * verifies at full speed; call it when a trust list loads. False when the
   * key is not a valid P-256 point.
   */
  prepare(publicKey: Uint8Array): boolean;
  /** Keys whose tables are cached now. */
  readonly cachedKeys: number;
}

export function createFastVerifier(options: FastVerifierOptions = {}): FastVerifier {
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  const keys = new KeyCache<WindowTable>(maxKeys);
  let baseTable: WindowTable | undefined;

  function base(): WindowTable {
    if (baseTable === undefined) baseTable = buildWindowTable(GX, GY, BASE_WINDOW);
    return baseTable;
  }

  function tableOf(publicKey: Uint8Array): WindowTable | undefined {
    const cached = keys.get(publicKey);
    if (cached !== undefined) return cached;
    const point = decodePublicKey(publicKey);
    if (point === undefined) return undefined;
    const table = buildWindowTable(point.x, point.y, KEY_WINDOW);
    keys.set(publicKey, table);
    return table;
  }

  return Object.freeze({
    verify(alg: CoseAlg, publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
      try {
        if (alg !== CoseAlg.ES256 || !(signature instanceof Uint8Array) || signature.length !== 64) return false;
        if (!(publicKey instanceof Uint8Array) || !(data instanceof Uint8Array)) return false;
        const keyTable = tableOf(publicKey);
        if (keyTable === undefined) return false;
        return verifyDigest(base(), keyTable, sha256(data), signature);
      } catch {
        return false;
      }
    },
    prepare(publicKey: Uint8Array): boolean {
      try {
        base();
        return tableOf(publicKey) !== undefined;
      } catch {
        return false;
      }
    },
    get cachedKeys(): number {
      return keys.size;
    },
  });
}
