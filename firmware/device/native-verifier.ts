/**
 * ES256 verification on the device with the Moddable SDK's native crypto
 * (modules/crypt), behind protocol's Verifier seam.
 *
 * What runs natively, in C: SHA-256 (`crypt` Digest), the inverse of s
 * modulo n (`modular`), and the joint multiplication u1·G + u2·Q with
 * Shamir's trick in Jacobian coordinates and Montgomery arithmetic
 * (`ec` mul2, xsBigIntEx.c), followed by one field inversion to affine x.
 * What stays in JS is cheap and is where Moddable's own ECDSA class
 * (crypt/etc/ecdsa.js) is too trusting for tickets from strangers:
 *
 * - r and s must be in [1, n-1] (ecdsa.js does not check);
 * - the public key must be an uncompressed point on P-256 (the native code
 *   would happily multiply a point off the curve); checked once per key and
 *   remembered;
 * - a result at infinity is a failure, and the comparison is x(R) mod n = r
 *   (ecdsa.js compares x(R) with r unreduced).
 *
 * Both halves of the signature space verify (no low-S rule), as COSE wants.
 * Any bad input gives false, never an exception.
 */
import { bytesToHex } from '../../protocol/bytes.js';
import { CoseAlg } from '../../protocol/crypto/algorithms.js';
import { B, GX, GY, N, P, isOnCurve } from '../../protocol/crypto/p256/curve.js';
import { bytesToBigInt } from '../../protocol/crypto/p256/sec1.js';
import type { Verifier } from '../../protocol/crypto/verifier.js';

/** A point as Moddable's `ecp` module holds it (ECPoint). */
export interface NativePoint {
  readonly X: bigint;
  isZero(): boolean;
}

/** The native classes the verifier is built from; on the device, the SDK modules of those names. */
export interface NativeCrypto {
  /** `ec`: curve arithmetic over y² = x³ + ax + b mod m. */
  readonly EC: new (a: bigint, b: bigint, m: bigint) => { mul2(p1: NativePoint, k1: bigint, p2: NativePoint, k2: bigint): NativePoint };
  /** `ecp`: an affine point. */
  readonly ECPoint: new (x: bigint, y: bigint) => NativePoint;
  /** `modular`: arithmetic modulo m; mulinv is native. */
  readonly Modular: new (m: bigint) => { mulinv(a: bigint): bigint };
  /** `crypt` Digest. */
  readonly Digest: new (type: 'SHA256') => { write(data: ArrayBuffer | ArrayBufferView): void; close(): ArrayBuffer };
}

/** P-256's a, which the native curve takes explicitly (protocol's curve.ts has the rest). */
const A = P - 3n;

/** Keys remembered as validated points; a trust list holds a handful of issuers. */
const KEY_CACHE_SIZE = 32;

function toBigInt(bytes: Uint8Array): bigint {
  return bytesToBigInt(bytes, 0, bytes.length);
}

/** True when (x, y) satisfies the P-256 equation with both coordinates reduced. */
export function onP256(x: bigint, y: bigint): boolean {
  return x >= 0n && x < P && y >= 0n && y < P && isOnCurve(x, y);
}

/** An ES256 Verifier over the native classes. */
export function nativeVerifier(native: NativeCrypto): Verifier {
  const { EC, ECPoint, Modular, Digest } = native;
  const curve = new EC(A, B, P);
  const G = new ECPoint(GX, GY);
  const order = new Modular(N);
  const keys = new Map<string, NativePoint | null>();

  function point(publicKey: Uint8Array): NativePoint | null {
    const id = bytesToHex(publicKey);
    const known = keys.get(id);
    if (known !== undefined) return known;
    const x = toBigInt(publicKey.subarray(1, 33));
    const y = toBigInt(publicKey.subarray(33, 65));
    const Q = onP256(x, y) ? new ECPoint(x, y) : null;
    if (keys.size >= KEY_CACHE_SIZE) keys.clear();
    keys.set(id, Q);
    return Q;
  }

  function sha256(data: Uint8Array): bigint {
    const digest = new Digest('SHA256');
    digest.write(data);
    return toBigInt(new Uint8Array(digest.close()));
  }

  return Object.freeze({
    verify(alg: CoseAlg, publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
      try {
        if (alg !== CoseAlg.ES256) return false;
        if (!(publicKey instanceof Uint8Array) || !(data instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false;
        if (signature.length !== 64 || publicKey.length !== 65 || publicKey[0] !== 0x04) return false;
        const r = toBigInt(signature.subarray(0, 32));
        const s = toBigInt(signature.subarray(32, 64));
        if (r < 1n || r >= N || s < 1n || s >= N) return false;
        const Q = point(publicKey);
        if (!Q) return false;
        const e = sha256(data) % N;
        const w = order.mulinv(s);
        const R = curve.mul2(G, (e * w) % N, Q, (r * w) % N);
        if (R.isZero()) return false;
        return R.X % N === r;
      } catch {
        return false;
      }
    },
  });
}
