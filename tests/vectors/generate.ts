/**
 * Generates the interoperability test vectors in protocol/vectors/.
 *
 *   npx tsx tests/vectors/generate.ts
 *
 * Everything is deterministic: keys come from fixed labels, ES256 signing in
 * @noble/curves uses RFC 6979 nonces, ticket ids, salts and times are fixed.
 * Running the generator twice gives byte-identical files, and
 * tests/vectors/vectors.test.ts checks that the committed files are exactly
 * what generateVectorFiles() returns, so vectors are never edited by hand.
 *
 * Expected results are written down here by hand, never computed by running
 * validate(): the test then checks our implementation against them.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  CoseAlg, CwtKey, Decision, HeaderLabel, IssuerMode, Product, REASONS, Reason, TRANSIT_CLAIM_KEY, Tag, TransitKey,
  bytesToHex, compareBytes, concatBytes, encodeCbor, encodeQrText, encodeTicketClaims, es256SecretKeyFromSeed, holderIdHash,
  intMap, keptIdCharacters, kidOf, maskName, nobleSigner, sigStructure, signDenyList, signTrustList, ticketHash,
  utf8ToBytes, type IssuerInput, type Signer, type TicketInput, type Trip,
} from '../../protocol/index.js';

// ---------------------------------------------------------------------------
// The JSON format (documented in protocol/vectors/README.md).

export const VECTOR_FORMAT = 'busticket-validation-vector/1';

export interface VectorTrip {
  id: string;
  line: string;
  serviceDate: number;
  departure: number;
  stops: string[];
  expected: number;
}

export interface VectorUsage {
  /** Hex of the 8-byte ticket hash. */
  ticketHash: string;
  boardings: number;
  lastTrip: string;
  lastTime: number;
}

export interface VectorContext {
  operator: string;
  now: number;
  clockSkew: number;
  rescanGrace: number;
  trip: VectorTrip | null;
  stop: string | null;
  usage: VectorUsage[];
}

export interface VectorIssuer {
  name: string;
  kid: string;
  publicKey: string;
  alg: number;
  modes: number[];
  operators: string[];
  nbf: number;
  exp: number;
}

export interface VectorTestKey {
  label: string;
  /** Lower-case hex kid of the public key. */
  kid: string;
  /** 32-byte P-256 secret scalar, hex. TEST ONLY. */
  secretKey: string;
  /** SEC1 uncompressed, hex. */
  publicKey: string;
}

export interface Vector {
  format: typeof VECTOR_FORMAT;
  name: string;
  description: string;
  /** The QR text exactly as a scanner would deliver it. */
  qr: string;
  /** Hex of the COSE bytes inside the QR text, when the QR text has a decodable base45 body. */
  cose: string | null;
  /** The claims the issuer signed, for reading (bytes as hex); null when not a ticket built from claims. */
  claims: unknown;
  /** Hex of the ticket hash (first 8 bytes of SHA-256 of cti), when the ticket has a cti. */
  ticketHash: string | null;
  context: VectorContext;
  /** Hex of the root public key (SEC1 uncompressed) that signs the trust and deny lists. */
  rootPublicKey: string;
  /** Hex of the signed trust list document (COSE_Sign1). */
  trustList: string;
  /** The issuers inside trustList, for reading. */
  issuers: VectorIssuer[];
  /** Hex of the signed deny list document, or null for none. */
  denyList: string | null;
  /** The ticket hashes inside denyList, for reading. */
  denyHashes: string[] | null;
  expected: { decision: Decision; reason: Reason; reasonId: number };
  testKeys: {
    warning: string;
    /** The root key and the key(s) that signed this vector's ticket. */
    keys: VectorTestKey[];
  };
}

// ---------------------------------------------------------------------------
// Fixed inputs.

/** 2026-11-25 00:00:00 UTC = 08:00 in China (UTC+8). */
export const NOW = Date.UTC(2026, 10, 25, 0, 0, 0) / 1000;
const DAY = 86400;
const OPERATOR = 'YTBUS';
const OTHER_OPERATOR = 'WHBUS';
const CLOCK_SKEW = 300;
const RESCAN_GRACE = 120;

function hash(label: string, length: number): Uint8Array {
  return sha256(utf8ToBytes(`busticket/vectors/v1/${label}`)).slice(0, length);
}

interface TestKey {
  readonly label: string;
  readonly secretKey: Uint8Array;
  readonly signer: Signer;
  readonly kid: Uint8Array;
}

function testKey(label: string): TestKey {
  const seed = concatBytes(hash(`key/${label}/0`, 32), hash(`key/${label}/1`, 16));
  const secretKey = es256SecretKeyFromSeed(seed);
  const signer = nobleSigner(secretKey);
  return { label, secretKey, signer, kid: kidOf(signer.publicKey) };
}

const K = {
  root: testKey('root'),
  bus: testKey('issuer/bus'),
  rail: testKey('issuer/rail'),
  regional: testKey('issuer/regional'),
  busRetired: testKey('issuer/bus-retired'),
  busNext: testKey('issuer/bus-next'),
  busExpInside: testKey('issuer/bus-exp-inside'),
  busExpOutside: testKey('issuer/bus-exp-outside'),
  busNbfInside: testKey('issuer/bus-nbf-inside'),
  busNbfOutside: testKey('issuer/bus-nbf-outside'),
  rogue: testKey('rogue'),
};

const LONG = { nbf: NOW - 180 * DAY, exp: NOW + 365 * DAY };
const ISSUERS: ReadonlyArray<{ key: TestKey; input: IssuerInput }> = [
  { key: K.bus, input: { publicKey: K.bus.signer.publicKey, name: '烟台汽车总站 Yantai bus station', modes: [IssuerMode.ROAD], operators: [OPERATOR], ...LONG } },
  { key: K.rail, input: { publicKey: K.rail.signer.publicKey, name: '铁路联程 Rail partner', modes: [IssuerMode.RAIL], operators: [OPERATOR], ...LONG } },
  { key: K.regional, input: { publicKey: K.regional.signer.publicKey, name: '胶东联网售票 Regional road', modes: [IssuerMode.ROAD], operators: [OPERATOR, OTHER_OPERATOR], ...LONG } },
  { key: K.busRetired, input: { publicKey: K.busRetired.signer.publicKey, name: 'Bus station key 2025 (retired)', modes: [IssuerMode.ROAD], operators: [OPERATOR], nbf: NOW - 400 * DAY, exp: NOW - 30 * DAY } },
  { key: K.busNext, input: { publicKey: K.busNext.signer.publicKey, name: 'Bus station key 2027 (next)', modes: [IssuerMode.ROAD], operators: [OPERATOR], nbf: NOW + 30 * DAY, exp: NOW + 400 * DAY } },
  { key: K.busExpInside, input: { publicKey: K.busExpInside.signer.publicKey, name: 'Key expired 299 s ago', modes: [IssuerMode.ROAD], operators: [OPERATOR], nbf: NOW - 400 * DAY, exp: NOW - CLOCK_SKEW + 1 } },
  { key: K.busExpOutside, input: { publicKey: K.busExpOutside.signer.publicKey, name: 'Key expired 300 s ago', modes: [IssuerMode.ROAD], operators: [OPERATOR], nbf: NOW - 400 * DAY, exp: NOW - CLOCK_SKEW } },
  { key: K.busNbfInside, input: { publicKey: K.busNbfInside.signer.publicKey, name: 'Key valid from in 300 s', modes: [IssuerMode.ROAD], operators: [OPERATOR], nbf: NOW + CLOCK_SKEW, exp: NOW + 400 * DAY } },
  { key: K.busNbfOutside, input: { publicKey: K.busNbfOutside.signer.publicKey, name: 'Key valid from in 301 s', modes: [IssuerMode.ROAD], operators: [OPERATOR], nbf: NOW + CLOCK_SKEW + 1, exp: NOW + 400 * DAY } },
];

