/**
 * Seeded random differential tests of the fast ES256 verifier against
 * @noble/curves and node:crypto (OpenSSL), in both directions: signatures
 * made by each reference verify under the fast verifier, and on valid,
 * mutated and random inputs all three give the same answer. Digest-level
 * properties reach inputs a message cannot (e >= n, chosen r and s).
 *
 * Seeds are fixed per property (FC_SEED=<int> moves them, FC_SEED=random
 * lets fast-check choose and print them); FC_RUNS=<factor> scales the runs.
 */
import { createPrivateKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { p256 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoseAlg } from '../../../protocol/index.js';
import { GX, GY } from '../../../protocol/crypto/p256/curve.js';
import { verifyDigest } from '../../../protocol/crypto/p256/ecdsa.js';
import { BASE_WINDOW, KEY_WINDOW, createFastVerifier } from '../../../protocol/crypto/p256/fast-verifier.js';
import { buildWindowTable, type WindowTable } from '../../../protocol/crypto/p256/window-table.js';
import { N, P, be32, nobleVerify, nobleVerifyDigest, nodeVerify, signatureOf, toHex } from './reference.js';
import { propertyParams } from '../../support/property-params.js';

const params = propertyParams(0x9256);

const ES256 = CoseAlg.ES256;

interface TestKey {
  secret: Uint8Array;
  publicKey: Uint8Array;
  compressed: Uint8Array;
  nodeKey: KeyObject;
  table: WindowTable;
}

/** A fixed pool of keys: building a key's table is the expensive part, done once per key. */
const KEYS: TestKey[] = Array.from({ length: 10 }, (_, i) => {
  const secret = sha256(new TextEncoder().encode(`differential key ${i}`));
  const publicKey = p256.getPublicKey(secret, false);
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  const nodeKey = createPrivateKey({ key: { kty: 'EC', crv: 'P-256', d: b64(secret), x: b64(publicKey.subarray(1, 33)), y: b64(publicKey.subarray(33)) }, format: 'jwk' });
  const point = p256.Point.fromBytes(publicKey).toAffine();
  return { secret, publicKey, compressed: p256.getPublicKey(secret, true), nodeKey, table: buildWindowTable(point.x, point.y, KEY_WINDOW) };
});
const BASE = buildWindowTable(GX, GY, BASE_WINDOW);

const fast = createFastVerifier({ maxKeys: 2 * KEYS.length });

const arbKey = fc.integer({ min: 0, max: KEYS.length - 1 }).map((i) => KEYS[i]);
const arbMessage = fc.uint8Array({ minLength: 0, maxLength: 300 });
const arbBytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });

function bigOf(bytes: Uint8Array): bigint {
  return BigInt('0x' + (toHex(bytes) || '0'));
}

function highS(sig: Uint8Array): Uint8Array {
  return signatureOf(bigOf(sig.subarray(0, 32)), N - bigOf(sig.subarray(32)));
}

/** All three verifiers on one input; returns the common answer or fails with the input. */
function agree(key: Uint8Array, data: Uint8Array, sig: Uint8Array): boolean {
  const fastSays = fast.verify(ES256, key, data, sig);
  const input = `key ${toHex(key)} data ${toHex(data)} sig ${toHex(sig)}`;
  expect(nobleVerify(key, data, sig), `noble vs fast on ${input}`).toBe(fastSays);
  expect(nodeVerify(key, data, sig), `node:crypto vs fast on ${input}`).toBe(fastSays);
  return fastSays;
}

const SPECIAL_SCALARS = [0n, 1n, 2n, N - 2n, N - 1n, N, N + 1n, P - 1n, P, 2n ** 256n - 1n, 2n ** 255n, (N - 1n) / 2n, (N + 1n) / 2n];

type Mutation =
  | { kind: 'flip-message' | 'flip-signature' | 'flip-key'; at: number }
  | { kind: 'r' | 's'; value: bigint }
  | { kind: 'swap-r-s' }
  | { kind: 'other-key'; key: TestKey }
  | { kind: 'compressed-key' }
  | { kind: 'truncate' | 'extend' };

const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('flip-message' as const, 'flip-signature' as const, 'flip-key' as const), at: fc.nat() }),
  fc.record({ kind: fc.constantFrom('r' as const, 's' as const), value: fc.oneof(fc.constantFrom(...SPECIAL_SCALARS), fc.bigInt({ min: 0n, max: 2n ** 256n - 1n })) }),
  fc.constant({ kind: 'swap-r-s' as const }),
  fc.record({ kind: fc.constant('other-key' as const), key: arbKey }),
  fc.constant({ kind: 'compressed-key' as const }),
  fc.constantFrom({ kind: 'truncate' as const }, { kind: 'extend' as const }),
);

