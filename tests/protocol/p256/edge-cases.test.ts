/**
 * Constructed edge cases for the fast ES256 verifier, each checked against
 * the expected answer and against @noble/curves (and node:crypto where the
 * input is a message): scalar ranges, keys that are not points, compressed
 * keys, high-S, x(R) >= n, sums that reach infinity, the key equal to G.
 * Cases a message cannot reach (a chosen digest) go through verifyDigest.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { CoseAlg } from '../../../protocol/index.js';
import { createFastVerifier } from '../../../protocol/crypto/p256/fast-verifier.js';
import { verifyDigest } from '../../../protocol/crypto/p256/ecdsa.js';
import { GX, GY, N as FAST_N, P as FAST_P, B as FAST_B } from '../../../protocol/crypto/p256/curve.js';
import { signedDigits } from '../../../protocol/crypto/p256/signed-digits.js';
import { buildWindowTable } from '../../../protocol/crypto/p256/window-table.js';
import { BASE_WINDOW, KEY_WINDOW } from '../../../protocol/crypto/p256/fast-verifier.js';
import {
  CURVE, N, P, Point, be32, digestScalar, hex, invN, keyFor, liftX, mod, nobleVerify, nobleVerifyDigest, nodeVerify, signatureOf, toHex,
} from './reference.js';

const fast = createFastVerifier();
const ES256 = CoseAlg.ES256;
const secretKey = sha256(new TextEncoder().encode('edge-case key'));
const publicKey = p256.getPublicKey(secretKey, false);
const message = new TextEncoder().encode('a ticket to check');
const signature = p256.sign(message, secretKey, { prehash: true, format: 'compact' });

/** The expected answer, which both references must also give. */
function expectAll(key: Uint8Array, data: Uint8Array, sig: Uint8Array, valid: boolean): void {
  expect(nobleVerify(key, data, sig), 'noble').toBe(valid);
  expect(nodeVerify(key, data, sig), 'node:crypto').toBe(valid);
  expect(fast.verify(ES256, key, data, sig), 'fast').toBe(valid);
}

const baseTable = buildWindowTable(GX, GY, BASE_WINDOW);

/** verifyDigest (chosen digest, no hashing) against noble with prehash: false. */
function expectDigest(key: Uint8Array, digest: Uint8Array, sig: Uint8Array, valid: boolean): void {
  expect(nobleVerifyDigest(key, digest, sig), 'noble').toBe(valid);
  const Q = Point.fromBytes(key).toAffine();
  expect(verifyDigest(baseTable, buildWindowTable(Q.x, Q.y, KEY_WINDOW), digest, sig), 'fast').toBe(valid);
}

