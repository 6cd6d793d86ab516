/**
 * Jacobian points (X, Y, Z) standing for the affine (X/Z^2, Y/Z^3), with
 * Z = 0 the point at infinity. Additions take the second point in affine
 * form (every precomputed table is affine), so no field inversion happens
 * until a caller wants affine output. The accumulator is updated in place:
 * on XS every allocation counts, and a verify does up to 66 additions.
 *
 * Coordinates are kept reduced to [0, p); the field operations are written
 * inline because a function call per multiply costs more than the multiply.
 */
import { P } from './curve.js';

export interface Jacobian {
  x: bigint;
  y: bigint;
  /** 0n for the point at infinity. */
  z: bigint;
}

export function infinity(): Jacobian {
  return { x: 0n, y: 1n, z: 0n };
}

/** acc <- 2 * acc (dbl-2001-b, a = -3). */
export function doubleInPlace(acc: Jacobian): void {
  const { x, y, z } = acc;
  if (z === 0n) return;
  // A point with y = 0 would have order 2; P-256 has prime order, so none exists.
  const delta = (z * z) % P;
  const gamma = (y * y) % P;
  const beta = (x * gamma) % P;
  const alpha = (3n * (x - delta) * (x + delta)) % P;
  let x3 = (alpha * alpha - 8n * beta) % P;
  if (x3 < 0n) x3 += P;
  let y3 = (alpha * (4n * beta - x3) - ((8n * gamma * gamma) % P)) % P;
  if (y3 < 0n) y3 += P;
  let z3 = ((y + z) * (y + z) - gamma - delta) % P;
  if (z3 < 0n) z3 += P;
  acc.x = x3;
  acc.y = y3;
  acc.z = z3;
}

/**
 * acc <- acc + (x2, y2), the second point affine and not infinity
 * (add-1998-cmo-2, 8M + 3S). Complete: handles acc at infinity, acc equal
 * to the point (doubles) and acc its negation (gives infinity), which
 * crafted signatures can reach.
 */
export function addAffineInPlace(acc: Jacobian, x2: bigint, y2: bigint): void {
  const z1 = acc.z;
  if (z1 === 0n) {
    acc.x = x2;
    acc.y = y2;
    acc.z = 1n;
    return;
  }
  const x1 = acc.x;
  const y1 = acc.y;
  const z1z1 = (z1 * z1) % P;
  let h = (x2 * z1z1) % P - x1;
  if (h < 0n) h += P;
  let r = (((y2 * z1) % P) * z1z1) % P - y1;
  if (r < 0n) r += P;
  if (h === 0n) {
    if (r === 0n) doubleInPlace(acc);
    else acc.z = 0n;
    return;
  }
  const hh = (h * h) % P;
  const hhh = (h * hh) % P;
  const v = (x1 * hh) % P;
  let x3 = (r * r - hhh - 2n * v) % P;
  if (x3 < 0n) x3 += P;
  let y3 = (r * (v - x3) - y1 * hhh) % P;
  if (y3 < 0n) y3 += P;
  acc.x = x3;
  acc.y = y3;
  acc.z = (z1 * h) % P;
}
