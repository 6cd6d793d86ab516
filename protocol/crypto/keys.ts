/**
 * Public keys and key ids. Keys travel as SEC1 uncompressed points (65 bytes,
 * 0x04 || x || y); compressed points and JWKs are accepted on input and
 * normalised. kid = first 8 bytes of SHA-256 over the uncompressed point.
 */
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { base64urlnopad } from '@scure/base';
import { ErrorCode, ProtocolError } from '../errors.js';

export const KID_LENGTH = 8;

export interface EcJwk {
  kty: 'EC';
  crv: 'P-256';
  x: string;
  y: string;
  [extra: string]: unknown;
}

function badKey(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.BAD_KEY, message);
}

/** A validated SEC1 uncompressed P-256 point from SEC1 bytes (either form) or a JWK. */
export function p256PublicKey(key: Uint8Array | EcJwk): Uint8Array {
  const sec1 = key instanceof Uint8Array ? key : jwkToSec1(key);
  try {
    return p256.Point.fromBytes(sec1).toBytes(false);
  } catch {
    throw badKey('not a valid P-256 public key');
  }
}

function jwkToSec1(jwk: EcJwk): Uint8Array {
  if (jwk === null || typeof jwk !== 'object' || jwk.kty !== 'EC' || jwk.crv !== 'P-256') {
    throw badKey('JWK must have kty "EC" and crv "P-256"');
  }
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') throw badKey('JWK must have x and y');
  let x: Uint8Array, y: Uint8Array;
  try {
    x = base64urlnopad.decode(jwk.x);
    y = base64urlnopad.decode(jwk.y);
  } catch {
    throw badKey('JWK x and y must be base64url without padding');
  }
  if (x.length !== 32 || y.length !== 32) throw badKey('JWK x and y must be 32 bytes each');
  const out = new Uint8Array(65);
  out[0] = 4;
  out.set(x, 1);
  out.set(y, 33);
  return out;
}

/** The JWK form of a P-256 public key, for publishing to other COSE implementations. */
export function sec1ToJwk(publicKey: Uint8Array): EcJwk {
  const p = p256PublicKey(publicKey);
  return { kty: 'EC', crv: 'P-256', x: base64urlnopad.encode(p.subarray(1, 33)), y: base64urlnopad.encode(p.subarray(33, 65)) };
}

/** kid: the first 8 bytes of SHA-256 over the SEC1 uncompressed public key. */
export function kidOf(publicKey: Uint8Array): Uint8Array {
  return sha256(p256PublicKey(publicKey)).slice(0, KID_LENGTH);
}
