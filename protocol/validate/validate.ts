/**
 * validate(): the validator's decision as a pure function of the QR text and
 * a context (configuration, current trip, clock, usage state, verifier).
 * The checks run in a fixed order and the first failure decides; the order
 * and the reason codes are specified in protocol/README.md.
 */
import { bytesToHex } from '../bytes.js';
import { toBeSigned } from '../cose/sign1.js';
import { CoseAlg } from '../crypto/algorithms.js';
import type { Verifier } from '../crypto/verifier.js';
import type { DenyList } from '../config/deny.js';
import { findIssuer, type TrustedIssuer, type TrustList } from '../config/trust.js';
import type { Trip } from '../config/trips.js';
import { ErrorCode, isProtocolError } from '../errors.js';
import type { TicketClaims } from '../ticket/claims.js';
import { PRODUCT_LABEL, PRODUCTS_TO_CHECK, type Product, type IssuerMode } from '../ticket/codes.js';
import { ticketHash } from '../ticket/hash.js';
import { displayMaskedId } from '../ticket/realname.js';
import { decodeTicket, type DecodedTicket } from '../ticket/ticket.js';
import type { VerifiedCache } from './cache.js';
import { REASONS, Reason, type Decision } from './reasons.js';
import type { UsageView } from './usage.js';

export const DEFAULT_CLOCK_SKEW = 300;
export const DEFAULT_RESCAN_GRACE = 120;

export interface ValidationContext {
  /** The operator this validator works for. */
  readonly operator: string;
  readonly trust: TrustList;
  readonly deny?: DenyList;
  /** The trip the driver chose; without one, line/date/trip/stop are not checked. */
  readonly trip?: Trip;
  /** Stop where passengers are boarding now, if known. */
  readonly stop?: string;
  /** Seconds since the epoch. */
  readonly now: number;
  /** Tolerance for the validator's clock against the issuer's, seconds (default 300). */
  readonly clockSkew?: number;
  /** A re-scan on the same trip within this many seconds is ALREADY_SCANNED (default 120). */
  readonly rescanGrace?: number;
  readonly usage?: UsageView;
  readonly verifier: Verifier;
  /** Algorithms this validator is configured for (default ES256). */
  readonly algorithms?: readonly CoseAlg[];
  /** Optional cache of QR texts already verified. */
  readonly verified?: VerifiedCache;
}

/** What the driver may see of a ticket: only what the ticket itself shows. */
export interface TicketSummary {
  readonly ticketNo: string;
  readonly product: Product;
  readonly productLabel: { readonly zh: string; readonly en: string };
  readonly passengers: number;
  readonly issuer: string;
  readonly mode: IssuerMode;
  readonly line?: string;
  readonly trip?: string;
  readonly origin?: string;
  readonly destination?: string;
  readonly seat?: string;
  readonly holderName?: string;
  /** Masked for display, e.g. 4401**********1234. */
  readonly holderId?: string;
}

/** What the firmware needs to record a boarding; no personal data. */
export interface TicketFacts {
  /** 8-byte ticket hash (ticket/hash.ts). */
  readonly hash: Uint8Array;
  readonly kid: string;
  readonly passengers: number;
  readonly rides: number;
  readonly product: Product;
  readonly mode: IssuerMode;
  readonly operator: string;
}

export interface ValidationResult {
  readonly decision: Decision;
  readonly reason: Reason;
  readonly text: { readonly zh: string; readonly en: string };
  /** Present once the signature has verified. */
  readonly summary?: TicketSummary;
  /** Present once the signature has verified. */
  readonly ticket?: TicketFacts;
  /** Whether a signature check ran (false when decided earlier or served from the cache). */
  readonly signatureChecked: boolean;
}

function result(reason: Reason, extra: Partial<ValidationResult> = {}): ValidationResult {
  const info = REASONS[reason];
  return { decision: info.decision, reason, text: { zh: info.zh, en: info.en }, signatureChecked: false, ...extra };
}

function summarize(claims: TicketClaims, issuer: TrustedIssuer): TicketSummary {
  const t = claims.transit;
  return {
    ticketNo: t.ticketNo,
    product: t.product,
    productLabel: PRODUCT_LABEL[t.product],
    passengers: t.passengers,
    issuer: issuer.name,
    mode: t.mode,
    line: t.line,
    trip: t.trip,
    origin: t.origin,
    destination: t.destination,
    seat: t.seat,
    holderName: t.holderName,
    holderId: t.holderId === undefined ? undefined : displayMaskedId(t.holderId),
  };
}

/** Step 1: decode, mapping protocol errors to reasons. */
function decode(qrText: string): DecodedTicket | Reason {
  try {
    return decodeTicket(qrText);
  } catch (e) {
    if (isProtocolError(e) && (e.code === ErrorCode.UNSUPPORTED_VERSION || e.code === ErrorCode.UNSUPPORTED_ALGORITHM)) {
      return Reason.UNSUPPORTED_VERSION;
    }
    return Reason.MALFORMED;
  }
}

