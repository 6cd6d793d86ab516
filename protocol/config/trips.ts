/**
 * Trips: the departures a validator may serve. The driver picks the current
 * one; validation checks a ticket's line, date, trip and stops against it.
 */
import { intMap } from '../cbor.js';
import type { Signer } from '../crypto/verifier.js';
import { ErrorCode, ProtocolError, asSignerCheck } from '../errors.js';
import { Fields, asArray, asText } from '../fields.js';
import { isServiceDate } from '../ticket/claims.js';
import { DocumentType, openDocument, signDocument, type DocumentHeader, type OpenOptions } from './document.js';

export const TripKey = Object.freeze({ ID: 1, LINE: 2, SERVICE_DATE: 3, DEPARTURE: 4, STOPS: 5, EXPECTED: 6 } as const);

export interface Trip {
  readonly id: string;
  readonly line: string;
  /** YYYYMMDD, local date of the line. */
  readonly serviceDate: number;
  /** Scheduled departure, seconds since the epoch. */
  readonly departure: number;
  /** Stop codes in running order. */
  readonly stops: readonly string[];
  /** Passengers booked, for the driver's boarded/expected count. */
  readonly expected: number;
}

export interface TripList extends Omit<DocumentHeader, 'type'> {
  readonly trips: readonly Trip[];
}

export function readTrip(value: unknown, what = 'trip'): Trip {
  const f = new Fields(value, what);
  const serviceDate = f.uint(TripKey.SERVICE_DATE, 'serviceDate');
  if (!isServiceDate(serviceDate)) throw new ProtocolError(ErrorCode.MALFORMED, `${what}: service date ${serviceDate} is not YYYYMMDD`);
  const stops = f.array(TripKey.STOPS, 'stops').map((s, i) => asText(s, `${what}.stops[${i}]`, 32));
  if (stops.length < 2) throw new ProtocolError(ErrorCode.MALFORMED, `${what}: a trip has at least two stops`);
  return Object.freeze({
    id: f.text(TripKey.ID, 'id', 32),
    line: f.text(TripKey.LINE, 'line', 32),
    serviceDate,
    departure: f.uint(TripKey.DEPARTURE, 'departure'),
    stops: Object.freeze(stops),
    expected: f.optUint(TripKey.EXPECTED, 'expected') ?? 0,
  });
}

export function encodeTrip(trip: Trip): Map<number, unknown> {
  return intMap([
    [TripKey.ID, trip.id],
    [TripKey.LINE, trip.line],
    [TripKey.SERVICE_DATE, trip.serviceDate],
    [TripKey.DEPARTURE, trip.departure],
    [TripKey.STOPS, [...trip.stops]],
    [TripKey.EXPECTED, trip.expected || undefined],
  ]);
}

export function signTripList(header: Omit<DocumentHeader, 'type'>, trips: readonly Trip[], rootSigner: Signer): Uint8Array {
  const body = trips.map(encodeTrip);
  asSignerCheck(() => readTrips(body));
  return signDocument({ ...header, type: DocumentType.TRIPS }, body, rootSigner);
}

export function openTripList(bytes: Uint8Array, options: OpenOptions): TripList {
  const doc = openDocument(bytes, DocumentType.TRIPS, options);
  return Object.freeze({ version: doc.version, issuedAt: doc.issuedAt, operator: doc.operator, trips: readTrips(doc.body) });
}

function readTrips(body: unknown): readonly Trip[] {
  const trips = asArray(body, 'trip list body').map((t, i) => readTrip(t, `trip[${i}]`));
  // A trip id names a departure within a day ("K101-0830"); the date tells the days apart.
  const keys = new Set(trips.map((t) => `${t.id}@${t.serviceDate}`));
  if (keys.size !== trips.length) throw new ProtocolError(ErrorCode.MALFORMED, 'trip id and service date pairs must be unique');
  return Object.freeze(trips);
}
