/**
 * Signed, versioned configuration documents (trust list, deny list, trips).
 * Each is a COSE_Sign1 by the operator's root key over a CBOR map:
 *   {1: type, 2: version, 3: issuedAt, 4: operator, 5: body}
 * The type is inside the signed payload, so a deny list can never be passed
 * off as a trust list. Versions only go up: a receiver keeps the last good
 * copy and refuses anything older (anti-rollback).
 */
import { bytesToHex } from '../bytes.js';
import { encodeCbor, intMap, decodeCbor } from '../cbor.js';
import { decodeSign1, signSign1, verifySign1, type VerifyOptions } from '../cose/sign1.js';
import { kidOf, p256PublicKey } from '../crypto/keys.js';
import type { Signer } from '../crypto/verifier.js';
import { ErrorCode, ProtocolError, asSignerCheck } from '../errors.js';
import { Fields } from '../fields.js';

export const DocumentType = Object.freeze({
  TRUST: 'trust',
  DENY: 'deny',
  DENY_DELTA: 'deny-delta',
  TRIPS: 'trips',
} as const);
export type DocumentType = (typeof DocumentType)[keyof typeof DocumentType];

export const DocKey = Object.freeze({ TYPE: 1, VERSION: 2, ISSUED_AT: 3, OPERATOR: 4, BODY: 5 } as const);

export interface DocumentHeader {
  readonly type: DocumentType;
  /** Monotonic, starting at 1. */
  readonly version: number;
  /** Seconds since the epoch. */
  readonly issuedAt: number;
  readonly operator: string;
}

export interface OpenedDocument extends DocumentHeader {
  readonly body: unknown;
}

export function signDocument(header: DocumentHeader, body: unknown, rootSigner: Signer): Uint8Array {
  const payload = encodeCbor(
    intMap([
      [DocKey.TYPE, header.type],
      [DocKey.VERSION, header.version],
      [DocKey.ISSUED_AT, header.issuedAt],
      [DocKey.OPERATOR, header.operator],
      [DocKey.BODY, body],
    ]),
  );
  asSignerCheck(() => readPayload(payload, header.type));
  return signSign1(payload, rootSigner, { kid: kidOf(rootSigner.publicKey) });
}

export interface OpenOptions extends VerifyOptions {
  /** Operator root public keys (SEC1) the receiver trusts for configuration. */
  rootKeys: readonly Uint8Array[];
}

/** Verifies a signed document of the expected type; throws ProtocolError. */
export function openDocument(bytes: Uint8Array, type: DocumentType, options: OpenOptions): OpenedDocument {
  const msg = decodeSign1(bytes);
  if (!msg.kid) throw new ProtocolError(ErrorCode.UNKNOWN_KEY, 'document has no kid');
  const kid = bytesToHex(msg.kid);
  const root = options.rootKeys.map((k) => p256PublicKey(k)).find((k) => bytesToHex(kidOf(k)) === kid);
  if (!root) throw new ProtocolError(ErrorCode.UNKNOWN_KEY, `document signed by unknown key ${kid}`);
  verifySign1(msg, root, options);
  return readPayload(msg.payload, type);
}

/** The receiver's reading of a document payload, shared with the signer's check. */
function readPayload(payload: Uint8Array, type: DocumentType): OpenedDocument {
  const f = new Fields(decodeCbor(payload), 'document');
  const actual = f.text(DocKey.TYPE, 'type', 32);
  if (actual !== type) throw new ProtocolError(ErrorCode.WRONG_DOCUMENT, `expected a ${type} document, got ${actual}`);
  const version = f.uint(DocKey.VERSION, 'version');
  if (version < 1) throw new ProtocolError(ErrorCode.MALFORMED, 'document version must be at least 1');
  if (!f.has(DocKey.BODY)) throw new ProtocolError(ErrorCode.MALFORMED, 'document body is missing');
  return {
    type,
    version,
    issuedAt: f.uint(DocKey.ISSUED_AT, 'issuedAt'),
    operator: f.text(DocKey.OPERATOR, 'operator', 32),
    body: f.raw(DocKey.BODY),
  };
}

/**
 * Anti-rollback: true when `incoming` should replace `held`, false when it is
 * the same version again (a retained message redelivered), ROLLBACK when older.
 */
export function isNewerVersion(incoming: number, held: number | undefined): boolean {
  if (held === undefined || incoming > held) return true;
  if (incoming === held) return false;
  throw new ProtocolError(ErrorCode.ROLLBACK, `version ${incoming} is older than the held version ${held}`);
}