const TRUST_LIST = signTrustList({ version: 7, issuedAt: NOW - DAY, operator: OPERATOR }, ISSUERS.map((i) => i.input), K.root.signer);

const TRIP_0830: Trip = {
  id: 'K101-20261125-0830',
  line: 'K101',
  serviceDate: 20261125,
  departure: NOW + 1800,
  stops: ['YT01', 'FS02', 'PL03', 'LK04'],
  expected: 42,
};
const TRIP_1030: Trip = { ...TRIP_0830, id: 'K101-20261125-1030', departure: NOW + 9000, expected: 37 };

const HOLDER = { name: '张三丰', idNumber: '37060219900101123X' };
/** The operator's ID-check key for holderIdHash (test-only, derived from a public label). */
const ID_CHECK_KEY = hash('id-check key', 32);

// ---------------------------------------------------------------------------
// Building tickets and COSE messages, on and off spec.

type TransitOverrides = Partial<TicketInput['transit']>;
type ClaimOverrides = Partial<Omit<TicketInput, 'transit'>>;

/** A typical ticket for the 08:30 K101 departure, YT01 -> PL03; cti derived from `id`. */
function ticket(id: string, transit: TransitOverrides = {}, claims: ClaimOverrides = {}): TicketInput {
  return {
    iss: OPERATOR,
    exp: NOW + DAY,
    nbf: NOW - 3600,
    iat: NOW - 7200,
    cti: hash(`cti/${id}`, 16),
    ...claims,
    transit: {
      operator: OPERATOR,
      ticketNo: '370600010020261125',
      product: Product.ADULT,
      serviceDate: 20261125,
      line: 'K101',
      trip: TRIP_0830.id,
      departure: TRIP_0830.departure,
      origin: 'YT01',
      destination: 'PL03',
      seat: '12A',
      fare: 3650,
      holderName: maskName(HOLDER.name),
      holderId: keptIdCharacters(HOLDER.idNumber),
      holderIdHash: holderIdHash(HOLDER.idNumber, hash(`salt/${id}`, 16), ID_CHECK_KEY),
      ...transit,
    },
  };
}

/** A ticket with neither trip, seat nor holder: valid on any departure of its line and date. */
function openTicket(id: string, transit: TransitOverrides = {}, claims: ClaimOverrides = {}): TicketInput {
  const t = ticket(id, transit, claims);
  const { trip: _trip, departure: _departure, seat: _seat, holderName: _n, holderId: _i, holderIdHash: _h, ...rest } = t.transit;
  return { ...t, transit: { ...rest, ...transit } };
}

function canonicalProtected(kid: Uint8Array | undefined, alg: number = CoseAlg.ES256): Uint8Array {
  return encodeCbor(intMap([[HeaderLabel.ALG, alg], [HeaderLabel.KID, kid]]));
}

type Wrap = 'tag18' | 'untagged' | 'cwt61' | 'cwt61-untagged' | number;

function assemble(protectedBytes: Uint8Array, unprotected: Map<unknown, unknown>, payload: Uint8Array | null, signature: Uint8Array, wrap: Wrap = 'tag18'): Uint8Array {
  const body = [protectedBytes, unprotected, payload, signature];
  switch (wrap) {
    case 'tag18':
      return encodeCbor(new Tag(body, 18));
    case 'untagged':
      return encodeCbor(body);
    case 'cwt61':
      return encodeCbor(new Tag(new Tag(body, 18), 61));
    case 'cwt61-untagged':
      return encodeCbor(new Tag(body, 61));
    default:
      return encodeCbor(new Tag(body, wrap));
  }
}

interface CoseOptions {
  signer?: Signer;
  /** kid to put in the header (default: the signer's). */
  kid?: Uint8Array | null;
  kidUnprotected?: boolean;
  /** Protected header bytes to send (default: canonical {1: -7, 4: kid}). */
  protectedBytes?: Uint8Array;
  /** Protected header bytes to sign over (default: the ones sent). */
  signedProtectedBytes?: Uint8Array;
  /** Payload to sign over (default: the one sent). */
  signedPayload?: Uint8Array;
  unprotected?: Map<unknown, unknown>;
  wrap?: Wrap;
  /** Bytes to sign instead of the Sig_structure. */
  toBeSigned?: (protectedBytes: Uint8Array, payload: Uint8Array) => Uint8Array;
  mapSignature?: (signature: Uint8Array) => Uint8Array;
  trailing?: Uint8Array;
}

function cose(payload: Uint8Array, o: CoseOptions = {}): Uint8Array {
  const signer = o.signer ?? K.bus.signer;
  const kid = o.kid === null ? undefined : o.kid ?? kidOf(signer.publicKey);
  const protectedBytes = o.protectedBytes ?? canonicalProtected(o.kidUnprotected ? undefined : kid);
  const unprotected = o.unprotected ?? intMap([[HeaderLabel.KID, o.kidUnprotected ? kid : undefined]]);
  const signedProtected = o.signedProtectedBytes ?? protectedBytes;
  const signedPayload = o.signedPayload ?? payload;
  const tbs = o.toBeSigned ? o.toBeSigned(signedProtected, signedPayload) : sigStructure(signedProtected, signedPayload);
  let signature = signer.sign(tbs);
  if (o.mapSignature) signature = o.mapSignature(signature);
  const bytes = assemble(protectedBytes, unprotected, payload, signature, o.wrap);
  return o.trailing ? concatBytes(bytes, o.trailing) : bytes;
}

const N = p256.Point.CURVE().n;

function toHighS(signature: Uint8Array): Uint8Array {
  const sig = p256.Signature.fromBytes(signature, 'compact');
  // RFC 6979 signing in noble returns low-S; n - s is the other valid half.
  if (sig.s > N / 2n) throw new Error('expected a low-S signature');
  return new p256.Signature(sig.r, N - sig.s).toBytes('compact');
}

function toDer(signature: Uint8Array): Uint8Array {
  return p256.Signature.fromBytes(signature, 'compact').toBytes('der');
}

/** Hand-built claims maps, for encodings encodeTicketClaims() would never produce. */
function claimsMap(input: TicketInput, extraTransit: Array<[number, unknown]> = [], extraClaims: Array<[number, unknown]> = []): Map<number, unknown> {
  const t = input.transit;
  const T = TransitKey;
  const transit = intMap([
    [T.OPERATOR, t.operator], [T.TICKET_NO, t.ticketNo], [T.PRODUCT, t.product], [T.SERVICE_DATE, t.serviceDate],
    [T.LINE, t.line], [T.TRIP, t.trip], [T.DEPARTURE, t.departure], [T.ORIGIN, t.origin], [T.DESTINATION, t.destination],
    [T.SEAT, t.seat], [T.PASSENGERS, t.passengers], [T.FARE, t.fare], [T.CURRENCY, t.currency], [T.RIDES, t.rides],
    [T.MODE, t.mode], [T.INVOICE_REF, t.invoiceRef], [T.HOLDER_NAME, t.holderName], [T.HOLDER_ID, t.holderId],
    [T.HOLDER_ID_HASH, t.holderIdHash], ...extraTransit,
  ]);
  return intMap([
    [CwtKey.ISS, input.iss], [CwtKey.EXP, input.exp], [CwtKey.NBF, input.nbf], [CwtKey.IAT, input.iat],
    [CwtKey.CTI, input.cti], [TRANSIT_CLAIM_KEY, transit], ...extraClaims,
  ]);
}

