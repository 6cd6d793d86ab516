/**
 * COSE_Sign1 (RFC 9052 §4.2) with ES256.
 *
 * Decoding is strict about structure and lenient about legitimate encoding
 * choices, so that any conforming implementation interoperates:
 *  - tag 18, no tag, or CWT tag 61 wrapping tag 18 (RFC 8392 §6); other tags rejected;
 *  - protected header as a zero-length byte string or an encoded map;
 *  - alg and kid in the protected or the unprotected header (never both);
 *  - the signature must be exactly the algorithm's raw length (DER is not COSE);
 *  - nothing may follow the message.
 * The Sig_structure is built from the protected header bytes exactly as they
 * were received, never re-encoded (an empty map is signed as h'').
 */
import { Tag, decodeCbor, encodeCbor, intMap } from '../cbor.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import { asArray, asBytes, asMap } from '../fields.js';
import { CoseAlg, SIGNATURE_LENGTH, isKnownAlg } from '../crypto/algorithms.js';
import type { Signer, Verifier } from '../crypto/verifier.js';
import { p256PublicKey, type EcJwk } from '../crypto/keys.js';
import { nobleVerifier } from '../crypto/noble.js';

export const COSE_SIGN1_TAG = 18;
export const CWT_TAG = 61;

/** Common header labels (RFC 9052 §3.1). */
export const HeaderLabel = Object.freeze({ ALG: 1, CRIT: 2, CONTENT_TYPE: 3, KID: 4 } as const);

export interface Sign1 {
  /** The protected header bucket exactly as received (may be empty). */
  readonly protectedBytes: Uint8Array;
  readonly protectedHeader: ReadonlyMap<unknown, unknown>;
  readonly unprotectedHeader: ReadonlyMap<unknown, unknown>;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
  readonly alg: CoseAlg;
  readonly kid: Uint8Array | undefined;
}

function malformed(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.MALFORMED, `COSE_Sign1: ${message}`);
}

function untag(item: unknown): unknown {
  if (!(item instanceof Tag)) return item;
  if (item.tag === COSE_SIGN1_TAG) return item.value;
  if (item.tag === CWT_TAG) {
    const inner = item.value;
    if (inner instanceof Tag && inner.tag === COSE_SIGN1_TAG) return inner.value;
    throw malformed('CWT tag 61 must wrap a tag-18 COSE_Sign1');
  }
  throw malformed(`unexpected CBOR tag ${String(item.tag)}`);
}

/** Parses a COSE_Sign1 message. Does not verify the signature. */
export function decodeSign1(bytes: Uint8Array): Sign1 {
  const parts = asArray(untag(decodeCbor(bytes, { coseTags: true })), 'COSE_Sign1');
  if (parts.length !== 4) throw malformed('must be an array of 4 items');
  const protectedBytes = asBytes(parts[0], 'protected header');
  const protectedHeader = protectedBytes.length === 0 ? new Map<unknown, unknown>() : asMap(decodeCbor(protectedBytes), 'protected header');
  const unprotectedHeader = asMap(parts[1], 'unprotected header');
  // A nil payload means a detached payload, which tickets never use.
  const payload = asBytes(parts[2], 'payload');
  const signature = asBytes(parts[3], 'signature');

  for (const label of protectedHeader.keys()) {
    if (unprotectedHeader.has(label)) throw malformed(`header label ${String(label)} appears in both buckets`);
  }
  if (protectedHeader.has(HeaderLabel.CRIT)) {
    // We understand no critical extensions: RFC 9052 §3.1 requires rejecting them.
    throw new ProtocolError(ErrorCode.UNSUPPORTED_ALGORITHM, 'COSE_Sign1: critical header parameters are not supported');
  }
  // alg SHOULD be protected (RFC 9052 §3.1) but may be unprotected, as it must be
  // with an empty protected header. Substitution is harmless here: the trust list
  // binds each key to one algorithm and the verifier checks that binding.
  const alg = protectedHeader.has(HeaderLabel.ALG) ? protectedHeader.get(HeaderLabel.ALG) : unprotectedHeader.get(HeaderLabel.ALG);
  if (alg === undefined) throw new ProtocolError(ErrorCode.UNSUPPORTED_ALGORITHM, 'COSE_Sign1: no alg');
  if (!isKnownAlg(alg)) throw new ProtocolError(ErrorCode.UNSUPPORTED_ALGORITHM, `COSE_Sign1: algorithm ${String(alg)} is not supported`);
  if (signature.length !== SIGNATURE_LENGTH[alg]) throw malformed(`signature must be ${SIGNATURE_LENGTH[alg]} bytes for alg ${alg}`);

  const kidValue = protectedHeader.has(HeaderLabel.KID) ? protectedHeader.get(HeaderLabel.KID) : unprotectedHeader.get(HeaderLabel.KID);
  const kid = kidValue === undefined ? undefined : asBytes(kidValue, 'kid');
  return Object.freeze({ protectedBytes, protectedHeader, unprotectedHeader, payload, signature, alg, kid });
}

