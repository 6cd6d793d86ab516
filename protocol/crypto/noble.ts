/**
 * Reference ES256 implementation on @noble/curves. Correct everywhere, slow on
 * XS; fast paths are measured against it.
 */
import { p256 } from '@noble/curves/nist.js';
import { CoseAlg } from './algorithms.js';
import type { Signer, Verifier } from './verifier.js';
import { ErrorCode, ProtocolError } from '../errors.js';

export const nobleVerifier: Verifier = Object.freeze({
  verify(alg: CoseAlg, publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
    if (alg !== CoseAlg.ES256 || signature.length !== 64) return false;
    try {
      // lowS: false because COSE accepts both halves of the signature space.
      return p256.verify(signature, data, publicKey, { prehash: true, lowS: false, format: 'compact' });
    } catch {
      return false;
    }
  },
});

/** An ES256 signer over a 32-byte secret key (deterministic RFC 6979 nonces). */
export function nobleSigner(secretKey: Uint8Array): Signer {
  if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32 || !p256.utils.isValidSecretKey(secretKey)) {
    throw new ProtocolError(ErrorCode.INVALID_ARGUMENT, 'ES256 secret key must be 32 bytes in [1, n-1]');
  }
  const key = secretKey.slice();
  const publicKey = p256.getPublicKey(key, false);
  return Object.freeze({
    alg: CoseAlg.ES256,
    publicKey,
    sign(data: Uint8Array): Uint8Array {
      return p256.sign(data, key, { prehash: true, format: 'compact' });
    },
  });
}

/**
 * A new ES256 secret key from 48 bytes of caller-supplied entropy (reduced
 * mod n as FIPS 186-5 A.2.1 does). Randomness is injected: protocol code
 * never reaches for a global random source.
 */
export function es256SecretKeyFromSeed(seed: Uint8Array): Uint8Array {
  if (!(seed instanceof Uint8Array) || seed.length < 48) {
    throw new ProtocolError(ErrorCode.INVALID_ARGUMENT, 'key seed must be at least 48 random bytes');
  }
  return p256.utils.randomSecretKey(seed);
}
