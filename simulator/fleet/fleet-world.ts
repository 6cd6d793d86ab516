/**
 * The operator's world for a simulated fleet, made in memory with throwaway
 * keys: a root key that signs the trust list, deny list and today's trips,
 * and a bus issuer that sells tickets to fictional passengers. Tickets carry
 * only masked names and ID characters, as real ones do.
 */
import { randomBytes } from 'node:crypto';
import {
  IssuerMode, Product, decodeQrText, encodeQrText, es256SecretKeyFromSeed, holderIdHash, ID_KEY_LENGTH, ID_SALT_LENGTH,
  issueTicket, keptIdCharacters, maskName, nobleSigner, signDenyList, signTripList, signTrustList, ticketHash,
  type Signer, type Trip,
} from '../../protocol/index.js';

export interface FleetWorld {
  readonly operator: string;
  readonly rootPublicKey: Uint8Array;
  readonly documents: { readonly trust: Uint8Array; readonly deny: Uint8Array; readonly trips: Uint8Array };
  /** Today's departures, in departure order. */
  readonly trips: readonly Trip[];
  /** A new passenger's ticket for a trip. */
  ticket(trip: Trip, random: () => number): string;
  /** A ticket the operator has revoked (on the deny list). */
  readonly revoked: string;
  /** A ticket for another line: refused on these buses. */
  ticketForOtherLine(random: () => number): string;
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '霞'];

const newKey = (): Signer => nobleSigner(es256SecretKeyFromSeed(new Uint8Array(randomBytes(48))));

/** `epochMs`: now; the trips run today in the line's time zone (UTC+8). */
export function makeFleetWorld(epochMs: number, operator = 'YTBUS'): FleetWorld {
  const root = newKey();
  const bus = newKey();
  const idKey = new Uint8Array(randomBytes(ID_KEY_LENGTH));
  const now = Math.floor(epochMs / 1000);
  const local = new Date(epochMs + 8 * 3600_000);
  const serviceDate = local.getUTCFullYear() * 10000 + (local.getUTCMonth() + 1) * 100 + local.getUTCDate();
  const midnight = Math.floor(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) / 1000) - 8 * 3600;
  // A departure every half hour on two lines, all day.
  const trips: Trip[] = [];
  for (let slot = 0; slot < 48; slot++) {
    const departure = midnight + slot * 1800;
    const hhmm = `${String(Math.floor(slot / 2)).padStart(2, '0')}${slot % 2 ? '30' : '00'}`;
    trips.push({ id: `K101-${hhmm}`, line: 'K101', serviceDate, departure, stops: ['YT01', 'FS02', 'PL03', 'LK04'], expected: 45 });
    trips.push({ id: `K205-${hhmm}`, line: 'K205', serviceDate, departure, stops: ['YT01', 'MP05', 'HY06'], expected: 30 });
  }
  const header = { version: 1, issuedAt: now - 3600, operator };
  let serial = 0;
  const issue = (trip: Trip, random: () => number) => {
    serial++;
    const name = SURNAMES[Math.floor(random() * SURNAMES.length)] + GIVEN[Math.floor(random() * GIVEN.length)] + GIVEN[Math.floor(random() * GIVEN.length)];
    const idNumber = `3706${String(Math.floor(random() * 1e13)).padStart(13, '0')}X`;
    const cti = new Uint8Array(randomBytes(8));
    const stops = trip.stops;
    const child = random() < 0.1;
    const ticket = issueTicket({
      exp: trip.departure + 6 * 3600, nbf: now - 86_400, iat: now - 3600, cti,
      transit: {
        operator, ticketNo: `3706${String(serviceDate)}${String(serial).padStart(6, '0')}`,
        product: child ? Product.CHILD : Product.ADULT, serviceDate, line: trip.line, trip: trip.id, departure: trip.departure,
        origin: stops[0], destination: stops[1 + Math.floor(random() * (stops.length - 1))], seat: `${1 + (serial % 45)}`,
        fare: child ? 1825 : 3650,
        holderName: maskName(name), holderId: keptIdCharacters(idNumber),
        holderIdHash: holderIdHash(idNumber, new Uint8Array(randomBytes(ID_SALT_LENGTH)), idKey),
      },
    }, bus);
    return { qrText: ticket.qrText, hash: ticketHash(cti) };
  };
  const revoked = issue(trips[0], Math.random);
  const documents = {
    trust: signTrustList(header, [{ publicKey: bus.publicKey, name: '烟台客运售票', modes: [IssuerMode.ROAD], operators: [operator], nbf: now - 86_400 * 30, exp: now + 86_400 * 365 }], root),
    deny: signDenyList(header, [revoked.hash], root),
    trips: signTripList(header, trips, root),
  };
  return {
    operator,
    rootPublicKey: root.publicKey,
    documents,
    trips,
    ticket: (trip, random) => issue(trip, random).qrText,
    revoked: revoked.qrText,
    ticketForOtherLine(random) {
      const other = { ...trips[1], id: 'K999-0000', line: 'K999' };
      return issue(other, random).qrText;
    },
  };
}

/** The same ticket with one bit of its signature flipped: a forgery. */
export function forge(qrText: string): string {
  const cose = decodeQrText(qrText).slice();
  cose[cose.length - 1] ^= 0x01;
  return encodeQrText(cose);
}