function mutate(key: TestKey, data: Uint8Array, sig: Uint8Array, m: Mutation): { key: Uint8Array; data: Uint8Array; sig: Uint8Array } {
  const flip = (b: Uint8Array, at: number): Uint8Array => {
    if (b.length === 0) return Uint8Array.of(1);
    const out = Uint8Array.from(b);
    out[Math.floor(at / 8) % b.length] ^= 1 << (at % 8);
    return out;
  };
  const r = sig.subarray(0, 32);
  const s = sig.subarray(32);
  switch (m.kind) {
    case 'flip-message': return { key: key.publicKey, data: flip(data, m.at), sig };
    case 'flip-signature': return { key: key.publicKey, data, sig: flip(sig, m.at) };
    case 'flip-key': return { key: flip(key.publicKey, m.at + 8), data, sig };
    case 'r': return { key: key.publicKey, data, sig: Uint8Array.from([...be32(m.value), ...s]) };
    case 's': return { key: key.publicKey, data, sig: Uint8Array.from([...r, ...be32(m.value)]) };
    case 'swap-r-s': return { key: key.publicKey, data, sig: Uint8Array.from([...s, ...r]) };
    case 'other-key': return { key: m.key.publicKey, data, sig };
    case 'compressed-key': return { key: key.compressed, data, sig };
    case 'truncate': return { key: key.publicKey, data, sig: sig.subarray(0, 63) };
    case 'extend': return { key: key.publicKey, data, sig: Uint8Array.from([...sig, 0]) };
  }
}

describe('fast ES256 verifier: random differential against @noble/curves and node:crypto', () => {
  it('verifies signatures made by @noble/curves, and their high-S twins, as both references do', () => {
    fc.assert(
      fc.property(arbKey, arbMessage, arbBytes32, (key, message, entropy) => {
        const sig = p256.sign(message, key.secret, { prehash: true, format: 'compact', extraEntropy: entropy });
        expect(agree(key.publicKey, message, sig)).toBe(true);
        expect(agree(key.publicKey, message, highS(sig))).toBe(true);
      }),
      params(150),
    );
  });

  it('verifies signatures made by node:crypto as both references do', () => {
    fc.assert(
      fc.property(arbKey, arbMessage, (key, message) => {
        const sig = new Uint8Array(nodeSign('sha256', message, { key: key.nodeKey, dsaEncoding: 'ieee-p1363' }));
        expect(agree(key.publicKey, message, sig)).toBe(true);
      }),
      params(150),
    );
  });

  it('gives the same answer as both references on mutated signatures, messages and keys', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(arbKey, arbMessage, arbBytes32, arbMutation, (key, message, entropy, mutation) => {
        const sig = p256.sign(message, key.secret, { prehash: true, format: 'compact', extraEntropy: entropy });
        const m = mutate(key, message, sig, mutation);
        if (agree(m.key, m.data, m.sig)) accepted++;
        else rejected++;
      }),
      params(400),
    );
    // A few mutations keep a signature valid (the compressed form of the key, r or s set to its own value); most break it.
    expect(rejected).toBeGreaterThan(accepted);
    expect(accepted).toBeGreaterThan(0);
  });

  it('agrees with @noble/curves on random digests and random r, s (digest level)', () => {
    fc.assert(
      fc.property(arbKey, arbBytes32, fc.oneof(fc.constantFrom(...SPECIAL_SCALARS), fc.bigInt({ min: 0n, max: 2n ** 256n - 1n })), fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), (key, digest, r, s) => {
        const sig = signatureOf(r, s);
        expect(verifyDigest(BASE, key.table, digest, sig)).toBe(nobleVerifyDigest(key.publicKey, digest, sig));
      }),
      params(300),
    );
  });

  it('accepts digest-level signatures from @noble/curves for any digest, including e >= n and e = 0', () => {
    const arbDigest = fc.oneof(arbBytes32, fc.constantFrom(be32(0n), be32(N), be32(N + 1n), be32(2n ** 256n - 1n), be32(N - 1n)));
    fc.assert(
      fc.property(arbKey, arbDigest, arbBytes32, (key, digest, entropy) => {
        const sig = p256.sign(digest, key.secret, { prehash: false, format: 'compact', extraEntropy: entropy });
        expect(verifyDigest(BASE, key.table, digest, sig)).toBe(true);
        expect(verifyDigest(BASE, key.table, digest, highS(sig))).toBe(true);
        const other = KEYS[(KEYS.indexOf(key) + 1) % KEYS.length];
        expect(verifyDigest(BASE, other.table, digest, sig)).toBe(false);
      }),
      params(200),
    );
  });

  it('agrees with node:crypto on thousands more signed and corrupted messages', () => {
    fc.assert(
      fc.property(arbKey, arbMessage, fc.nat(), fc.boolean(), (key, message, at, corrupt) => {
        const sig = new Uint8Array(nodeSign('sha256', message, { key: key.nodeKey, dsaEncoding: 'ieee-p1363' }));
        if (corrupt) sig[at % 64] ^= 1 << (at % 8);
        const expected = nodeVerify(key.publicKey, message, sig);
        expect(expected).toBe(!corrupt);
        expect(fast.verify(ES256, key.publicKey, message, sig)).toBe(expected);
      }),
      params(2000),
    );
  });
});
