/**
 * ECDSA verification (FIPS 186-5 §6.4.2) over precomputed tables for G and
 * the public key Q. R = u1*G + u2*Q is summed window by window with no
 * doubling, and its x coordinate is compared projectively: x(R) = X/Z^2, so
 * "x(R) mod n = r" is X = r*Z^2, or X = (r+n)*Z^2 when r + n < p (x(R) can
 * lie in [n, p)). That leaves one inversion, of s mod n, and none in the
 * field.
 */
import { BYTES, N, P } from './curve.js';
import { infinity } from './jacobian.js';
import { invert } from './modular.js';
import { bytesToBigInt } from './sec1.js';
import { addMultiple, type WindowTable } from './window-table.js';

/**
 * True when `signature` (r || s, 64 bytes big-endian) is valid for the
 * 32-byte `digest` under the key whose table is `keyTable`. High-S is
 * valid. r and s must lie in [1, n-1].
 */
export function verifyDigest(baseTable: WindowTable, keyTable: WindowTable, digest: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 2 * BYTES || digest.length !== BYTES) return false;
  const r = bytesToBigInt(signature, 0, BYTES);
  const s = bytesToBigInt(signature, BYTES, BYTES);
  if (r === 0n || r >= N || s === 0n || s >= N) return false;
  // A 256-bit digest is the integer e itself (no truncation for P-256); one
  // subtraction reduces it because 2^256 < 2n.
  let e = bytesToBigInt(digest, 0, BYTES);
  if (e >= N) e -= N;
  const w = invert(s, N);
  const u1 = (e * w) % N;
  const u2 = (r * w) % N;
  const acc = infinity();
  addMultiple(acc, baseTable, u1);
  addMultiple(acc, keyTable, u2);
  if (acc.z === 0n) return false;
  const zz = (acc.z * acc.z) % P;
  if ((r * zz) % P === acc.x) return true;
  const rn = r + N;
  return rn < P && (rn * zz) % P === acc.x;
}
