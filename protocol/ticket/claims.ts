/**
 * Ticket claims: a CWT claims set (RFC 8392) with integer keys, plus one map
 * of transit claims under a private-use claim key. See protocol/README.md for
 * the table of keys; this file is its implementation.
 */
import { decodeCbor, encodeCbor, intMap } from '../cbor.js';
import { ErrorCode, ProtocolError, asSignerCheck } from '../errors.js';
import { Fields } from '../fields.js';
import { ISSUER_MODES, IssuerMode, PRODUCTS, type Product } from './codes.js';

/** CWT claim keys (RFC 8392 §4). */
export const CwtKey = Object.freeze({ ISS: 1, EXP: 4, NBF: 5, IAT: 6, CTI: 7 } as const);
/** Private-use claim key (below -65536, RFC 8392 §9.1) holding the transit claims. */
export const TRANSIT_CLAIM_KEY = -65537;

export const TransitKey = Object.freeze({
  OPERATOR: 1,
  TICKET_NO: 2,
  PRODUCT: 3,
  SERVICE_DATE: 4,
  LINE: 5,
  TRIP: 6,
  DEPARTURE: 7,
  ORIGIN: 8,
  DESTINATION: 9,
  SEAT: 10,
  PASSENGERS: 11,
  FARE: 12,
  CURRENCY: 13,
  RIDES: 14,
  MODE: 15,
  INVOICE_REF: 16,
  HOLDER_NAME: 17,
  HOLDER_ID: 18,
  HOLDER_ID_HASH: 19,
} as const);

export const CTI_MIN = 8;
export const CTI_MAX = 32;
export const DEFAULT_CURRENCY = 'CNY';
export const HOLDER_ID_HASH_LENGTH = 32;

export interface TransitClaims {
  /** Operator code the ticket is for. */
  operator: string;
  /** Printed ticket number: area code + station code + serial. */
  ticketNo: string;
  product: Product;
  /** Service date as the number YYYYMMDD (local date of the line); absent for passes. */
  serviceDate?: number;
  line?: string;
  /** Trip (departure) id; absent for an open ticket valid on any departure. */
  trip?: string;
  /** Scheduled departure, seconds since the epoch. */
  departure?: number;
  origin?: string;
  destination?: string;
  seat?: string;
  /** People travelling on this ticket (default 1). */
  passengers: number;
  /** Fare in minor units (fen for CNY). */
  fare: number;
  /** ISO 4217 code (default CNY). */
  currency: string;
  /** Boardings allowed (default 1). */
  rides: number;
  /** Mode of the issuing system (default road). */
  mode: IssuerMode;
  /** E-invoice (电子发票) reference. */
  invoiceRef?: string;
  /** Masked name, e.g. 张*丰. */
  holderName?: string;
  /** The kept characters of the ID number: first 4 and last 4 (8 characters). */
  holderId?: string;
  /** 16-byte salt || first 16 bytes of HMAC-SHA256(ID-check key, salt || ID number): see realname.ts. */
  holderIdHash?: Uint8Array;
}

export interface TicketClaims {
  iss?: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  nbf?: number;
  iat?: number;
  /** Ticket id: 8 to 32 random bytes, unique per issuer. */
  cti: Uint8Array;
  transit: TransitClaims;
}

export type TransitInput = Omit<TransitClaims, 'passengers' | 'currency' | 'rides' | 'mode'> &
  Partial<Pick<TransitClaims, 'passengers' | 'currency' | 'rides' | 'mode'>>;
export type TicketInput = Omit<TicketClaims, 'transit'> & { transit: TransitInput };

const MAX_CODE = 32;
const MAX_TEXT = 64;

function invalid(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.MALFORMED, message);
}

/** True for a real calendar date written as the number YYYYMMDD. */
export function isServiceDate(n: number): boolean {
  if (!Number.isInteger(n) || n < 19700101 || n > 99991231) return false;
  const y = Math.floor(n / 10000);
  const m = Math.floor(n / 100) % 100;
  const d = n % 100;
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const days = m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
  return d <= days;
}

/** Checks ranges that CBOR types alone do not express; shared by encode and decode. */
function checkTransit(t: TransitClaims): TransitClaims {
  if (t.serviceDate !== undefined && !isServiceDate(t.serviceDate)) throw invalid(`service date ${t.serviceDate} is not YYYYMMDD`);
  if (t.passengers < 1 || t.passengers > 99) throw invalid('passengers must be 1..99');
  if (t.rides < 1 || t.rides > 1000) throw invalid('rides must be 1..1000');
  if (!/^[A-Z]{3}$/.test(t.currency)) throw invalid('currency must be an ISO 4217 code');
  if (t.holderId !== undefined && t.holderId.length !== 8) throw invalid('holderId must keep exactly 8 characters (first 4, last 4)');
  return t;
}

