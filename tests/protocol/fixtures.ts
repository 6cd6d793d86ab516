/**
 * Shared test fixtures: deterministic keys, a trust list, a trip and a
 * typical ticket, so each test states only what it changes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import {
  IssuerMode, Product, es256SecretKeyFromSeed, holderIdHash, issueTicket, keptIdCharacters, maskName, nobleSigner,
  nobleVerifier, openTrustList, signTrustList, utf8ToBytes, type Signer, type TicketInput, type Trip, type TrustList,
  type ValidationContext,
} from '../../protocol/index.js';

/** A deterministic ES256 signer per label. */
export function testSigner(label: string): Signer {
  const seed = new Uint8Array(48);
  seed.set(sha256(utf8ToBytes(`seed/${label}/a`)), 0);
  seed.set(sha256(utf8ToBytes(`seed/${label}/b`)).subarray(0, 16), 32);
  return nobleSigner(es256SecretKeyFromSeed(seed));
}

export function testBytes(label: string, length: number): Uint8Array {
  return sha256(utf8ToBytes(label)).slice(0, length);
}

/** 2026-11-25 08:00 in China (UTC+8). */
export const NOW = Date.UTC(2026, 10, 25, 0, 0, 0) / 1000;
export const OPERATOR = 'YTBUS';

export const root = testSigner('root');
export const busIssuer = testSigner('issuer/bus');
export const railIssuer = testSigner('issuer/rail');

export function makeTrust(version = 1, extra: Parameters<typeof signTrustList>[1] = []): { bytes: Uint8Array; trust: TrustList } {
  const bytes = signTrustList({ version, issuedAt: NOW - 86400, operator: OPERATOR }, [
    { publicKey: busIssuer.publicKey, name: '烟台汽车总站', modes: [IssuerMode.ROAD], operators: [OPERATOR], nbf: NOW - 86400 * 30, exp: NOW + 86400 * 365 },
    { publicKey: railIssuer.publicKey, name: '12306 联程', modes: [IssuerMode.RAIL], operators: [OPERATOR], nbf: NOW - 86400 * 30, exp: NOW + 86400 * 365 },
    ...extra,
  ], root);
  return { bytes, trust: openTrustList(bytes, { rootKeys: [root.publicKey] }) };
}

export const TRIP: Trip = Object.freeze({
  id: 'K101-0830',
  line: 'K101',
  serviceDate: 20261125,
  departure: NOW + 1800,
  stops: Object.freeze(['YT01', 'FS02', 'PL03', 'LK04']),
  expected: 42,
});

export const HOLDER = Object.freeze({ name: '张三丰', idNumber: '37060219900101123X' });
/** The operator's ID-check key (realname.ts). */
export const ID_KEY = testBytes('id-check key', 32);

export function ticketInput(overrides: Partial<TicketInput['transit']> = {}, claims: Partial<Omit<TicketInput, 'transit'>> = {}): TicketInput {
  return {
    exp: NOW + 86400,
    nbf: NOW - 3600,
    iat: NOW - 7200,
    cti: testBytes(`cti/${JSON.stringify(overrides)}/${JSON.stringify(claims)}`, 8),
    ...claims,
    transit: {
      operator: OPERATOR,
      ticketNo: '370600010020261125',
      product: Product.ADULT,
      serviceDate: 20261125,
      line: 'K101',
      trip: TRIP.id,
      departure: TRIP.departure,
      origin: 'YT01',
      destination: 'PL03',
      seat: '12A',
      fare: 3650,
      holderName: maskName(HOLDER.name),
      holderId: keptIdCharacters(HOLDER.idNumber),
      holderIdHash: holderIdHash(HOLDER.idNumber, testBytes('salt', 16), ID_KEY),
      ...overrides,
    },
  };
}

/** A signed ticket plus its cti (which tests need for ticket hashes). */
export function issue(overrides: Partial<TicketInput['transit']> = {}, claims: Partial<Omit<TicketInput, 'transit'>> = {}, signer: Signer = busIssuer) {
  const input = ticketInput(overrides, claims);
  return { ...issueTicket(input, signer), cti: input.cti };
}

export function context(overrides: Partial<ValidationContext> = {}): ValidationContext {
  return { operator: OPERATOR, trust: makeTrust().trust, trip: TRIP, now: NOW, verifier: nobleVerifier, ...overrides };
}

/** The ProtocolError code `fn` throws, 'no error' if it returns, or the text of anything else. */
export function errorCode(fn: () => unknown): string {
  try {
    fn();
    return 'no error';
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}