function claimsJson(input: TicketInput): unknown {
  const conv = (v: unknown): unknown => (v instanceof Uint8Array ? bytesToHex(v) : v);
  const obj = (o: object): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = conv(v);
    return out;
  };
  return { ...obj({ ...input, transit: undefined }), transit: obj(input.transit) };
}

// ---------------------------------------------------------------------------
// Vector specifications.

interface Spec {
  name: string;
  description: string;
  expected: Reason;
  /** QR text; when absent, built from `cose`. */
  qr?: string;
  cose?: Uint8Array;
  /** Claims for reading and for the ticket hash. */
  claims?: TicketInput;
  /** Keys (besides root) whose secret signed this vector. */
  signers?: TestKey[];
  now?: number;
  clockSkew?: number;
  rescanGrace?: number;
  trip?: Trip | null;
  stop?: string;
  usage?: Array<{ boardings: number; lastTrip: string; lastTime: number }>;
  /** Put this ticket's hash on the deny list. */
  revoke?: boolean;
  /** Include the deny list even though this ticket is not on it. */
  withDenyList?: boolean;
}

/** A ticket issued the ordinary way, with optional COSE options. */
function issued(claims: TicketInput, o: CoseOptions = {}): Pick<Spec, 'cose' | 'claims' | 'signers'> {
  const signerKey = Object.values(K).find((k) => k.signer === (o.signer ?? K.bus.signer));
  return { cose: cose(encodeTicketClaims(claims), o), claims, signers: signerKey ? [signerKey] : [] };
}

function qrOf(spec: Spec): string {
  if (spec.qr !== undefined) return spec.qr;
  if (!spec.cose) throw new Error(`${spec.name}: neither qr nor cose`);
  return encodeQrText(spec.cose);
}