function readTransit(value: unknown): TransitClaims {
  const f = new Fields(value, 'transit');
  const K = TransitKey;
  return checkTransit({
    operator: f.text(K.OPERATOR, 'operator', MAX_CODE),
    ticketNo: f.text(K.TICKET_NO, 'ticketNo', MAX_CODE),
    product: f.oneOf(K.PRODUCT, 'product', PRODUCTS),
    serviceDate: f.optUint(K.SERVICE_DATE, 'serviceDate'),
    line: f.optText(K.LINE, 'line', MAX_CODE),
    trip: f.optText(K.TRIP, 'trip', MAX_CODE),
    departure: f.optUint(K.DEPARTURE, 'departure'),
    origin: f.optText(K.ORIGIN, 'origin', MAX_CODE),
    destination: f.optText(K.DESTINATION, 'destination', MAX_CODE),
    seat: f.optText(K.SEAT, 'seat', MAX_CODE),
    passengers: f.optUint(K.PASSENGERS, 'passengers') ?? 1,
    fare: f.uint(K.FARE, 'fare'),
    currency: f.optText(K.CURRENCY, 'currency', 3) ?? DEFAULT_CURRENCY,
    rides: f.optUint(K.RIDES, 'rides') ?? 1,
    mode: f.optOneOf(K.MODE, 'mode', ISSUER_MODES) ?? IssuerMode.ROAD,
    invoiceRef: f.optText(K.INVOICE_REF, 'invoiceRef', MAX_TEXT),
    holderName: f.optText(K.HOLDER_NAME, 'holderName', MAX_TEXT),
    holderId: f.optText(K.HOLDER_ID, 'holderId', 8),
    holderIdHash: f.optBytes(K.HOLDER_ID_HASH, 'holderIdHash', HOLDER_ID_HASH_LENGTH),
  });
}

/** Decodes a CWT payload into typed claims; MALFORMED on any type or range error. */
export function decodeTicketClaims(payload: Uint8Array): TicketClaims {
  const f = new Fields(decodeCbor(payload), 'claims');
  const cti = f.bytes(CwtKey.CTI, 'cti');
  if (cti.length < CTI_MIN || cti.length > CTI_MAX) throw invalid(`cti must be ${CTI_MIN} to ${CTI_MAX} bytes`);
  if (!f.has(TRANSIT_CLAIM_KEY)) throw invalid(`transit claims (key ${TRANSIT_CLAIM_KEY}) are missing`);
  return {
    iss: f.optText(CwtKey.ISS, 'iss', MAX_TEXT),
    exp: f.uint(CwtKey.EXP, 'exp'),
    nbf: f.optUint(CwtKey.NBF, 'nbf'),
    iat: f.optUint(CwtKey.IAT, 'iat'),
    cti,
    transit: readTransit(f.raw(TRANSIT_CLAIM_KEY)),
  };
}

/**
 * Fills the defaults (1 passenger, CNY, 1 ride, road). It checks nothing:
 * encodeTicketClaims reads its output back the way a validator does, which
 * is the one check that matters.
 */
export function normalizeTicket(input: TicketInput): TicketClaims {
  const t = input.transit;
  const transit: TransitClaims = {
    ...t,
    passengers: t.passengers ?? 1,
    currency: t.currency ?? DEFAULT_CURRENCY,
    rides: t.rides ?? 1,
    mode: t.mode ?? IssuerMode.ROAD,
  };
  return { ...input, transit };
}

/**
 * Encodes claims canonically; defaults (1 passenger, CNY, 1 ride, road) are
 * left out to keep QR codes small. The result is read back the way a validator
 * reads it, so nothing a validator would refuse is ever signed.
 */
export function encodeTicketClaims(input: TicketInput): Uint8Array {
  const c = normalizeTicket(input);
  const t = c.transit;
  const K = TransitKey;
  const transit = intMap([
    [K.OPERATOR, t.operator],
    [K.TICKET_NO, t.ticketNo],
    [K.PRODUCT, t.product],
    [K.SERVICE_DATE, t.serviceDate],
    [K.LINE, t.line],
    [K.TRIP, t.trip],
    [K.DEPARTURE, t.departure],
    [K.ORIGIN, t.origin],
    [K.DESTINATION, t.destination],
    [K.SEAT, t.seat],
    [K.PASSENGERS, t.passengers === 1 ? undefined : t.passengers],
    [K.FARE, t.fare],
    [K.CURRENCY, t.currency === DEFAULT_CURRENCY ? undefined : t.currency],
    [K.RIDES, t.rides === 1 ? undefined : t.rides],
    [K.MODE, t.mode === IssuerMode.ROAD ? undefined : t.mode],
    [K.INVOICE_REF, t.invoiceRef],
    [K.HOLDER_NAME, t.holderName],
    [K.HOLDER_ID, t.holderId],
    [K.HOLDER_ID_HASH, t.holderIdHash],
  ]);
  const payload = encodeCbor(
    intMap([
      [CwtKey.ISS, c.iss],
      [CwtKey.EXP, c.exp],
      [CwtKey.NBF, c.nbf],
      [CwtKey.IAT, c.iat],
      [CwtKey.CTI, c.cti],
      [TRANSIT_CLAIM_KEY, transit],
    ]),
  );
  asSignerCheck(() => decodeTicketClaims(payload));
  return payload;
}