/**
 * The bytes a received message's signature covers. RFC 9052 §4.4: "If there
 * are no protected attributes, a zero-length byte string is used", so an
 * empty map sent as h'a0' is signed as h'' (as the COSE WG examples do).
 */
export function toBeSigned(msg: Sign1, externalAad?: Uint8Array): Uint8Array {
  const body = msg.protectedHeader.size === 0 ? new Uint8Array(0) : msg.protectedBytes;
  return sigStructure(body, msg.payload, externalAad);
}

/** Sig_structure = ["Signature1", body_protected, external_aad, payload] (RFC 9052 §4.4). */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array, externalAad: Uint8Array = new Uint8Array(0)): Uint8Array {
  return encodeCbor(['Signature1', protectedBytes, externalAad, payload]);
}

export interface VerifyOptions {
  verifier?: Verifier;
  /** Algorithms the caller is configured for; default ES256 only. */
  algorithms?: readonly CoseAlg[];
  externalAad?: Uint8Array;
}

/** Checks a parsed message's signature under a SEC1 public key; throws BAD_SIGNATURE or UNSUPPORTED_ALGORITHM. */
export function verifySign1(msg: Sign1, publicKey: Uint8Array, options: VerifyOptions = {}): void {
  const algorithms = options.algorithms ?? [CoseAlg.ES256];
  if (!algorithms.includes(msg.alg)) throw new ProtocolError(ErrorCode.UNSUPPORTED_ALGORITHM, `COSE_Sign1: algorithm ${msg.alg} is not allowed here`);
  const verifier = options.verifier ?? nobleVerifier;
  if (!verifier.verify(msg.alg, publicKey, toBeSigned(msg, options.externalAad), msg.signature)) throw new ProtocolError(ErrorCode.BAD_SIGNATURE, 'COSE_Sign1: signature does not verify');
}

/**
 * Verifies any COSE_Sign1 (ours or a third party's) under one public key,
 * given as SEC1 bytes or a P-256 JWK. Returns the payload; throws ProtocolError.
 */
export function verifyCoseSign1(bytes: Uint8Array, key: Uint8Array | EcJwk, options: VerifyOptions = {}): Uint8Array {
  const publicKey = p256PublicKey(key);
  const msg = decodeSign1(bytes);
  verifySign1(msg, publicKey, options);
  return msg.payload;
}

export interface SignOptions {
  kid?: Uint8Array;
  /** Wrap in tag 18 (default true). */
  tagged?: boolean;
  /** Put the kid in the unprotected header instead (default: protected). */
  kidUnprotected?: boolean;
  externalAad?: Uint8Array;
}

/** Produces a COSE_Sign1 over `payload` with alg and kid in the protected header. */
export function signSign1(payload: Uint8Array, signer: Signer, options: SignOptions = {}): Uint8Array {
  const kid = options.kid;
  const protectedMap = intMap([
    [HeaderLabel.ALG, signer.alg],
    [HeaderLabel.KID, options.kidUnprotected ? undefined : kid],
  ]);
  const unprotectedMap = intMap([[HeaderLabel.KID, options.kidUnprotected ? kid : undefined]]);
  const protectedBytes = encodeCbor(protectedMap);
  const signature = signer.sign(sigStructure(protectedBytes, payload, options.externalAad));
  const body = [protectedBytes, unprotectedMap, payload, signature];
  return encodeCbor(options.tagged === false ? body : new Tag(body, COSE_SIGN1_TAG));
}
