import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import {
  CoseAlg, ErrorCode, bytesToHex, es256SecretKeyFromSeed, hexToBytes, kidOf, nobleSigner, nobleVerifier, p256PublicKey,
  sec1ToJwk, utf8ToBytes,
} from '../../protocol/index.js';
import { busIssuer, testBytes, errorCode } from './fixtures.js';


describe('public keys', () => {
  it('accept SEC1 uncompressed, SEC1 compressed and JWK forms of the same key', () => {
    const sec1 = busIssuer.publicKey;
    const compressed = p256.Point.fromBytes(sec1).toBytes(true);
    expect(p256PublicKey(compressed)).toEqual(sec1);
    expect(p256PublicKey(sec1ToJwk(sec1))).toEqual(sec1);
    expect(kidOf(compressed)).toEqual(kidOf(sec1));
  });

  it('reject points not on the curve, wrong lengths and foreign JWKs with BAD_KEY', () => {
    const off = busIssuer.publicKey.slice();
    off[64] ^= 1;
    expect(errorCode(() => p256PublicKey(off))).toBe(ErrorCode.BAD_KEY);
    expect(errorCode(() => p256PublicKey(new Uint8Array(10)))).toBe(ErrorCode.BAD_KEY);
    expect(errorCode(() => p256PublicKey({ kty: 'EC', crv: 'P-384' as 'P-256', x: 'AA', y: 'AA' }))).toBe(ErrorCode.BAD_KEY);
    expect(errorCode(() => p256PublicKey({ kty: 'EC', crv: 'P-256', x: '!!', y: 'AA' }))).toBe(ErrorCode.BAD_KEY);
  });

  it('kid is the first 8 bytes of SHA-256 of the SEC1 uncompressed key (the generator point as a published input)', () => {
    // G in SEC1 uncompressed form; SHA-256 of these 65 bytes computed independently with `openssl dgst -sha256`.
    const g = hexToBytes('046b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c2964fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5');
    // SHA-256(G) = 698bea63dc44a344663ff1429aea10842df27b6b991ef25866b2c6c02cdcc5be
    expect(bytesToHex(kidOf(g))).toBe('698bea63dc44a344');
  });
});

describe('ES256 reference implementation', () => {
  const data = utf8ToBytes('Signature1 test');

  it('verifies its own signatures and rejects other data, keys and lengths', () => {
    const sig = busIssuer.sign(data);
    expect(sig.length).toBe(64);
    expect(nobleVerifier.verify(CoseAlg.ES256, busIssuer.publicKey, data, sig)).toBe(true);
    expect(nobleVerifier.verify(CoseAlg.ES256, busIssuer.publicKey, utf8ToBytes('other'), sig)).toBe(false);
    expect(nobleVerifier.verify(CoseAlg.ES256, nobleSigner(testBytes('k', 32)).publicKey, data, sig)).toBe(false);
    expect(nobleVerifier.verify(CoseAlg.ES256, busIssuer.publicKey, data, sig.subarray(0, 63))).toBe(false);
    expect(nobleVerifier.verify(-35 as CoseAlg, busIssuer.publicKey, data, sig)).toBe(false);
  });

  it('accepts high-S signatures, as COSE requires', () => {
    const sig = p256.Signature.fromBytes(busIssuer.sign(data), 'compact');
    const high = new p256.Signature(sig.r, p256.Point.CURVE().n - sig.s).toBytes('compact');
    expect(nobleVerifier.verify(CoseAlg.ES256, busIssuer.publicKey, data, high)).toBe(true);
  });

  it('returns false rather than throwing for garbage keys and signatures', () => {
    expect(nobleVerifier.verify(CoseAlg.ES256, new Uint8Array(65), data, new Uint8Array(64))).toBe(false);
    expect(nobleVerifier.verify(CoseAlg.ES256, busIssuer.publicKey, data, new Uint8Array(64).fill(0xff))).toBe(false);
  });

  it('makes keys only from enough injected entropy', () => {
    expect(errorCode(() => es256SecretKeyFromSeed(new Uint8Array(16)))).toBe(ErrorCode.INVALID_ARGUMENT);
    const a = es256SecretKeyFromSeed(new Uint8Array(48).fill(7));
    expect(p256.utils.isValidSecretKey(a)).toBe(true);
    expect(a).not.toEqual(es256SecretKeyFromSeed(new Uint8Array(48).fill(8)));
    expect(errorCode(() => nobleSigner(new Uint8Array(32)))).toBe(ErrorCode.INVALID_ARGUMENT);
  });
});
