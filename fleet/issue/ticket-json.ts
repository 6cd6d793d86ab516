/**
 * ticket.json (the friendly form a booking system or a clerk writes) -> the
 * protocol's TicketInput. This is where real-name data is reduced to what a
 * ticket may carry: the name is masked (张三丰 -> 张*丰), the ID number keeps
 * its first and last four characters, and a salted hash keyed with the
 * operator's ID-check key lets an inspector check the card. The full name and ID number go no further than this file:
 * no error message here quotes them.
 *
 * Fields (see fleet/examples/ticket.json):
 *   operator, ticketNo (string), product ("adult" ... or code), serviceDate,
 *   line, trip, departure, origin, destination, seat, passengers,
 *   fare (minor units, 3650 = ¥36.50), currency, rides, mode, invoiceRef,
 *   exp, nbf, iat (default: now), iss, holder: { name, idNumber }.
 * Times are epoch seconds or ISO 8601 with an offset; serviceDate is
 * YYYYMMDD or "YYYY-MM-DD".
 */
import { holderIdHash, keptIdCharacters, maskName, type TicketInput } from '../../protocol/index.js';
import { InputError } from '../errors.js';
import { parseMode, parseProduct } from '../input/codes.js';
import { JsonObject } from '../input/json-object.js';
import { formatInstant, parseInstant, parseServiceDate } from '../input/time.js';

const FIELDS = [
  'operator', 'ticketNo', 'product', 'serviceDate', 'line', 'trip', 'departure', 'origin', 'destination', 'seat',
  'passengers', 'fare', 'currency', 'rides', 'mode', 'invoiceRef', 'exp', 'nbf', 'iat', 'iss', 'holder',
] as const;

/** Below this many characters the eight a ticket keeps give away most of the ID number. */
const SHORT_ID = 12;

export interface TicketJsonOptions {
  /** Ticket id (8 to 32 random bytes). */
  readonly cti: Uint8Array;
  /** Fresh 16 random bytes for the holder ID hash. */
  readonly idSalt: Uint8Array;
  /** The operator's ID-check key; required when the holder has an ID number. */
  readonly idKey?: Uint8Array;
  /** Seconds since the epoch; the default for iat. */
  readonly now: number;
}

export interface FriendlyTicket {
  readonly input: TicketInput;
  readonly warnings: string[];
}

function optInstant(f: JsonObject, key: string): number | undefined {
  return f.has(key) ? parseInstant(f.raw(key), f.field(key)) : undefined;
}

function holderClaims(f: JsonObject | undefined, salt: Uint8Array, idKey: Uint8Array | undefined, warnings: string[]): Pick<TicketInput['transit'], 'holderName' | 'holderId' | 'holderIdHash'> {
  if (!f) return {};
  f.only(['name', 'idNumber']);
  const name = f.optString('name', 64);
  const idValue = f.raw('idNumber');
  if (idValue !== undefined && typeof idValue !== 'string') throw f.error('idNumber', 'a string (an 18-character ID number loses digits as a JSON number)');
  const id = idValue?.trim();
  if (id !== undefined && (id.length < 8 || id.length > 32)) throw new InputError(`${f.field('idNumber')} must be 8 to 32 characters, got ${id.length}`);
  if (id !== undefined && idKey === undefined) throw new InputError(`${f.field('idNumber')} needs the operator's ID-check key (--id-key; make one with: fleet keygen --kind id-check)`);
  if (id !== undefined && id.length < SHORT_ID) warnings.push(`holder ID number has only ${id.length} characters; the ticket shows 8 of them`);
  return {
    holderName: name === undefined ? undefined : maskName(name),
    holderId: id === undefined ? undefined : keptIdCharacters(id),
    holderIdHash: id === undefined || idKey === undefined ? undefined : holderIdHash(id, salt, idKey),
  };
}

export function ticketFromJson(json: unknown, where: string, options: TicketJsonOptions): FriendlyTicket {
  const f = new JsonObject(json, where).only(FIELDS);
  const warnings: string[] = [];

  if (f.has('ticketNo') && typeof f.raw('ticketNo') !== 'string') throw f.error('ticketNo', 'a string (long numbers lose digits as JSON numbers)');
  if (!f.has('product')) throw f.missing('product');
  const currency = f.optString('currency', 3);
  if (currency !== undefined && !/^[A-Z]{3}$/.test(currency)) throw new InputError(`${f.field('currency')} must be an ISO 4217 code such as CNY`);
  if (!f.has('exp')) throw f.missing('exp');
  const exp = parseInstant(f.raw('exp'), f.field('exp'));
  const nbf = optInstant(f, 'nbf');
  const departure = optInstant(f, 'departure');
  if (nbf !== undefined && nbf >= exp) throw new InputError(`${where}: nbf must be before exp`);
  if (exp <= options.now) warnings.push(`the ticket expired at ${formatInstant(exp)}; validators will refuse it`);
  if (departure !== undefined && departure >= exp) warnings.push('the ticket expires before its departure');

  const input: TicketInput = {
    iss: f.optString('iss', 64),
    exp,
    nbf,
    iat: optInstant(f, 'iat') ?? options.now,
    cti: options.cti,
    transit: {
      operator: f.string('operator', 32),
      ticketNo: f.string('ticketNo', 32),
      product: parseProduct(f.raw('product'), f.field('product')),
      serviceDate: f.has('serviceDate') ? parseServiceDate(f.raw('serviceDate'), f.field('serviceDate')) : undefined,
      line: f.optString('line', 32),
      trip: f.optString('trip', 32),
      departure,
      origin: f.optString('origin', 32),
      destination: f.optString('destination', 32),
      seat: f.optString('seat', 32),
      passengers: f.optInteger('passengers', 1, 99),
      fare: f.integer('fare', 0, Number.MAX_SAFE_INTEGER, ' (minor units: 3650 for ¥36.50)'),
      currency,
      rides: f.optInteger('rides', 1, 1000),
      mode: f.has('mode') ? parseMode(f.raw('mode'), f.field('mode')) : undefined,
      invoiceRef: f.optString('invoiceRef', 64),
      ...holderClaims(f.optObject('holder'), options.idSalt, options.idKey, warnings),
    },
  };
  return { input, warnings };
}
