/**
 * Reading big-endian integers and SEC1 public keys (SEC 1 v2 §2.3.3-2.3.4).
 * Accepts what @noble/curves' p256 accepts, so the fast verifier and the
 * reference agree on every key: uncompressed (04 || x || y) and compressed
 * (02/03 || x) points with coordinates below p and on the curve. The point
 * at infinity (a lone 00) and the hybrid forms 06/07 are refused.
 */
import { B, BYTES, P, isOnCurve } from './curve.js';
import { mod, pow } from './modular.js';

export interface AffinePoint {
  readonly x: bigint;
  readonly y: bigint;
}

/** The big-endian unsigned integer in bytes[offset, offset + length). */
export function bytesToBigInt(bytes: Uint8Array, offset: number, length: number): bigint {
  let result = 0n;
  let i = offset;
  const end = offset + length;
  // Leading bytes that do not fill a 32-bit word, then whole words: a few
  // bigint operations instead of a hex string, which is slow to build on XS.
  for (; (end - i) % 4 !== 0; i++) result = (result << 8n) | BigInt(bytes[i]);
  for (; i < end; i += 4) {
    const word = ((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0;
    result = (result << 32n) | BigInt(word);
  }
  return result;
}

/** (p + 1) / 4: p = 3 mod 4, so a square root of a is a^((p+1)/4). */
const SQRT_EXPONENT: bigint = (P + 1n) / 4n;

/** The public key's affine point, or undefined when it is not a valid P-256 point. */
export function decodePublicKey(key: Uint8Array): AffinePoint | undefined {
  if (!(key instanceof Uint8Array)) return undefined;
  const head = key[0];
  if (key.length === 1 + 2 * BYTES && head === 0x04) {
    const x = bytesToBigInt(key, 1, BYTES);
    const y = bytesToBigInt(key, 1 + BYTES, BYTES);
    if (x >= P || y >= P || !isOnCurve(x, y)) return undefined;
    return { x, y };
  }
  if (key.length === 1 + BYTES && (head === 0x02 || head === 0x03)) {
    const x = bytesToBigInt(key, 1, BYTES);
    if (x >= P) return undefined;
    const rhs = mod(((x * x) % P) * x - 3n * x + B, P);
    let y = pow(rhs, SQRT_EXPONENT, P);
    if ((y * y) % P !== rhs) return undefined;
    if ((y & 1n) !== BigInt(head & 1)) y = P - y;
    return { x, y };
  }
  return undefined;
}