function specs(): Spec[] {
  const out: Spec[] = [];
  const add = (s: Spec): void => {
    out.push(s);
  };
  const basic = ticket('basic');
  const basicIssued = issued(basic);
  const basicQr = encodeQrText(basicIssued.cose!);
  const busKid = K.bus.kid;

  // --- accepted: the reference ticket and encodings a third-party issuer may produce
  add({ name: 'accepted-basic', description: 'A typical adult ticket for the selected trip, YT01 -> PL03, boarding at YT01: COSE_Sign1 with tag 18, alg -7 and kid in the protected header.', expected: Reason.ACCEPTED, ...basicIssued, stop: 'YT01' });
  add({ name: 'accepted-untagged-cose-sign1', description: 'The COSE_Sign1 array without tag 18 (RFC 9052 allows the untagged form when the type is known from context).', expected: Reason.ACCEPTED, ...issued(ticket('untagged'), { wrap: 'untagged' }) });
  add({ name: 'accepted-kid-unprotected', description: 'kid in the unprotected header instead of the protected one; the protected header holds only alg.', expected: Reason.ACCEPTED, ...issued(ticket('kid-unprotected'), { kidUnprotected: true }) });
  add({ name: 'accepted-cwt-tag61-wrapping-tag18', description: 'CWT tag 61 wrapping the tag-18 COSE_Sign1 (RFC 8392 section 6).', expected: Reason.ACCEPTED, ...issued(ticket('cwt61'), { wrap: 'cwt61' }) });
  add({ name: 'accepted-high-s-signature', description: 'A valid low-S signature with s replaced by n - s. COSE does not require low-S, so the signature is valid.', expected: Reason.ACCEPTED, ...issued(ticket('high-s'), { mapSignature: toHighS }) });
  {
    const claims = ticket('protected-noncanonical');
    const prot = encodeCbor(new Map<number, unknown>([[HeaderLabel.KID, busKid], [HeaderLabel.ALG, CoseAlg.ES256]]));
    add({ name: 'accepted-protected-header-noncanonical-order', description: 'Protected header map encoded as {4: kid, 1: -7} (not canonical order), signed over exactly those bytes. The Sig_structure must use the protected bytes as received, never re-encoded.', expected: Reason.ACCEPTED, ...issued(claims, { protectedBytes: prot }) });
  }
  {
    const claims = ticket('explicit-defaults');
    const payload = encodeCbor(claimsMap({ ...claims, transit: { ...claims.transit, passengers: 1, currency: 'CNY', rides: 1, mode: IssuerMode.ROAD } }, [[99, 'future transit field']], [[1000, 'future claim']]));
    add({ name: 'accepted-explicit-defaults-and-unknown-keys', description: 'Claims that spell out the defaults (passengers 1, currency CNY, rides 1, mode 0) and carry unknown keys (transit key 99, claim key 1000): defaults may be explicit, unknown keys are ignored.', expected: Reason.ACCEPTED, cose: cose(payload), claims, signers: [K.bus] });
  }
  {
    const claims: TicketInput = { exp: NOW + DAY, cti: hash('cti/minimal', 8), transit: { operator: OPERATOR, ticketNo: 'M0001', product: Product.ADULT, fare: 200 } };
    add({ name: 'accepted-minimal-claims', description: 'Only the required claims: exp, an 8-byte cti and transit {operator, ticketNo, product, fare}. No nbf, line, date, trip or stops: valid on any trip of the operator.', expected: Reason.ACCEPTED, ...issued(claims), stop: 'FS02' });
  }
  add({ name: 'accepted-rail-partner-connecting', description: 'Through ticket sold by the partner rail issuer (mode 1 = rail) for the connecting bus line K101 on the service date, no trip id.', expected: Reason.ACCEPTED, ...issued(openTicket('rail-connecting', { mode: IssuerMode.RAIL, ticketNo: 'G1234-20261125-07A', origin: 'YT01', destination: 'LK04', fare: 0 }), { signer: K.rail.signer }) });
  add({ name: 'accepted-regional-issuer', description: 'Road ticket from the regional issuer, which may sell for YTBUS and WHBUS.', expected: Reason.ACCEPTED, ...issued(ticket('regional'), { signer: K.regional.signer }) });
  add({ name: 'accepted-group-3-passengers', description: 'One ticket for a group of 3 passengers (the driver sees the count).', expected: Reason.ACCEPTED, ...issued(ticket('group-3', { passengers: 3, fare: 3 * 3650, seat: '12A-12C' })) });
  add({ name: 'accepted-open-ticket-no-trip-id', description: 'Open ticket: line and service date but no trip id, valid on any departure of K101 that day (here the 10:30).', expected: Reason.ACCEPTED, ...issued(openTicket('open')), trip: TRIP_1030 });
  add({ name: 'accepted-multi-ride-second-use-other-trip', description: 'Pass with 10 rides, boarded once on the 08:30; now scanned on the 10:30: 1 of 10 rides used.', expected: Reason.ACCEPTED, ...issued(openTicket('multi-ride', { product: Product.PASS, rides: 10, serviceDate: undefined, origin: undefined, destination: undefined, fare: 30000 })), trip: TRIP_1030, usage: [{ boardings: 1, lastTrip: TRIP_0830.id, lastTime: NOW - 1200 }] });
  add({ name: 'accepted-no-trip-selected', description: 'No trip selected on the validator (trip null): line, date, trip and stops are not checked, only the operator.', expected: Reason.ACCEPTED, ...issued(ticket('no-trip-selected', { line: 'K202', trip: 'K202-20261125-0900' })), trip: null });
  add({ name: 'accepted-boarding-at-intermediate-stop', description: 'Ticket YT01 -> PL03, boarding at FS02 (between origin and destination).', expected: Reason.ACCEPTED, ...issued(ticket('boarding-intermediate')), stop: 'FS02' });
  add({ name: 'accepted-with-deny-list', description: 'A deny list is loaded but this ticket is not on it.', expected: Reason.ACCEPTED, ...issued(ticket('not-revoked')), withDenyList: true });
  add({ name: 'accepted-ticket-nbf-skew-inside', description: 'Ticket nbf is now + 300 s: inside the 300 s clock skew tolerance (NOT_YET_VALID only when now + skew < nbf).', expected: Reason.ACCEPTED, ...issued(ticket('nbf-inside', {}, { nbf: NOW + CLOCK_SKEW })) });
  add({ name: 'accepted-ticket-exp-skew-inside', description: 'Ticket exp is now - 299 s: inside the tolerance (EXPIRED when now - skew >= exp).', expected: Reason.ACCEPTED, ...issued(ticket('exp-inside', {}, { exp: NOW - CLOCK_SKEW + 1 })) });
  add({ name: 'accepted-issuer-key-exp-skew-inside', description: 'Signed by an issuer key whose exp in the trust list is now - 299 s: inside the tolerance.', expected: Reason.ACCEPTED, ...issued(ticket('key-exp-inside'), { signer: K.busExpInside.signer }) });
  add({ name: 'accepted-issuer-key-nbf-skew-inside', description: 'Signed by an issuer key whose nbf in the trust list is now + 300 s: inside the tolerance.', expected: Reason.ACCEPTED, ...issued(ticket('key-nbf-inside'), { signer: K.busNbfInside.signer }) });
  add({ name: 'accepted-zero-clock-skew-exp-in-one-second', description: 'clockSkew 0: a ticket expiring 1 s from now is still valid.', expected: Reason.ACCEPTED, ...issued(ticket('skew0-inside', {}, { exp: NOW + 1 })), clockSkew: 0 });

  // --- concessions: accepted, but the driver must check a card
  add({ name: 'accepted-concession-student', description: 'Student ticket (product 2): accepted, the driver checks the student card.', expected: Reason.ACCEPTED_CONCESSION, ...issued(ticket('student', { product: Product.STUDENT, fare: 1825 })) });
  add({ name: 'accepted-concession-child', description: 'Child ticket (product 1).', expected: Reason.ACCEPTED_CONCESSION, ...issued(ticket('child', { product: Product.CHILD, fare: 1825 })) });
  add({ name: 'accepted-concession-senior', description: 'Concession ticket (product 3, e.g. senior or disabled).', expected: Reason.ACCEPTED_CONCESSION, ...issued(ticket('concession', { product: Product.CONCESSION, fare: 0 })) });
  add({ name: 'accepted-concession-free-child', description: 'Free child travelling with an adult (product 4).', expected: Reason.ACCEPTED_CONCESSION, ...issued(ticket('free-child', { product: Product.FREE_CHILD, fare: 0, seat: undefined })) });
  add({ name: 'accepted-concession-staff', description: 'Staff ticket (product 5): the driver checks the staff badge.', expected: Reason.ACCEPTED_CONCESSION, ...issued(openTicket('staff', { product: Product.STAFF, fare: 0 })) });

  // --- repeat scans
  add({ name: 'already-scanned-within-grace', description: 'Boarded on this trip 60 s ago: a re-scan within the 120 s grace is a friendly repeat, not a rejection.', expected: Reason.ALREADY_SCANNED, ...issued(ticket('rescan')), usage: [{ boardings: 1, lastTrip: TRIP_0830.id, lastTime: NOW - 60 }] });
  add({ name: 'already-scanned-at-grace-limit', description: 'Boarded on this trip exactly 120 s ago (now - lastTime <= rescanGrace).', expected: Reason.ALREADY_SCANNED, ...issued(ticket('rescan-limit')), usage: [{ boardings: 1, lastTrip: TRIP_0830.id, lastTime: NOW - RESCAN_GRACE }] });
  add({ name: 'already-scanned-no-trip-selected', description: 'No trip selected: boardings are recorded with lastTrip "" and a re-scan within grace matches that.', expected: Reason.ALREADY_SCANNED, ...issued(ticket('rescan-no-trip')), trip: null, usage: [{ boardings: 1, lastTrip: '', lastTime: NOW - 30 }] });
  add({ name: 'already-scanned-multi-ride', description: 'Pass with 10 rides re-scanned 10 s after boarding on the same trip: a repeat, not a second ride.', expected: Reason.ALREADY_SCANNED, ...issued(openTicket('rescan-multi', { product: Product.PASS, rides: 10, serviceDate: undefined, origin: undefined, destination: undefined, fare: 30000 })), usage: [{ boardings: 3, lastTrip: TRIP_0830.id, lastTime: NOW - 10 }] });

  // --- malformed input
  add({ name: 'malformed-url-not-a-ticket', description: 'A QR code that is not a ticket (a URL).', expected: Reason.MALFORMED, qr: 'https://ytbus.example.cn/t/8F3A2C' });
  add({ name: 'malformed-empty-text', description: 'An empty scanner line.', expected: Reason.MALFORMED, qr: '' });
  add({ name: 'malformed-prefix-only', description: 'The prefix TK1: with no body.', expected: Reason.MALFORMED, qr: 'TK1:' });
  add({ name: 'malformed-other-scheme-prefix', description: 'Another scheme\'s prefix (HC1:, EU digital COVID certificate) is not a TKn: prefix: MALFORMED, not UNSUPPORTED_VERSION.', expected: Reason.MALFORMED, qr: 'HC1:' + basicQr.slice(4) });
  add({ name: 'malformed-base45-lowercase', description: 'The base45 body in lower case: lower-case letters are not in the base45 alphabet.', expected: Reason.MALFORMED, qr: 'TK1:' + basicQr.slice(4).toLowerCase(), claims: basic });
  add({ name: 'malformed-base45-invalid-character', description: 'A "#" in the base45 body.', expected: Reason.MALFORMED, qr: basicQr.slice(0, 20) + '#' + basicQr.slice(21), claims: basic });
  {
    let body = basicQr.slice(4);
    while (body.length % 3 !== 1) body = body.slice(0, -1);
    add({ name: 'malformed-base45-invalid-length', description: 'A base45 body whose length is 1 modulo 3 (cannot be base45).', expected: Reason.MALFORMED, qr: 'TK1:' + body, claims: basic });
  }
  {
    // Cut the body to whole triples so that ":::" is read as a triple.
    const body = basicQr.slice(4);
    const aligned = body.length % 3 === 0 ? body : body.slice(0, body.length - (body.length % 3));
    add({ name: 'malformed-base45-triple-overflow', description: 'A base45 triple ":::" whose value (91124) exceeds 65535.', expected: Reason.MALFORMED, qr: 'TK1:' + aligned + ':::' });
  }
  add({ name: 'malformed-trailing-bytes', description: 'A valid ticket followed by one extra byte (0x00) after the COSE message.', expected: Reason.MALFORMED, ...issued(ticket('trailing'), { trailing: new Uint8Array([0]) }) });
  {
    const full = basicIssued.cose!;
    add({ name: 'malformed-truncated', description: 'The reference ticket with its last 10 bytes cut off.', expected: Reason.MALFORMED, cose: full.slice(0, full.length - 10), claims: basic, signers: [K.bus] });
  }
  add({ name: 'malformed-der-signature', description: 'Signature in DER (ASN.1 SEQUENCE of r and s, 70 bytes) instead of COSE\'s raw r || s (64 bytes).', expected: Reason.MALFORMED, ...issued(ticket('der'), { mapSignature: toDer }) });
  add({ name: 'malformed-signature-63-bytes', description: 'Signature with its last byte removed.', expected: Reason.MALFORMED, ...issued(ticket('sig63'), { mapSignature: (s) => s.slice(0, 63) }) });
  add({ name: 'malformed-cbor-tag-17', description: 'COSE_Sign1 array wrapped in tag 17 (COSE_Mac0) instead of 18.', expected: Reason.MALFORMED, ...issued(ticket('tag17'), { wrap: 17 }) });
  add({ name: 'malformed-cbor-tag-98', description: 'COSE_Sign1 array wrapped in tag 98 (COSE_Sign, multiple signers) instead of 18.', expected: Reason.MALFORMED, ...issued(ticket('tag98'), { wrap: 98 }) });
  add({ name: 'malformed-cwt-tag61-without-tag18', description: 'CWT tag 61 directly around the array: RFC 8392 requires tag 61 to wrap a COSE-tagged message.', expected: Reason.MALFORMED, ...issued(ticket('tag61-untagged'), { wrap: 'cwt61-untagged' }) });
  {
    const claims = ticket('three-items');
    const payload = encodeTicketClaims(claims);
    const prot = canonicalProtected(busKid);
    const sig = K.bus.signer.sign(sigStructure(prot, payload));
    add({ name: 'malformed-array-of-3', description: 'A COSE_Sign1-like array of 3 items (no unprotected header).', expected: Reason.MALFORMED, cose: encodeCbor(new Tag([prot, payload, sig], 18)), claims, signers: [K.bus] });
  }
  add({ name: 'malformed-kid-in-both-headers', description: 'kid in both the protected and the unprotected header (RFC 9052: a label must not appear in both).', expected: Reason.MALFORMED, ...issued(ticket('kid-both'), { unprotected: intMap([[HeaderLabel.KID, busKid]]) }) });
  {
    const prot = encodeCbor(intMap([[HeaderLabel.KID, busKid]]));
    add({ name: 'accepted-alg-in-unprotected-header', description: 'alg -7 in the unprotected header, kid protected (RFC 9052: alg SHOULD be protected, MAY be unprotected; the trust list binds the key to ES256).', expected: Reason.ACCEPTED, ...issued(ticket('alg-unprotected'), { protectedBytes: prot, unprotected: intMap([[HeaderLabel.ALG, CoseAlg.ES256]]) }) });
    add({ name: 'accepted-empty-protected-header', description: 'Protected header as a zero-length byte string; alg and kid in the unprotected header.', expected: Reason.ACCEPTED, ...issued(ticket('empty-protected'), { protectedBytes: new Uint8Array(0), unprotected: intMap([[HeaderLabel.ALG, CoseAlg.ES256], [HeaderLabel.KID, busKid]]) }) });
    add({ name: 'malformed-alg-in-both-headers', description: 'alg in both the protected and the unprotected header (RFC 9052: a label must not appear in both).', expected: Reason.MALFORMED, ...issued(ticket('alg-both'), { unprotected: intMap([[HeaderLabel.ALG, CoseAlg.ES256]]) }) });
  }
  {
    // The CBOR profile: one signed ticket must have one encoding and one meaning.
    const claims = ticket('tag64');
    const payload = encodeTicketClaims(claims);
    const prot = canonicalProtected(busKid);
    const sig = K.bus.signer.sign(sigStructure(prot, payload));
    add({ name: 'malformed-tag64-wrapped-payload', description: 'A genuine signature, with the payload byte string wrapped in tag 64 (typed array): outside the TK1 CBOR profile.', expected: Reason.MALFORMED, cose: encodeCbor(new Tag([prot, new Map(), new Tag(payload, 64), sig], 18)), claims, signers: [K.bus] });
  }
  {
    const claims = ticket('dup-claim');
    const plain = encodeTicketClaims(claims);
    if (plain[0] !== 0xa5 && plain[0] !== 0xa6) throw new Error('unexpected claims map header');
    // The same map with exp (key 4) a second time, one day later: which one would a decoder keep?
    const later = encodeCbor(claims.exp + DAY);
    const payload = new Uint8Array([plain[0] + 1, ...plain.subarray(1), 0x04, ...later]);
    add({ name: 'malformed-duplicate-claim-key', description: 'Correctly signed claims in which exp (key 4) appears twice.', expected: Reason.MALFORMED, cose: cose(payload), claims, signers: [K.bus] });
  }
  {
    const claims = ticket('float-exp');
    const plain = encodeTicketClaims(claims);
    const exp = encodeCbor(claims.exp);
    const at = plain.findIndex((_, i) => plain[i] === 0x04 && exp.every((b, j) => plain[i + 1 + j] === b));
    const f = new DataView(new ArrayBuffer(9));
    f.setUint8(0, 0xfb);
    f.setFloat64(1, claims.exp);
    const payload = new Uint8Array([...plain.subarray(0, at + 1), ...new Uint8Array(f.buffer), ...plain.subarray(at + 1 + exp.length)]);
    add({ name: 'malformed-float-exp', description: 'Correctly signed claims with exp as a float64 of a whole number: TK1 has no floats.', expected: Reason.MALFORMED, cose: cose(payload), claims, signers: [K.bus] });
  }
  {
    const claims = ticket('detached');
    const payload = encodeTicketClaims(claims);
    const prot = canonicalProtected(busKid);
    const sig = K.bus.signer.sign(sigStructure(prot, payload));
    add({ name: 'malformed-detached-payload', description: 'Payload nil (detached content); tickets always carry their payload.', expected: Reason.MALFORMED, cose: assemble(prot, new Map(), null, sig), claims, signers: [K.bus] });
  }
  {
    const claims = ticket('kid-text');
    const prot = encodeCbor(intMap([[HeaderLabel.ALG, CoseAlg.ES256], [HeaderLabel.KID, bytesToHex(busKid)]]));
    add({ name: 'malformed-kid-as-text', description: 'kid as a text string (hex) instead of a byte string.', expected: Reason.MALFORMED, ...issued(claims, { protectedBytes: prot }) });
  }
  {
    const claims = ticket('cti-short', {}, { cti: hash('cti/cti-short', 4) });
    add({ name: 'malformed-cti-too-short', description: 'Correctly signed, but cti is 4 bytes (must be 8 to 32).', expected: Reason.MALFORMED, cose: cose(encodeCbor(claimsMap(claims))), claims, signers: [K.bus] });
  }
  {
    const claims = ticket('no-transit');
    const payload = encodeCbor(intMap([[CwtKey.ISS, OPERATOR], [CwtKey.EXP, claims.exp], [CwtKey.CTI, claims.cti]]));
    add({ name: 'malformed-missing-transit-claims', description: 'Correctly signed CWT {1: iss, 4: exp, 7: cti} without the transit claims (key -65537).', expected: Reason.MALFORMED, cose: cose(payload), signers: [K.bus] });
  }
  {
    const claims = ticket('product-9');
    const payload = encodeCbor(claimsMap({ ...claims, transit: { ...claims.transit, product: 9 as Product } }));
    add({ name: 'malformed-unknown-product', description: 'Correctly signed, but product 9 is not a known product code.', expected: Reason.MALFORMED, cose: cose(payload), claims, signers: [K.bus] });
  }
  {
    const claims = ticket('bad-date');
    const payload = encodeCbor(claimsMap({ ...claims, transit: { ...claims.transit, serviceDate: 20261325 } }));
    add({ name: 'malformed-service-date', description: 'Correctly signed, but serviceDate 20261325 is not a YYYYMMDD date.', expected: Reason.MALFORMED, cose: cose(payload), claims, signers: [K.bus] });
  }
  {
    const claims = ticket('fare-text');
    const payload = encodeCbor(claimsMap({ ...claims, transit: { ...claims.transit, fare: '36.50' as unknown as number } }));
    add({ name: 'malformed-fare-as-text', description: 'Correctly signed, but fare is the text "36.50" instead of an unsigned integer of fen.', expected: Reason.MALFORMED, cose: cose(payload), claims, signers: [K.bus] });
  }
  {
    const claims = ticket('qr-too-long');
    const payload = encodeCbor(claimsMap(claims, [], [[1000, new Uint8Array(800).fill(0x55)]]));
    add({ name: 'malformed-qr-text-too-long', description: 'Correctly signed ticket whose QR text is longer than 1200 characters (an 800-byte unknown claim): longer scanner lines are not tickets.', expected: Reason.MALFORMED, cose: cose(payload), claims, signers: [K.bus] });
  }

  // --- unsupported version or algorithm
  add({ name: 'unsupported-version-prefix-tk2', description: 'Prefix TK2: (a future format) with an otherwise valid TK1 body.', expected: Reason.UNSUPPORTED_VERSION, qr: 'TK2:' + basicQr.slice(4), claims: basic });
  add({ name: 'unsupported-alg-es384', description: 'Protected header alg -35 (ES384) with a 96-byte signature field.', expected: Reason.UNSUPPORTED_VERSION, ...issued(ticket('es384'), { protectedBytes: canonicalProtected(busKid, -35), mapSignature: (s) => concatBytes(s, new Uint8Array(32)) }) });
  add({ name: 'unsupported-alg-eddsa', description: 'Protected header alg -8 (EdDSA) with a 64-byte signature field.', expected: Reason.UNSUPPORTED_VERSION, ...issued(ticket('eddsa'), { protectedBytes: canonicalProtected(busKid, -8) }) });
  add({ name: 'unsupported-alg-missing', description: 'Empty protected header (zero-length byte string), kid unprotected: no alg at all.', expected: Reason.UNSUPPORTED_VERSION, ...issued(ticket('no-alg'), { protectedBytes: new Uint8Array(0), unprotected: intMap([[HeaderLabel.KID, busKid]]) }) });
  {
    const prot = encodeCbor(intMap([[HeaderLabel.ALG, CoseAlg.ES256], [HeaderLabel.CRIT, [-70000]], [HeaderLabel.KID, busKid], [-70000, 1]]));
    add({ name: 'unsupported-crit-header', description: 'Protected header with crit [-70000]: no critical extensions are understood, so the message must be rejected (RFC 9052 section 3.1).', expected: Reason.UNSUPPORTED_VERSION, ...issued(ticket('crit'), { protectedBytes: prot }) });
  }

  // --- unknown issuer
  add({ name: 'unknown-issuer-kid-not-in-trust-list', description: 'Validly signed by a key that is not in the trust list.', expected: Reason.UNKNOWN_ISSUER, ...issued(ticket('rogue'), { signer: K.rogue.signer }) });
  add({ name: 'unknown-issuer-no-kid', description: 'Validly signed by the bus issuer, but no kid in either header.', expected: Reason.UNKNOWN_ISSUER, ...issued(ticket('no-kid'), { kid: null }) });
  add({ name: 'unknown-issuer-root-key', description: 'Signed by the operator root key: it signs configuration documents, it is not a ticket issuer.', expected: Reason.UNKNOWN_ISSUER, ...issued(ticket('root-signed'), { signer: K.root.signer }) });
  add({ name: 'unknown-issuer-garbage-signature', description: 'Unknown kid and a signature of zeros: the issuer check comes before the signature check.', expected: Reason.UNKNOWN_ISSUER, ...issued(ticket('rogue-zero'), { signer: K.rogue.signer, mapSignature: () => new Uint8Array(64) }) });

  // --- issuer key validity
  add({ name: 'issuer-key-expired', description: 'Signed by the retired bus key (trust list exp 30 days ago).', expected: Reason.ISSUER_KEY_EXPIRED, ...issued(ticket('key-retired'), { signer: K.busRetired.signer }) });
  add({ name: 'issuer-key-not-yet-valid', description: 'Signed by next year\'s bus key (trust list nbf in 30 days).', expected: Reason.ISSUER_KEY_EXPIRED, ...issued(ticket('key-next'), { signer: K.busNext.signer }) });
  add({ name: 'issuer-key-exp-skew-outside', description: 'Issuer key exp is now - 300 s: just outside the tolerance (now - skew >= exp).', expected: Reason.ISSUER_KEY_EXPIRED, ...issued(ticket('key-exp-outside'), { signer: K.busExpOutside.signer }) });
  add({ name: 'issuer-key-nbf-skew-outside', description: 'Issuer key nbf is now + 301 s: just outside the tolerance (now + skew < nbf).', expected: Reason.ISSUER_KEY_EXPIRED, ...issued(ticket('key-nbf-outside'), { signer: K.busNbfOutside.signer }) });

  // --- issuer not allowed
  add({ name: 'issuer-not-allowed-rail-for-other-operator', description: 'Rail issuer (allowed for YTBUS only) selling a rail-mode ticket for WHBUS.', expected: Reason.ISSUER_NOT_ALLOWED, ...issued(openTicket('rail-whbus', { operator: OTHER_OPERATOR, mode: IssuerMode.RAIL }), { signer: K.rail.signer }), });
  add({ name: 'issuer-not-allowed-rail-issuer-road-mode', description: 'Rail issuer (modes [1]) signing a ticket whose mode is road (mode claim omitted = 0).', expected: Reason.ISSUER_NOT_ALLOWED, ...issued(ticket('rail-road'), { signer: K.rail.signer }) });
  add({ name: 'issuer-not-allowed-bus-issuer-rail-mode', description: 'Bus issuer (modes [0]) signing a ticket that claims mode 1 (rail).', expected: Reason.ISSUER_NOT_ALLOWED, ...issued(ticket('bus-rail', { mode: IssuerMode.RAIL })) });

  // --- bad signature
  {
    const claims = ticket('modified');
    const signed = encodeTicketClaims(claims);
    const changed = { ...claims, transit: { ...claims.transit, destination: 'LK04' } };
    add({ name: 'bad-signature-payload-modified', description: 'Signed for YT01 -> PL03, then the payload was re-encoded with destination LK04.', expected: Reason.BAD_SIGNATURE, cose: cose(encodeTicketClaims(changed), { signedPayload: signed }), claims: changed, signers: [K.bus] });
  }
  add({ name: 'bad-signature-rogue-key-claims-bus-kid', description: 'Signed by a key outside the trust list that puts the bus issuer\'s kid in its header.', expected: Reason.BAD_SIGNATURE, ...issued(ticket('rogue-bus-kid'), { signer: K.rogue.signer, kid: busKid }) });
  add({ name: 'bad-signature-rail-key-claims-bus-kid', description: 'Signed by the (trusted) rail issuer key, but with the bus issuer\'s kid: the signature is checked against the kid\'s key only.', expected: Reason.BAD_SIGNATURE, ...issued(ticket('rail-bus-kid'), { signer: K.rail.signer, kid: busKid }) });
  {
    const signedProt = canonicalProtected(busKid);
    const sentProt = encodeCbor(new Map<number, unknown>([[HeaderLabel.KID, busKid], [HeaderLabel.ALG, CoseAlg.ES256]]));
    add({ name: 'bad-signature-protected-header-reencoded', description: 'Signed over the canonical protected header {1: -7, 4: kid}; the message carries the same map encoded as {4: kid, 1: -7}. A verifier that re-encodes the header instead of using the received bytes would wrongly accept.', expected: Reason.BAD_SIGNATURE, ...issued(ticket('prot-reencoded'), { protectedBytes: sentProt, signedProtectedBytes: signedProt }) });
  }
  add({ name: 'bad-signature-bit-flip', description: 'Lowest bit of the last signature byte flipped.', expected: Reason.BAD_SIGNATURE, ...issued(ticket('bitflip'), { mapSignature: (s) => { const c = s.slice(); c[63] ^= 1; return c; } }) });
  add({ name: 'bad-signature-r-zero', description: 'Signature with r = 0 (out of range).', expected: Reason.BAD_SIGNATURE, ...issued(ticket('r-zero'), { mapSignature: (s) => concatBytes(new Uint8Array(32), s.slice(32)) }) });
  add({ name: 'bad-signature-external-aad', description: 'Signed with external_aad "YTBUS" in the Sig_structure; tickets use an empty external_aad.', expected: Reason.BAD_SIGNATURE, ...issued(ticket('aad'), { toBeSigned: (p, m) => sigStructure(p, m, utf8ToBytes(OPERATOR)) }) });
  add({ name: 'bad-signature-context-signature', description: 'Sig_structure built with context "Signature" (COSE_Sign) instead of "Signature1".', expected: Reason.BAD_SIGNATURE, ...issued(ticket('ctx-signature'), { toBeSigned: (p, m) => encodeCbor(['Signature', p, new Uint8Array(0), m]) }) });
  add({ name: 'bad-signature-over-raw-payload', description: 'Signature over the payload bytes alone instead of the Sig_structure.', expected: Reason.BAD_SIGNATURE, ...issued(ticket('raw-payload'), { toBeSigned: (_p, m) => m }) });

  // --- revoked
  add({ name: 'revoked-on-deny-list', description: 'Valid ticket whose ticket hash is on the deny list (e.g. refunded).', expected: Reason.REVOKED, ...issued(ticket('revoked')), revoke: true });
  add({ name: 'revoked-before-expired', description: 'On the deny list and expired: the deny list is checked before the time window.', expected: Reason.REVOKED, ...issued(ticket('revoked-expired', {}, { exp: NOW - DAY, nbf: NOW - 2 * DAY })), revoke: true });

  // --- time window
  add({ name: 'not-yet-valid', description: 'Ticket valid from 1 hour from now.', expected: Reason.NOT_YET_VALID, ...issued(ticket('nbf-future', {}, { nbf: NOW + 3600 })) });
  add({ name: 'not-yet-valid-skew-outside', description: 'Ticket nbf is now + 301 s: just outside the 300 s tolerance.', expected: Reason.NOT_YET_VALID, ...issued(ticket('nbf-outside', {}, { nbf: NOW + CLOCK_SKEW + 1 })) });
  add({ name: 'expired', description: 'Ticket expired yesterday.', expected: Reason.EXPIRED, ...issued(ticket('exp-past', {}, { exp: NOW - DAY, nbf: NOW - 2 * DAY })) });
  add({ name: 'expired-skew-outside', description: 'Ticket exp is now - 300 s: just outside the tolerance.', expected: Reason.EXPIRED, ...issued(ticket('exp-outside', {}, { exp: NOW - CLOCK_SKEW })) });
  add({ name: 'expired-zero-clock-skew', description: 'clockSkew 0: a ticket whose exp is exactly now is expired (exp is exclusive).', expected: Reason.EXPIRED, ...issued(ticket('skew0-outside', {}, { exp: NOW })), clockSkew: 0 });
  add({ name: 'expired-before-wrong-line', description: 'Expired and for another line: the time window is checked before the line.', expected: Reason.EXPIRED, ...issued(ticket('expired-wrong-line', { line: 'K202' }, { exp: NOW - DAY, nbf: NOW - 2 * DAY })) });

  // --- line, date, trip
  add({ name: 'wrong-line', description: 'Ticket for line K202 on a K101 trip.', expected: Reason.WRONG_LINE, ...issued(ticket('line-k202', { line: 'K202', trip: undefined })) });
  add({ name: 'wrong-line-other-operator', description: 'Regional issuer ticket for operator WHBUS (the issuer may sell for it) scanned on a YTBUS validator.', expected: Reason.WRONG_LINE, ...issued(ticket('whbus', { operator: OTHER_OPERATOR }), { signer: K.regional.signer }) });
  add({ name: 'wrong-line-other-operator-no-trip', description: 'Ticket for WHBUS with no trip selected: the operator is checked even without a trip.', expected: Reason.WRONG_LINE, ...issued(openTicket('whbus-no-trip', { operator: OTHER_OPERATOR, line: undefined, serviceDate: undefined }), { signer: K.regional.signer }), trip: null });
  add({ name: 'wrong-line-before-wrong-date', description: 'Other line and other date: line is checked before date.', expected: Reason.WRONG_LINE, ...issued(openTicket('line-and-date', { line: 'K202', serviceDate: 20261126 })) });
  add({ name: 'wrong-date', description: 'Open K101 ticket for 2026-11-26 scanned on the 2026-11-25 trip.', expected: Reason.WRONG_DATE, ...issued(openTicket('date-tomorrow', { serviceDate: 20261126 })) });
  add({ name: 'wrong-trip', description: 'Ticket for the 10:30 departure scanned on the 08:30.', expected: Reason.WRONG_TRIP, ...issued(ticket('trip-1030', { trip: TRIP_1030.id, departure: TRIP_1030.departure })) });

  // --- stops
  add({ name: 'wrong-stop-origin-not-on-trip', description: 'Origin ZZ99 is not a stop of this trip.', expected: Reason.WRONG_STOP, ...issued(ticket('origin-off', { origin: 'ZZ99' })) });
  add({ name: 'wrong-stop-destination-not-on-trip', description: 'Destination ZZ99 is not a stop of this trip.', expected: Reason.WRONG_STOP, ...issued(ticket('destination-off', { destination: 'ZZ99' })) });
  add({ name: 'wrong-stop-reverse-direction', description: 'Ticket LK04 -> FS02 on a trip running YT01, FS02, PL03, LK04: origin after destination.', expected: Reason.WRONG_STOP, ...issued(ticket('reverse', { origin: 'LK04', destination: 'FS02' })) });
  add({ name: 'wrong-stop-origin-equals-destination', description: 'Origin and destination both FS02.', expected: Reason.WRONG_STOP, ...issued(ticket('same-stop', { origin: 'FS02', destination: 'FS02' })) });
  add({ name: 'wrong-stop-boarding-after-destination', description: 'Ticket YT01 -> FS02, boarding at PL03 (after the destination).', expected: Reason.WRONG_STOP, ...issued(ticket('board-after', { destination: 'FS02' })), stop: 'PL03' });
  add({ name: 'wrong-stop-boarding-at-destination', description: 'Ticket YT01 -> PL03, boarding at PL03 (its destination).', expected: Reason.WRONG_STOP, ...issued(ticket('board-at-destination')), stop: 'PL03' });
  add({ name: 'wrong-stop-boarding-before-origin', description: 'Ticket FS02 -> LK04, boarding at YT01 (before the origin).', expected: Reason.WRONG_STOP, ...issued(ticket('board-before', { origin: 'FS02', destination: 'LK04' })), stop: 'YT01' });

  // --- already used
  add({ name: 'already-used-single-ride-other-trip', description: 'Single-ride open ticket boarded on the 08:30, scanned again on the 10:30.', expected: Reason.ALREADY_USED, ...issued(openTicket('used-other-trip')), trip: TRIP_1030, usage: [{ boardings: 1, lastTrip: TRIP_0830.id, lastTime: NOW - 600 }] });
  add({ name: 'already-used-after-grace', description: 'Single-ride ticket boarded on this trip 121 s ago: past the 120 s grace.', expected: Reason.ALREADY_USED, ...issued(ticket('used-after-grace')), usage: [{ boardings: 1, lastTrip: TRIP_0830.id, lastTime: NOW - RESCAN_GRACE - 1 }] });
  add({ name: 'already-used-short-grace', description: 'rescanGrace 30: boarded on this trip 60 s ago is no longer a repeat.', expected: Reason.ALREADY_USED, ...issued(ticket('used-short-grace')), rescanGrace: 30, usage: [{ boardings: 1, lastTrip: TRIP_0830.id, lastTime: NOW - 60 }] });
  add({ name: 'already-used-multi-ride-exhausted', description: 'Pass with 10 rides, all 10 used.', expected: Reason.ALREADY_USED, ...issued(openTicket('multi-exhausted', { product: Product.PASS, rides: 10, serviceDate: undefined, origin: undefined, destination: undefined, fare: 30000 })), trip: TRIP_1030, usage: [{ boardings: 10, lastTrip: TRIP_0830.id, lastTime: NOW - 3600 }] });
  add({ name: 'already-used-group-ticket', description: 'Group ticket for 3 passengers already boarded on another trip: one ticket, one ride.', expected: Reason.ALREADY_USED, ...issued(openTicket('group-used', { passengers: 3, fare: 3 * 3650 })), trip: TRIP_1030, usage: [{ boardings: 1, lastTrip: TRIP_0830.id, lastTime: NOW - 900 }] });

  return out;
}

