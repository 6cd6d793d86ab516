/**
 * The P-256 domain parameters (SEC 2 §2.4.2, FIPS 186-5 D.1.2.3):
 * y^2 = x^3 - 3x + b over GF(p), base point G of prime order n, cofactor 1.
 */

/** The field prime p = 2^256 - 2^224 + 2^192 + 2^96 - 1. */
export const P: bigint = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;

/** The order n of G (and of the whole group: the cofactor is 1). */
export const N: bigint = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** The curve coefficient b (a is -3). */
export const B: bigint = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;

/** The base point G, affine. */
export const GX: bigint = 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n;
export const GY: bigint = 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n;

/** Bytes in a field element or scalar. */
export const BYTES = 32;

/** True when (x, y), both in [0, p), satisfies the curve equation. */
export function isOnCurve(x: bigint, y: bigint): boolean {
  const rhs = (((x * x) % P) * x - 3n * x + B) % P;
  return (y * y - rhs) % P === 0n;
}
