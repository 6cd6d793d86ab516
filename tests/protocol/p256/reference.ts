/**
 * The two independent ES256 verifiers the fast one is checked against, and
 * the construction helpers the edge-case tests share. @noble/curves is
 * called the way protocol/crypto/noble.ts calls it (prehash, lowS: false);
 * node:crypto is OpenSSL, fed the key as SubjectPublicKeyInfo so compressed
 * points reach it unchanged.
 */
import { createPublicKey, verify as nodeCryptoVerify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';

export const CURVE = p256.Point.CURVE();
export const { n: N, p: P } = CURVE;
export const Point = p256.Point;
export type Point = InstanceType<typeof p256.Point>;

/** @noble/curves over the message (SHA-256 applied inside). */
export function nobleVerify(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return p256.verify(signature, data, publicKey, { prehash: true, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}

/** @noble/curves over a 32-byte digest taken as given (for inputs a message cannot reach). */
export function nobleVerifyDigest(publicKey: Uint8Array, digest: Uint8Array, signature: Uint8Array): boolean {
  try {
    return p256.verify(signature, digest, publicKey, { prehash: false, lowS: false, format: 'compact' });
  } catch {
    return false;
  }
}

const SPKI_UNCOMPRESSED = hex('3059301306072a8648ce3d020106082a8648ce3d030107034200');
const SPKI_COMPRESSED = hex('3039301306072a8648ce3d020106082a8648ce3d030107032200');

/** node:crypto (OpenSSL) with IEEE P1363 (r || s) signatures; false for anything it refuses. */
export function nodeVerify(publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  const prefix = publicKey.length === 65 ? SPKI_UNCOMPRESSED : publicKey.length === 33 ? SPKI_COMPRESSED : undefined;
  if (prefix === undefined) return false;
  try {
    const key = createPublicKey({ key: Buffer.concat([prefix, publicKey]), format: 'der', type: 'spki' });
    return nodeCryptoVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    return false;
  }
}

export function hex(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** 32-byte big-endian encoding of 0 <= v < 2^256. */
export function be32(v: bigint): Uint8Array {
  return hex(v.toString(16).padStart(64, '0'));
}

export function signatureOf(r: bigint, s: bigint): Uint8Array {
  const out = new Uint8Array(64);
  out.set(be32(r), 0);
  out.set(be32(s), 32);
  return out;
}

export function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

export function invN(a: bigint): bigint {
  return p256.Point.Fn.inv(mod(a, N));
}

/** The affine point with this x and even y (or the other root), or undefined when x is not on the curve. */
export function liftX(x: bigint, odd = false): Point | undefined {
  const Fp = p256.Point.Fp;
  const rhs = Fp.add(Fp.add(Fp.mul(Fp.sqr(x), x), Fp.mul(CURVE.a, x)), CURVE.b);
  let y: bigint;
  try {
    y = Fp.sqrt(rhs);
  } catch {
    return undefined;
  }
  if ((y & 1n) !== (odd ? 1n : 0n)) y = P - y;
  return Point.fromAffine({ x, y });
}

/**
 * The public key under which (r, s) is a valid signature of digest e, given
 * a point R with x(R) = r mod n: Q = r^-1 (s R - e G) (public key recovery,
 * SEC 1 §4.1.6), so u1 G + u2 Q = R.
 */
export function keyFor(R: Point, r: bigint, s: bigint, e: bigint): Uint8Array {
  const sR = R.multiply(mod(s, N));
  const eG = mod(e, N) === 0n ? Point.ZERO : Point.BASE.multiply(mod(e, N));
  return sR.subtract(eG).multiply(invN(r)).toBytes(false);
}

export function digestScalar(digest: Uint8Array): bigint {
  return mod(BigInt('0x' + toHex(digest)), N);
}