describe('fast ES256 verifier: constructed edge cases', () => {
  it('uses the P-256 domain parameters', () => {
    expect([FAST_P, FAST_N, FAST_B, GX, GY]).toEqual([CURVE.p, CURVE.n, CURVE.b, CURVE.Gx, CURVE.Gy]);
  });

  it('accepts a genuine signature and its high-S twin (COSE does not require low-S)', () => {
    expectAll(publicKey, message, signature, true);
    const r = BigInt('0x' + toHex(signature.subarray(0, 32)));
    const s = BigInt('0x' + toHex(signature.subarray(32)));
    expectAll(publicKey, message, signatureOf(r, N - s), true);
  });

  it('rejects r or s of 0, n, above n, and all ones', () => {
    const r = BigInt('0x' + toHex(signature.subarray(0, 32)));
    const s = BigInt('0x' + toHex(signature.subarray(32)));
    const bad = [0n, N, N + 1n, N + r < 2n ** 256n ? N + r : N + 2n, 2n ** 256n - 1n];
    for (const v of bad) {
      expectAll(publicKey, message, signatureOf(v, s), false);
      expectAll(publicKey, message, signatureOf(r, v), false);
    }
    expectAll(publicKey, message, signatureOf(r, N + s < 2n ** 256n ? N + s : 0n), false);
    expectAll(publicKey, message, signatureOf(0n, 0n), false);
  });

  it('rejects r = n-1 (not the x of any point) and accepts a valid s = n-1', () => {
    expect(liftX(N - 1n)).toBeUndefined();
    expectAll(publicKey, message, signatureOf(N - 1n, 1n), false);
    expectAll(publicKey, message, signatureOf(N - 1n, N - 1n), false);
    // s = n-1 with a key recovered to make it valid.
    const R = Point.BASE.multiply(123456789n);
    const r = mod(R.toAffine().x, N);
    const e = digestScalar(sha256(message));
    const key = keyFor(R, r, N - 1n, e);
    expectAll(key, message, signatureOf(r, N - 1n), true);
    expectAll(key, message, signatureOf(r, 1n), true); // its twin: s and n - s both verify
    expectAll(key, message, signatureOf(r, 2n), false);
  });

  it('accepts a signature whose R has x(R) >= n (r = x(R) - n, r + n < p) and rejects r = x(R)', () => {
    let R: ReturnType<typeof liftX>;
    let t = 0n;
    for (; (R = liftX(N + t)) === undefined; t++);
    const x = R!.toAffine().x;
    expect(x >= N && x < P).toBe(true);
    const r = x - N;
    const s = 0x1234567890abcdefn;
    const e = digestScalar(sha256(message));
    const key = keyFor(R!, r, s, e);
    expectAll(key, message, signatureOf(r, s), true);
    expectAll(key, message, signatureOf(r, N - s), true); // the high-S twin sums to -R, same x
    expectAll(key, message, signatureOf(r, s + 1n), false);
    expectAll(key, message, signatureOf(x, s), false);
  });

  it('rejects a signature that makes u1*G + u2*Q the point at infinity', () => {
    const q = 0x5eedn;
    const key = Point.BASE.multiply(q).toBytes(false);
    const e = digestScalar(sha256(message));
    const r = mod(-e * invN(q), N); // e + r*q = 0 (mod n)
    expectAll(key, message, signatureOf(r, 0x777n), false);
    // The key G itself: r = -e.
    expectAll(Point.BASE.toBytes(false), message, signatureOf(mod(-e, N), 0x777n), false);
  });

  it('verifies under the key G (secret key 1)', () => {
    const one = be32(1n);
    const key = p256.getPublicKey(one, false);
    expect(toHex(key)).toBe('04' + toHex(be32(CURVE.Gx)) + toHex(be32(CURVE.Gy)));
    const sig = p256.sign(message, one, { prehash: true, format: 'compact' });
    expectAll(key, message, sig, true);
    expectAll(key, new TextEncoder().encode('a ticket to check!'), sig, false);
  });

  it('handles an accumulator that meets the next table point or its negation halfway (key G)', () => {
    // With Q = G, after the u1*G windows the sum is u1*G; choosing u1 = +-d
    // (d the first nonzero digit of u2) makes the next addition a doubling
    // or reach infinity before the remaining windows.
    const key = Point.BASE.toBytes(false);
    for (const u2 of [0x1d2c3b4a5968778695a4b3c2d1e0f0e1d2c3b4a5968778695a4b3c2d1e0f00n, 0xabcn, N - 5n]) {
      // The first point added from Q's table: digit d of window i, d * 2^(w*i) * Q.
      const digits = signedDigits(u2, KEY_WINDOW);
      const i = digits.findIndex((x) => x !== 0);
      const d = BigInt(digits[i]) << BigInt(KEY_WINDOW * i);
      for (const u1 of [mod(d, N), mod(-d, N)]) {
        const R = Point.BASE.multiply(mod(u1 + u2, N));
        const r = mod(R.toAffine().x, N);
        const s = mod(r * invN(u2), N);
        const e = mod(u1 * s, N);
        expectDigest(key, be32(e), signatureOf(r, s), true);
        expectDigest(key, be32(mod(e + 1n, N)), signatureOf(r, s), false);
      }
    }
  });

  it('reduces the digest mod n: e = 0, e = n and e = 2^256 - 1 behave as their residues', () => {
    const q = 0xc0ffeen;
    const key = Point.BASE.multiply(q).toBytes(false);
    const u2 = 0x13579bdf2468acen;
    const R = Point.BASE.multiply(mod(u2 * q, N));
    const r = mod(R.toAffine().x, N);
    const s = mod(r * invN(u2), N);
    expectDigest(key, be32(0n), signatureOf(r, s), true);
    expectDigest(key, be32(N), signatureOf(r, s), true);
    expectDigest(key, be32(1n), signatureOf(r, s), false);
    // e = 2^256 - 1 = (2^256 - 1 - n) mod n: build the signature for that residue.
    const e = 2n ** 256n - 1n;
    const s2 = 0x2468n;
    const R2 = Point.BASE.multiply(0x9999n);
    const r2 = mod(R2.toAffine().x, N);
    const key2 = keyFor(R2, r2, s2, mod(e, N));
    expectDigest(key2, be32(e), signatureOf(r2, s2), true);
    expectDigest(key2, be32(mod(e, N)), signatureOf(r2, s2), true);
  });

  it('rejects keys that are not P-256 points', () => {
    const x = publicKey.subarray(1, 33);
    const y = publicKey.subarray(33);
    const bumpedY = Uint8Array.from(publicKey);
    bumpedY[64] ^= 1;
    const cases: Array<[string, Uint8Array]> = [
      ['infinity (SEC1 00)', hex('00')],
      ['all zero coordinates', new Uint8Array(65).fill(0).map((v, i) => (i === 0 ? 4 : 0))],
      ['y off the curve', bumpedY],
      ['y = p', Uint8Array.from([4, ...x, ...be32(P)])],
      ['x = p', Uint8Array.from([4, ...be32(P), ...y])],
      ['prefix 05', Uint8Array.from([5, ...x, ...y])],
      ['64 bytes, no prefix', Uint8Array.from([...x, ...y])],
      ['66 bytes', Uint8Array.from([...publicKey, 0])],
      ['empty', new Uint8Array(0)],
      ['compressed, x not on the curve', Uint8Array.from([2, ...be32(N - 1n)])],
      ['compressed, x = p', Uint8Array.from([2, ...be32(P)])],
      ['compressed, 34 bytes', Uint8Array.from([2, ...x, 0])],
    ];
    for (const [name, key] of cases) {
      expect(nobleVerify(key, message, signature), name).toBe(false);
      expect(nodeVerify(key, message, signature), name).toBe(false);
      expect(fast.verify(ES256, key, message, signature), name).toBe(false);
      expect(fast.prepare(key), name).toBe(false);
    }
  });

  it('rejects the X9.62 hybrid forms 06/07 as @noble/curves does (OpenSSL accepts the one matching y)', () => {
    const x = publicKey.subarray(1, 33);
    const y = publicKey.subarray(33);
    const odd = (publicKey[64] & 1) === 1;
    for (const prefix of [6, 7]) {
      const key = Uint8Array.from([prefix, ...x, ...y]);
      expect(nobleVerify(key, message, signature)).toBe(false);
      expect(fast.verify(ES256, key, message, signature)).toBe(false);
      expect(nodeVerify(key, message, signature)).toBe((prefix === 7) === odd);
    }
  });

  it('rejects a key whose x is encoded as x + p (a coordinate >= p) for a point with small x', () => {
    const point = liftX(5n)!.toAffine();
    expect(point.x + P < 2n ** 256n).toBe(true);
    const key = Uint8Array.from([4, ...be32(point.x + P), ...be32(point.y)]);
    expect(fast.prepare(key)).toBe(false);
    expect(nobleVerify(key, message, signature)).toBe(false);
    expect(fast.verify(ES256, key, message, signature)).toBe(false);
  });

  it('accepts compressed keys as @noble/curves does, and tells their parities apart', () => {
    const compressed = p256.getPublicKey(secretKey, true);
    expectAll(compressed, message, signature, true);
    const otherParity = Uint8Array.from(compressed);
    otherParity[0] ^= 1; // 02 <-> 03: the point -Q
    expectAll(otherParity, message, signature, false);
  });

  it('rejects signatures of the wrong length, DER signatures and other algorithms', () => {
    const der = p256.sign(message, secretKey, { prehash: true, format: 'der' });
    for (const sig of [signature.subarray(0, 63), Uint8Array.from([...signature, 0]), Uint8Array.from([0, ...signature]), der, new Uint8Array(0)]) {
      expect(nobleVerify(publicKey, message, sig)).toBe(false);
      expect(fast.verify(ES256, publicKey, message, sig)).toBe(false);
    }
    expect(fast.verify(-35 as CoseAlg, publicKey, message, signature)).toBe(false);
    expect(fast.verify(-8 as CoseAlg, publicKey, message, signature)).toBe(false);
  });

  it('never throws: inputs of the wrong type are false', () => {
    const junk: unknown[] = [undefined, null, 'text', 42, [1, 2, 3], {}, new ArrayBuffer(65), new Uint16Array(65)];
    for (const j of junk) {
      expect(fast.verify(ES256, j as Uint8Array, message, signature)).toBe(false);
      expect(fast.verify(ES256, publicKey, j as Uint8Array, signature)).toBe(false);
      expect(fast.verify(ES256, publicKey, message, j as Uint8Array)).toBe(false);
      expect(fast.verify(j as CoseAlg, publicKey, message, signature)).toBe(false);
      expect(fast.prepare(j as Uint8Array)).toBe(false);
    }
  });

  it('rejects every single-bit change of message, signature and key', () => {
    const flip = (bytes: Uint8Array, bit: number): Uint8Array => {
      const out = Uint8Array.from(bytes);
      out[bit >> 3] ^= 1 << (bit & 7);
      return out;
    };
    for (let bit = 0; bit < message.length * 8; bit += 3) expect(fast.verify(ES256, publicKey, flip(message, bit), signature)).toBe(false);
    for (let bit = 0; bit < 512; bit++) expect(fast.verify(ES256, publicKey, message, flip(signature, bit))).toBe(false);
    // Key bits: a flipped coordinate is (almost always) off the curve; compare with noble for the rest.
    for (let bit = 8; bit < 520; bit += 7) {
      const key = flip(publicKey, bit);
      expect(fast.verify(ES256, key, message, signature)).toBe(false);
      expect(nobleVerify(key, message, signature)).toBe(false);
    }
  });
});
