/**
 * Signature algorithms, by their COSE identifiers (IANA "COSE Algorithms").
 * ES256 is required everywhere. An SM2 suite may be added under its own id;
 * until then a ticket naming any other algorithm is rejected before any
 * cryptography runs.
 */
export const CoseAlg = Object.freeze({
  /** ECDSA over P-256 with SHA-256; signature is r||s, 32 bytes each. */
  ES256: -7,
} as const);

export type CoseAlg = (typeof CoseAlg)[keyof typeof CoseAlg];

/** Signature length in bytes for each algorithm: anything else is not COSE. */
export const SIGNATURE_LENGTH: Readonly<Record<number, number>> = Object.freeze({ [CoseAlg.ES256]: 64 });

export function isKnownAlg(alg: unknown): alg is CoseAlg {
  return typeof alg === 'number' && SIGNATURE_LENGTH[alg] !== undefined;
}