// ---------------------------------------------------------------------------
// Rendering.

const FILLER_HASHES = [0, 1, 2].map((i) => hash(`deny-filler/${i}`, 8));

function keyJson(k: TestKey): VectorTestKey {
  return { label: k.label, kid: bytesToHex(k.kid), secretKey: bytesToHex(k.secretKey), publicKey: bytesToHex(k.signer.publicKey) };
}

function tripJson(t: Trip): VectorTrip {
  return { id: t.id, line: t.line, serviceDate: t.serviceDate, departure: t.departure, stops: [...t.stops], expected: t.expected };
}

function render(spec: Spec, deny: { bytes: Uint8Array; hashes: Uint8Array[] }): Vector {
  const qr = qrOf(spec);
  const claimHash = spec.claims ? ticketHash(spec.claims.cti) : undefined;
  const usage = (spec.usage ?? []).map((u) => {
    if (!claimHash) throw new Error(`${spec.name}: usage needs claims`);
    return { ticketHash: bytesToHex(claimHash), ...u };
  });
  const withDeny = spec.revoke === true || spec.withDenyList === true;
  const info = REASONS[spec.expected];
  return {
    format: VECTOR_FORMAT,
    name: spec.name,
    description: spec.description,
    qr,
    cose: spec.cose ? bytesToHex(spec.cose) : null,
    claims: spec.claims ? claimsJson(spec.claims) : null,
    ticketHash: claimHash ? bytesToHex(claimHash) : null,
    context: {
      operator: OPERATOR,
      now: spec.now ?? NOW,
      clockSkew: spec.clockSkew ?? CLOCK_SKEW,
      rescanGrace: spec.rescanGrace ?? RESCAN_GRACE,
      trip: spec.trip === null ? null : tripJson(spec.trip ?? TRIP_0830),
      stop: spec.stop ?? null,
      usage,
    },
    rootPublicKey: bytesToHex(K.root.signer.publicKey),
    trustList: bytesToHex(TRUST_LIST),
    issuers: ISSUERS.map(({ key, input }) => ({
      name: input.name,
      kid: bytesToHex(key.kid),
      publicKey: bytesToHex(key.signer.publicKey),
      alg: input.alg ?? CoseAlg.ES256,
      modes: [...input.modes],
      operators: [...input.operators],
      nbf: input.nbf,
      exp: input.exp,
    })),
    denyList: withDeny ? bytesToHex(deny.bytes) : null,
    denyHashes: withDeny ? deny.hashes.map(bytesToHex) : null,
    expected: { decision: info.decision, reason: spec.expected, reasonId: info.id },
    testKeys: {
      warning: 'TEST KEYS ONLY. Derived from public labels; never use them for real tickets or configuration.',
      keys: [K.root, ...(spec.signers ?? []).filter((k) => k !== K.root)].map(keyJson),
    },
  };
}

