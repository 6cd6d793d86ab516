/**
 * The signature seam. Firmware and protocol code never pick a crypto library:
 * they are handed a Verifier (Moddable's native ECDSA on the device, a fast
 * pure-JS one on host XS, @noble/curves as the reference, node:crypto in the
 * back office) and, where they issue, a Signer.
 */
import type { CoseAlg } from './algorithms.js';

export interface Verifier {
  /**
   * True when `signature` (raw r||s) is a valid signature of `data` (the
   * message itself, not its hash) under `publicKey` (SEC1 uncompressed, 65
   * bytes). High-S signatures are valid: COSE does not require low-S.
   * Returns false, never throws, for any bad signature or unsupported alg.
   */
  verify(alg: CoseAlg, publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean;
}

export interface Signer {
  readonly alg: CoseAlg;
  /** SEC1 uncompressed public key of the signing key. */
  readonly publicKey: Uint8Array;
  /** Raw r||s signature over `data`. */
  sign(data: Uint8Array): Uint8Array;
}
