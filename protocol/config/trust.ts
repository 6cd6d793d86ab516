/**
 * Trust list: the issuer keys a validator accepts tickets from. Several
 * issuers coexist (the operator's own, partner rail, waterway and tourism
 * issuers for interconnected journeys); each is limited to the modes and
 * operators it may issue for and to its own validity period.
 */
import { bytesToHex } from '../bytes.js';
import { intMap } from '../cbor.js';
import { CoseAlg, isKnownAlg } from '../crypto/algorithms.js';
import { KID_LENGTH, kidOf, p256PublicKey } from '../crypto/keys.js';
import type { Signer } from '../crypto/verifier.js';
import { ErrorCode, ProtocolError, asSignerCheck } from '../errors.js';
import { Fields, asArray, asText, asUint } from '../fields.js';
import { ISSUER_MODES, type IssuerMode } from '../ticket/codes.js';
import { DocumentType, openDocument, signDocument, type DocumentHeader, type OpenOptions } from './document.js';

export const IssuerKey = Object.freeze({ KID: 1, PUBLIC_KEY: 2, NAME: 3, MODES: 4, OPERATORS: 5, NBF: 6, EXP: 7, ALG: 8 } as const);

export interface TrustedIssuer {
  readonly kid: Uint8Array;
  /** SEC1 uncompressed. */
  readonly publicKey: Uint8Array;
  readonly name: string;
  readonly modes: readonly IssuerMode[];
  /** Operator codes this issuer may sell tickets for. */
  readonly operators: readonly string[];
  readonly nbf: number;
  readonly exp: number;
  readonly alg: CoseAlg;
}

export interface TrustList extends Omit<DocumentHeader, 'type'> {
  /** Issuers by lower-case hex kid. */
  readonly issuers: ReadonlyMap<string, TrustedIssuer>;
}

export type IssuerInput = Omit<TrustedIssuer, 'kid' | 'alg'> & { alg?: CoseAlg };

export function findIssuer(trust: TrustList, kid: Uint8Array): TrustedIssuer | undefined {
  return trust.issuers.get(bytesToHex(kid));
}

function readIssuer(value: unknown, i: number): TrustedIssuer {
  const f = new Fields(value, `issuer[${i}]`);
  const kid = f.bytes(IssuerKey.KID, 'kid', KID_LENGTH);
  let publicKey: Uint8Array;
  try {
    publicKey = p256PublicKey(f.bytes(IssuerKey.PUBLIC_KEY, 'publicKey'));
  } catch (e) {
    throw new ProtocolError(ErrorCode.MALFORMED, `issuer[${i}]: ${(e as Error).message}`);
  }
  if (bytesToHex(kidOf(publicKey)) !== bytesToHex(kid)) throw new ProtocolError(ErrorCode.MALFORMED, `issuer[${i}]: kid does not match the public key`);
  const alg = f.has(IssuerKey.ALG) ? f.raw(IssuerKey.ALG) : CoseAlg.ES256;
  if (!isKnownAlg(alg)) throw new ProtocolError(ErrorCode.MALFORMED, `issuer[${i}]: unsupported alg ${String(alg)}`);
  const modes = f.array(IssuerKey.MODES, 'modes').map((m, j) => {
    const mode = asUint(m, `issuer[${i}].modes[${j}]`);
    if (!ISSUER_MODES.includes(mode as IssuerMode)) throw new ProtocolError(ErrorCode.MALFORMED, `issuer[${i}]: unknown mode ${mode}`);
    return mode as IssuerMode;
  });
  const operators = f.array(IssuerKey.OPERATORS, 'operators').map((o, j) => asText(o, `issuer[${i}].operators[${j}]`, 32));
  return Object.freeze({
    kid,
    publicKey,
    name: f.text(IssuerKey.NAME, 'name', 64),
    modes: Object.freeze(modes),
    operators: Object.freeze(operators),
    nbf: f.uint(IssuerKey.NBF, 'nbf'),
    exp: f.uint(IssuerKey.EXP, 'exp'),
    alg,
  });
}

/** Verifies and parses a signed trust list. */
export function openTrustList(bytes: Uint8Array, options: OpenOptions): TrustList {
  const doc = openDocument(bytes, DocumentType.TRUST, options);
  return Object.freeze({ version: doc.version, issuedAt: doc.issuedAt, operator: doc.operator, issuers: readIssuers(doc.body) });
}

function readIssuers(body: unknown): Map<string, TrustedIssuer> {
  const issuers = new Map<string, TrustedIssuer>();
  asArray(body, 'trust list body').forEach((entry, i) => {
    const issuer = readIssuer(entry, i);
    const kid = bytesToHex(issuer.kid);
    if (issuers.has(kid)) throw new ProtocolError(ErrorCode.MALFORMED, `issuer[${i}]: duplicate kid ${kid}`);
    issuers.set(kid, issuer);
  });
  return issuers;
}

export function signTrustList(header: Omit<DocumentHeader, 'type'>, issuers: readonly IssuerInput[], rootSigner: Signer): Uint8Array {
  const body = issuers.map((issuer) => {
    const publicKey = p256PublicKey(issuer.publicKey);
    return intMap([
      [IssuerKey.KID, kidOf(publicKey)],
      [IssuerKey.PUBLIC_KEY, publicKey],
      [IssuerKey.NAME, issuer.name],
      [IssuerKey.MODES, [...issuer.modes]],
      [IssuerKey.OPERATORS, [...issuer.operators]],
      [IssuerKey.NBF, issuer.nbf],
      [IssuerKey.EXP, issuer.exp],
      [IssuerKey.ALG, issuer.alg === undefined || issuer.alg === CoseAlg.ES256 ? undefined : issuer.alg],
    ]);
  });
  asSignerCheck(() => readIssuers(body));
  return signDocument({ ...header, type: DocumentType.TRUST }, body, rootSigner);
}
