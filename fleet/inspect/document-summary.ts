/**
 * Readable summaries of signed configuration documents. A document can be
 * read without its root key (to look at a file of unknown origin), in which
 * case the body is parsed here, field by field, to the same shapes the
 * protocol's open* functions return; with the root key, those functions do
 * the reading and the signature check.
 */
import {
  bytesToHex, decodeCbor, DenyList, DocKey, IssuerKey, isProtocolError, kidOf, openDenyDelta, openDenyList, openTripList,
  openTrustList, readTrip, TRANSIT_CLAIM_KEY, type DocumentType, type Sign1, type Trip,
} from '../../protocol/index.js';
// Not re-exported from protocol/index.ts; needed only to read an unverified body.
import { DenyDeltaKey, DenyKey } from '../../protocol/config/deny.js';
import { InputError } from '../errors.js';
import { modeName } from '../input/codes.js';
import { formatInstant } from '../input/time.js';

/** How many deny list entries a summary shows. */
const SHOWN_ENTRIES = 20;

export interface DocumentHead {
  readonly type: string;
  readonly version: number;
  readonly issuedAt: number;
  readonly operator: string;
  readonly body: unknown;
}

/** The header fields of a document payload, or undefined if it is not one (a ticket). */
export function documentHead(message: Sign1): DocumentHead | undefined {
  const payload = decodeCbor(message.payload);
  // Key 1 is a document's type but also a ticket's iss claim: the transit claims are what mark a ticket.
  if (!(payload instanceof Map) || payload.has(TRANSIT_CLAIM_KEY) || typeof payload.get(DocKey.TYPE) !== 'string') return undefined;
  const num = (k: number) => (typeof payload.get(k) === 'number' ? (payload.get(k) as number) : NaN);
  return {
    type: payload.get(DocKey.TYPE) as string,
    version: num(DocKey.VERSION),
    issuedAt: num(DocKey.ISSUED_AT),
    operator: String(payload.get(DocKey.OPERATOR)),
    body: payload.get(DocKey.BODY),
  };
}

function hexOrUndefined(v: unknown): string | undefined {
  return v instanceof Uint8Array ? bytesToHex(v) : undefined;
}

function timeOrRaw(v: unknown): unknown {
  return typeof v === 'number' ? formatInstant(v) : v;
}

function issuerView(m: unknown): Record<string, unknown> {
  if (!(m instanceof Map)) return { error: 'not a CBOR map' };
  const publicKey = m.get(IssuerKey.PUBLIC_KEY);
  let keyMatches: boolean | undefined;
  try {
    keyMatches = publicKey instanceof Uint8Array && bytesToHex(kidOf(publicKey)) === hexOrUndefined(m.get(IssuerKey.KID));
  } catch {
    keyMatches = false;
  }
  const modes = m.get(IssuerKey.MODES);
  return {
    kid: hexOrUndefined(m.get(IssuerKey.KID)),
    name: m.get(IssuerKey.NAME),
    modes: Array.isArray(modes) ? modes.map((x) => (typeof x === 'number' ? modeName(x) : x)) : modes,
    operators: m.get(IssuerKey.OPERATORS),
    nbf: timeOrRaw(m.get(IssuerKey.NBF)),
    exp: timeOrRaw(m.get(IssuerKey.EXP)),
    ...(m.has(IssuerKey.ALG) ? { alg: m.get(IssuerKey.ALG) } : {}),
    ...(keyMatches ? {} : { warning: 'kid does not match the public key' }),
  };
}

function tripView(t: Trip): Record<string, unknown> {
  return { id: t.id, line: t.line, serviceDate: t.serviceDate, departure: formatInstant(t.departure), stops: t.stops, expected: t.expected };
}

function entriesView(entries: Uint8Array): Record<string, unknown> {
  const hashes: string[] = [];
  for (let i = 0; i < entries.length && hashes.length < SHOWN_ENTRIES; i += 8) hashes.push(bytesToHex(entries.subarray(i, i + 8)));
  const count = entries.length / 8;
  return { count, hashes, ...(count > SHOWN_ENTRIES ? { more: count - SHOWN_ENTRIES } : {}) };
}

function bodyMap(body: unknown, what: string): Map<unknown, unknown> {
  if (!(body instanceof Map)) throw new InputError(`${what} body is not a CBOR map`);
  return body;
}

function asBytes(v: unknown, what: string): Uint8Array {
  if (!(v instanceof Uint8Array)) throw new InputError(`${what} is not a byte string`);
  return v;
}

/** The type-specific part of an unverified document. */
function unverifiedBody(head: DocumentHead): Record<string, unknown> {
  const body = head.body;
  switch (head.type as DocumentType) {
    case 'trust':
      if (!Array.isArray(body)) throw new InputError('trust list body is not an array');
      return { issuers: body.map(issuerView) };
    case 'deny':
      return { entries: entriesView(new DenyList(head, asBytes(bodyMap(body, 'deny list').get(DenyKey.ENTRIES), 'deny list entries')).entries) };
    case 'deny-delta': {
      const m = bodyMap(body, 'deny delta');
      return {
        base: m.get(DenyDeltaKey.BASE),
        add: entriesView(new DenyList(head, asBytes(m.get(DenyDeltaKey.ADD), 'deny delta add')).entries),
        remove: entriesView(new DenyList(head, asBytes(m.get(DenyDeltaKey.REMOVE), 'deny delta remove')).entries),
      };
    }
    case 'trips':
      if (!Array.isArray(body)) throw new InputError('trip list body is not an array');
      return { trips: body.map((t, i) => tripView(readTrip(t, `trip[${i}]`))) };
    default:
      return { body: '(unknown document type)' };
  }
}

/** The type-specific part of a document, verified under `rootKey` by the protocol's reader. */
function verifiedBody(head: DocumentHead, cose: Uint8Array, rootKey: Uint8Array): Record<string, unknown> {
  const options = { rootKeys: [rootKey] };
  switch (head.type as DocumentType) {
    case 'trust': {
      const list = openTrustList(cose, options);
      return {
        issuers: [...list.issuers.values()].map((i) => ({
          kid: bytesToHex(i.kid), name: i.name, modes: i.modes.map(modeName), operators: i.operators, nbf: formatInstant(i.nbf), exp: formatInstant(i.exp),
        })),
      };
    }
    case 'deny':
      return { entries: entriesView(openDenyList(cose, options).entries) };
    case 'deny-delta': {
      const d = openDenyDelta(cose, options);
      return { base: d.base, add: entriesView(d.add), remove: entriesView(d.remove) };
    }
    case 'trips':
      return { trips: openTripList(cose, options).trips.map(tripView) };
    default:
      throw new InputError(`cannot verify a document of unknown type "${head.type}"`);
  }
}

export function documentSummary(message: Sign1, head: DocumentHead, cose: Uint8Array, rootKey: Uint8Array | undefined): Record<string, unknown> {
  let body: Record<string, unknown>;
  try {
    body = rootKey ? verifiedBody(head, cose, rootKey) : unverifiedBody(head);
  } catch (e) {
    // Unverified, a malformed body is reported as such; verified, every error is a verification failure.
    if (!rootKey && isProtocolError(e)) throw new InputError(`${head.type} document is malformed: ${e.message}`);
    throw e;
  }
  return {
    kind: `${head.type} document`,
    verified: rootKey !== undefined,
    signedBy: message.kid && bytesToHex(message.kid),
    version: head.version,
    issuedAt: Number.isFinite(head.issuedAt) ? formatInstant(head.issuedAt) : undefined,
    operator: head.operator,
    size: cose.length,
    ...body,
  };
}
