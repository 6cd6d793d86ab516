/**
 * A provisioned validator in the simulator for end-to-end tests: the
 * operator's signed trust list, deny list and trips in its store, and
 * helpers to issue the tickets passengers show.
 */
import {
  IssuerMode, encodeQrText, decodeQrText, signDenyList, signTripList, ticketHash,
  type Trip,
} from '../../protocol/index.js';
import type { SyncSettings } from '../../firmware/sync/sync-service.js';
import { SimulatedValidator, type SimulatedValidatorOptions } from '../../simulator/validator/sim-validator.js';
import { NOW, OPERATOR, TRIP, busIssuer, issue, makeTrust, root, testSigner } from '../protocol/fixtures.js';

export { NOW, OPERATOR, TRIP, busIssuer, issue, root };

export const retiredIssuer = testSigner('issuer/retired');
export const rogue = testSigner('issuer/rogue');

export const LATER_TRIP: Trip = Object.freeze({ ...TRIP, id: 'K101-1030', departure: TRIP.departure + 7200, expected: 30 });
export const OTHER_LINE_TRIP: Trip = Object.freeze({ ...TRIP, id: 'K205-0900', line: 'K205', departure: TRIP.departure + 1800, stops: Object.freeze(['YT01', 'ZY09']), expected: 20 });

const header = (version: number) => ({ version, issuedAt: NOW - 3600, operator: OPERATOR });

export const trustDoc = (version = 1) => makeTrust(version, [
  // A key that stopped issuing last month: its tickets must be refused now.
  { publicKey: retiredIssuer.publicKey, name: '旧售票系统', modes: [IssuerMode.ROAD], operators: [OPERATOR], nbf: NOW - 86400 * 400, exp: NOW - 86400 * 30 },
]).bytes;

/** A ticket the operator has revoked. */
export const revokedTicket = issue({ ticketNo: '370600019999999999' });

export const denyDoc = (version = 1) => signDenyList(header(version), [ticketHash(revokedTicket.cti)], root);
export const tripsDoc = (version = 1, trips: readonly Trip[] = [TRIP, LATER_TRIP, OTHER_LINE_TRIP]) => signTripList(header(version), trips, root);

/**
 * Sync settings for tests against a real broker: new records go out within
 * 50 ms, reconnects come within 0.4 s, telemetry stays out of the way.
 */
export const FAST_SYNC: Partial<SyncSettings> = Object.freeze({
  flushIntervalMs: 50,
  telemetryIntervalMs: 3_600_000,
  keepaliveMs: 10_000,
  backoff: { initialMs: 50, maxMs: 400 },
});

export const PROVISIONING = Object.freeze({ validatorId: 'V-0042', operator: OPERATOR, rootKeys: [root.publicKey] });

/** A booted validator with trust, deny and trip lists and TRIP chosen. */
export function validator(options: Partial<SimulatedValidatorOptions> & { chooseTrip?: boolean } = {}): SimulatedValidator {
  const v = new SimulatedValidator({
    provisioning: PROVISIONING,
    epochMs: NOW * 1000,
    config: { trust: trustDoc(), deny: denyDoc(), trips: tripsDoc() },
    ...options,
  });
  v.boot();
  if (options.chooseTrip !== false) v.app.chooseTrip(TRIP.id, TRIP.serviceDate);
  return v;
}

/** Distinct passengers: each call gives a new ticket number and ticket id. */
let serial = 0;
export function passenger(overrides: Parameters<typeof issue>[0] = {}, claims: Parameters<typeof issue>[1] = {}, signer = busIssuer) {
  serial++;
  return issue({ ticketNo: `3706000100${String(serial).padStart(8, '0')}`, ...overrides }, claims, signer);
}

/** The same ticket with one bit of its signature flipped. */
export function forged(qrText: string): string {
  const cose = decodeQrText(qrText).slice();
  cose[cose.length - 1] ^= 0x01;
  return encodeQrText(cose);
}