/** Step 6: line, date, trip and stops against the chosen trip. */
function checkTrip(claims: TicketClaims, ctx: ValidationContext): Reason | undefined {
  const t = claims.transit;
  if (t.operator !== ctx.operator) return Reason.WRONG_LINE;
  const trip = ctx.trip;
  if (!trip) return undefined;
  if (t.line !== undefined && t.line !== trip.line) return Reason.WRONG_LINE;
  if (t.serviceDate !== undefined && t.serviceDate !== trip.serviceDate) return Reason.WRONG_DATE;
  if (t.trip !== undefined && t.trip !== trip.id) return Reason.WRONG_TRIP;
  // Loop lines visit a stop twice: the destination is searched after the origin.
  const stops = trip.stops;
  const from = t.origin === undefined ? 0 : stops.indexOf(t.origin);
  if (from < 0) return Reason.WRONG_STOP;
  const to = t.destination === undefined ? stops.length - 1 : stops.indexOf(t.destination, from + 1);
  if (to < 0) return Reason.WRONG_STOP;
  // A current stop the trip does not know is a configuration problem, not the passenger's.
  if (ctx.stop !== undefined && stops.includes(ctx.stop)) {
    let boardingHere = false;
    for (let i = from; i < to && !boardingHere; i++) boardingHere = stops[i] === ctx.stop;
    if (!boardingHere) return Reason.WRONG_STOP;
  }
  return undefined;
}

/** A verifier that throws (a platform fault) fails closed, like a bad signature. */
function verifies(verifier: Verifier, alg: CoseAlg, key: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verifier.verify(alg, key, data, signature) === true;
  } catch {
    return false;
  }
}

export function validate(qrText: string, ctx: ValidationContext): ValidationResult {
  const skew = ctx.clockSkew ?? DEFAULT_CLOCK_SKEW;
  const now = ctx.now;

  // 1. decode
  const decoded = decode(qrText);
  if (typeof decoded === 'string') return result(decoded);
  const { message, claims } = decoded;
  if (!(ctx.algorithms ?? [CoseAlg.ES256]).includes(message.alg)) return result(Reason.UNSUPPORTED_VERSION);

  // 2. issuer key
  const issuer = message.kid ? findIssuer(ctx.trust, message.kid) : undefined;
  if (!issuer) return result(Reason.UNKNOWN_ISSUER);
  if (now + skew < issuer.nbf || now - skew >= issuer.exp) return result(Reason.ISSUER_KEY_EXPIRED);
  const t = claims.transit;
  if (!issuer.modes.includes(t.mode) || !issuer.operators.includes(t.operator)) return result(Reason.ISSUER_NOT_ALLOWED);

  // 3. signature (or a cached earlier success for exactly these bytes)
  let signatureChecked = false;
  if (!ctx.verified?.has(qrText)) {
    signatureChecked = true;
    if (message.alg !== issuer.alg || !verifies(ctx.verifier, message.alg, issuer.publicKey, toBeSigned(message), message.signature)) {
      return result(Reason.BAD_SIGNATURE, { signatureChecked });
    }
    ctx.verified?.add(qrText);
  }
  const hash = ticketHash(claims.cti);
  const verified = {
    signatureChecked,
    summary: summarize(claims, issuer),
    ticket: {
      hash,
      kid: bytesToHex(issuer.kid),
      passengers: t.passengers,
      rides: t.rides,
      product: t.product,
      mode: t.mode,
      operator: t.operator,
    },
  };

  // 4. deny list
  if (ctx.deny?.has(hash)) return result(Reason.REVOKED, verified);

  // 5. time window
  if (claims.nbf !== undefined && now + skew < claims.nbf) return result(Reason.NOT_YET_VALID, verified);
  if (now - skew >= claims.exp) return result(Reason.EXPIRED, verified);

  // 6. operator, line, date, trip, stops
  const wrong = checkTrip(claims, ctx);
  if (wrong) return result(wrong, verified);

  // 7. usage
  const used = ctx.usage?.get(hash);
  if (used) {
    const grace = ctx.rescanGrace ?? DEFAULT_RESCAN_GRACE;
    const tripId = ctx.trip?.id ?? '';
    if (used.lastTrip === tripId && now - used.lastTime <= grace && now >= used.lastTime - skew) {
      return result(Reason.ALREADY_SCANNED, verified);
    }
    if (used.boardings >= t.rides) return result(Reason.ALREADY_USED, verified);
  }

  // 8. accepted
  return result(PRODUCTS_TO_CHECK.includes(t.product) ? Reason.ACCEPTED_CONCESSION : Reason.ACCEPTED, verified);
}
