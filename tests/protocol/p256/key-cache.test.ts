/**
 * The fast verifier's per-key tables: bounded by maxKeys, keyed by the key's
 * bytes (not by the caller's buffer), and never a reason for a wrong answer
 * however many keys come and go.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { CoseAlg } from '../../../protocol/index.js';
import { createFastVerifier } from '../../../protocol/crypto/p256/fast-verifier.js';
import { N, be32 } from './reference.js';

const ES256 = CoseAlg.ES256;

interface Signed {
  publicKey: Uint8Array;
  message: Uint8Array;
  signature: Uint8Array;
}

function signedBy(secret: Uint8Array, label: string, compressed = false): Signed {
  const message = new TextEncoder().encode(label);
  return { publicKey: p256.getPublicKey(secret, compressed), message, signature: p256.sign(message, secret, { prehash: true, format: 'compact' }) };
}

const secrets = Array.from({ length: 10 }, (_, i) => sha256(new TextEncoder().encode(`cache key ${i}`)));
const signed = secrets.map((s, i) => signedBy(s, `ticket ${i}`));

describe('fast ES256 verifier: key cache', () => {
  it('answers correctly for many more keys than it caches, and stays within maxKeys', () => {
    const fast = createFastVerifier({ maxKeys: 3 });
    for (let pass = 0; pass < 3; pass++) {
      for (let i = 0; i < signed.length; i++) {
        const k = signed[(i * (pass + 1)) % signed.length];
        const other = signed[(i * (pass + 1) + 1) % signed.length];
        expect(fast.verify(ES256, k.publicKey, k.message, k.signature)).toBe(true);
        expect(fast.verify(ES256, k.publicKey, other.message, other.signature)).toBe(false);
        expect(fast.cachedKeys).toBeLessThanOrEqual(3);
      }
    }
    expect(fast.cachedKeys).toBe(3);
  });

  it('prepare() caches a valid key and refuses an invalid one', () => {
    const fast = createFastVerifier({ maxKeys: 4 });
    expect(fast.cachedKeys).toBe(0);
    expect(fast.prepare(signed[0].publicKey)).toBe(true);
    expect(fast.prepare(signed[0].publicKey)).toBe(true);
    expect(fast.cachedKeys).toBe(1);
    const bad = Uint8Array.from(signed[1].publicKey);
    bad[64] ^= 1;
    expect(fast.prepare(bad)).toBe(false);
    expect(fast.verify(ES256, bad, signed[1].message, signed[1].signature)).toBe(false);
    expect(fast.cachedKeys).toBe(1);
    expect(fast.verify(ES256, signed[0].publicKey, signed[0].message, signed[0].signature)).toBe(true);
  });

  it('keys the cache by the bytes: reusing the caller\'s buffer for another key gives that key\'s answer', () => {
    const fast = createFastVerifier();
    const buffer = Uint8Array.from(signed[0].publicKey);
    expect(fast.prepare(buffer)).toBe(true);
    buffer.set(signed[1].publicKey);
    expect(fast.verify(ES256, buffer, signed[1].message, signed[1].signature)).toBe(true);
    expect(fast.verify(ES256, buffer, signed[0].message, signed[0].signature)).toBe(false);
    expect(fast.verify(ES256, signed[0].publicKey, signed[0].message, signed[0].signature)).toBe(true);
  });

  it('tells apart keys that share their x coordinate (Q and -Q) and the two encodings of one key', () => {
    const fast = createFastVerifier({ maxKeys: 2 });
    const q = secrets[2];
    const minusQ = be32(N - BigInt('0x' + Buffer.from(q).toString('hex')));
    const a = signedBy(q, 'from q');
    const b = signedBy(minusQ, 'from -q');
    const c = signedBy(q, 'from q, compressed key', true);
    expect(a.publicKey.length).toBe(65);
    expect(c.publicKey.length).toBe(33);
    expect(a.publicKey.subarray(1, 33)).toEqual(b.publicKey.subarray(1, 33));
    for (let round = 0; round < 2; round++) {
      expect(fast.verify(ES256, a.publicKey, a.message, a.signature)).toBe(true);
      expect(fast.verify(ES256, b.publicKey, b.message, b.signature)).toBe(true);
      expect(fast.verify(ES256, a.publicKey, b.message, b.signature)).toBe(false);
      expect(fast.verify(ES256, b.publicKey, a.message, a.signature)).toBe(false);
      expect(fast.verify(ES256, c.publicKey, c.message, c.signature)).toBe(true);
      expect(fast.verify(ES256, c.publicKey, a.message, a.signature)).toBe(true);
      expect(fast.verify(ES256, c.publicKey, b.message, b.signature)).toBe(false);
    }
  });

  it('keeps each verifier\'s cache to itself', () => {
    const one = createFastVerifier();
    const two = createFastVerifier();
    expect(one.prepare(signed[3].publicKey)).toBe(true);
    expect(one.cachedKeys).toBe(1);
    expect(two.cachedKeys).toBe(0);
  });

  it('refuses a maxKeys that is not a positive integer', () => {
    for (const maxKeys of [0, -1, 1.5, Number.NaN]) expect(() => createFastVerifier({ maxKeys })).toThrow(RangeError);
  });
});