const README_TEMPLATE = new URL('./README.template.md', import.meta.url);

function renderReadme(vectors: readonly Vector[]): string {
  const template = readFileSync(README_TEMPLATE, 'utf8');
  const rows = vectors.map((v) => `| \`${v.name}\` | ${v.expected.reason} | ${v.description.replace(/\|/g, '\\|')} |`);
  const table = ['| Vector | Expected reason | What it tests |', '| --- | --- | --- |', ...rows].join('\n');
  const reasons = (Object.keys(REASONS) as Reason[]).map((r) => `| ${r} | ${REASONS[r].id} | ${REASONS[r].decision} | ${REASONS[r].en} |`);
  const reasonTable = ['| Reason | Id | Decision | Driver display (en) |', '| --- | --- | --- | --- |', ...reasons].join('\n');
  return template
    .replace('{{VECTOR_COUNT}}', String(vectors.length))
    .replace('{{REASON_TABLE}}', reasonTable)
    .replace('{{VECTOR_TABLE}}', table);
}

/**
 * The contents of protocol/vectors/ as file name -> text, without writing
 * anything. The directory holds exactly these files.
 */
export function generateVectorFiles(): Map<string, string> {
  const all = specs();
  const names = new Set<string>();
  for (const s of all) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(s.name)) throw new Error(`bad vector name ${s.name}`);
    if (names.has(s.name)) throw new Error(`duplicate vector name ${s.name}`);
    names.add(s.name);
  }
  const revoked = all.filter((s) => s.revoke).map((s) => {
    if (!s.claims) throw new Error(`${s.name}: revoke needs claims`);
    return ticketHash(s.claims.cti);
  });
  const hashes = [...revoked, ...FILLER_HASHES];
  const denyBytes = signDenyList({ version: 3, issuedAt: NOW - 3600, operator: OPERATOR }, hashes, K.root.signer);
  // The deny list as it is signed: sorted and unique.
  const sorted = hashes.slice().sort(compareBytes);
  const vectors = all.map((s) => render(s, { bytes: denyBytes, hashes: sorted }));
  const files = new Map<string, string>();
  for (const v of vectors) files.set(`${v.name}.json`, JSON.stringify(v, null, 2) + '\n');
  files.set('README.md', renderReadme(vectors));
  return files;
}

export const VECTORS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../protocol/vectors');

/** Writes the vectors, removing .json files that are no longer generated. */
export function writeVectorFiles(dir: string = VECTORS_DIR): { written: number; removed: string[] } {
  const files = generateVectorFiles();
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  const removed: string[] = [];
  for (const f of readdirSync(dir)) {
    if (f.endsWith('.json') && !files.has(f)) {
      unlinkSync(join(dir, f));
      removed.push(f);
    }
  }
  for (const [name, text] of files) writeFileSync(join(dir, name), text);
  return { written: files.size, removed };
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) {
  const { written, removed } = writeVectorFiles();
  console.log(`wrote ${written} files to ${VECTORS_DIR}${removed.length ? `, removed ${removed.join(', ')}` : ''}`);
}
