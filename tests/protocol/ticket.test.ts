import { describe, expect, it } from 'vitest';
import {
  CwtKey, ErrorCode, IssuerMode, Product, TRANSIT_CLAIM_KEY, TransitKey, decodeSign1, decodeTicket, decodeTicketClaims,
  displayMaskedId, encodeCbor, encodeTicketClaims, holderIdHash, holderIdMatches, intMap, keptIdCharacters, kidOf,
  maskName, QR_MAX_TYPICAL_LENGTH, ticketHash, bytesToHex,
} from '../../protocol/index.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, decodeCbor, utf8ToBytes } from '../../protocol/index.js';
import { HOLDER, ID_KEY, busIssuer, issue, testBytes, ticketInput, errorCode } from './fixtures.js';


describe('ticket claims', () => {
  it('round-trip with defaults filled in and left off the wire', () => {
    const input = ticketInput();
    const claims = decodeTicketClaims(encodeTicketClaims(input));
    expect(claims.transit).toMatchObject({ ...input.transit, passengers: 1, currency: 'CNY', rides: 1, mode: IssuerMode.ROAD });
    expect(claims.cti).toEqual(input.cti);
    const raw = new Map([...(decodeTicketClaimsRaw(encodeTicketClaims(input)).get(TRANSIT_CLAIM_KEY) as Map<number, unknown>)]);
    for (const k of [TransitKey.PASSENGERS, TransitKey.CURRENCY, TransitKey.RIDES, TransitKey.MODE]) expect(raw.has(k)).toBe(false);
  });

  it('keep non-default passengers, rides, currency and mode', () => {
    const input = ticketInput({ passengers: 3, rides: 10, currency: 'HKD', mode: IssuerMode.RAIL });
    expect(decodeTicketClaims(encodeTicketClaims(input)).transit).toMatchObject({ passengers: 3, rides: 10, currency: 'HKD', mode: IssuerMode.RAIL });
  });

  it('ignore unknown keys, so newer issuers stay readable', () => {
    const payload = encodeCbor(intMap([
      [CwtKey.EXP, 2000000000], [CwtKey.CTI, testBytes('x', 8)], [99, 'future'],
      [TRANSIT_CLAIM_KEY, intMap([[TransitKey.OPERATOR, 'YTBUS'], [TransitKey.TICKET_NO, '1'], [TransitKey.PRODUCT, 0], [TransitKey.FARE, 100], [77, [1, 2]]])],
    ]));
    expect(decodeTicketClaims(payload).transit.ticketNo).toBe('1');
  });

  it.each([
    ['exp as text', [[CwtKey.EXP, '2030']]],
    ['cti too short', [[CwtKey.CTI, new Uint8Array(4)]]],
    ['negative fare', [[TRANSIT_CLAIM_KEY, 'fare', -1]]],
    ['unknown product', [[TRANSIT_CLAIM_KEY, 'product', 42]]],
    ['service date not a date', [[TRANSIT_CLAIM_KEY, 'date', 20261340]]],
    ['zero passengers', [[TRANSIT_CLAIM_KEY, 'pax', 0]]],
    ['holder id hash of the wrong size', [[TRANSIT_CLAIM_KEY, 'idh', new Uint8Array(20)]]],
  ])('reject %s with a MALFORMED error', (_name, changes) => {
    const base = decodeTicketClaimsRaw(encodeTicketClaims(ticketInput()));
    const transit = new Map(base.get(TRANSIT_CLAIM_KEY) as Map<number, unknown>);
    const field = { fare: TransitKey.FARE, product: TransitKey.PRODUCT, date: TransitKey.SERVICE_DATE, pax: TransitKey.PASSENGERS, idh: TransitKey.HOLDER_ID_HASH } as Record<string, number>;
    for (const change of changes as unknown[][]) {
      if (change[0] === TRANSIT_CLAIM_KEY) transit.set(field[change[1] as string], change[2]);
      else base.set(change[0] as number, change[1]);
    }
    base.set(TRANSIT_CLAIM_KEY, transit);
    expect(errorCode(() => decodeTicketClaims(encodeCbor(base)))).toBe(ErrorCode.MALFORMED);
  });

  it('reject a payload that is not a map, or has no transit claims', () => {
    expect(errorCode(() => decodeTicketClaims(encodeCbor([1, 2])))).toBe(ErrorCode.MALFORMED);
    expect(errorCode(() => decodeTicketClaims(encodeCbor(intMap([[CwtKey.EXP, 1], [CwtKey.CTI, new Uint8Array(8)]]))))).toBe(ErrorCode.MALFORMED);
  });

  it('round-trip integers beyond 32 bits as CBOR integers, never floats', () => {
    const input = ticketInput({ fare: 2 ** 40, departure: 2 ** 33 }, { exp: 2 ** 35 });
    const payload = encodeTicketClaims(input);
    expect(decodeTicketClaims(payload)).toMatchObject({ exp: 2 ** 35, transit: { fare: 2 ** 40, departure: 2 ** 33 } });
    expect(bytesToHex(payload)).toContain('041b0000000800000000'); // exp as uint64, preferred form
  });

  it('refuse to sign what a validator would refuse to read', () => {
    expect(errorCode(() => encodeTicketClaims(ticketInput({ line: 'L'.repeat(33) })))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(errorCode(() => encodeTicketClaims(ticketInput({ departure: -5 })))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(errorCode(() => encodeTicketClaims(ticketInput({ fare: 1.5 })))).toBe(ErrorCode.INVALID_ARGUMENT);
  });

  it('refuse to issue from bad input with INVALID_ARGUMENT naming the field', () => {
    expect(errorCode(() => encodeTicketClaims(ticketInput({ fare: -5 })))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(errorCode(() => encodeTicketClaims(ticketInput({ product: 9 as Product })))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(errorCode(() => encodeTicketClaims(ticketInput({}, { cti: new Uint8Array(2) })))).toBe(ErrorCode.INVALID_ARGUMENT);
  });
});

/** The claims as a plain Map, to build variants the encoder would refuse to make. */
function decodeTicketClaimsRaw(bytes: Uint8Array): Map<number, unknown> {
  return decodeCbor(bytes) as Map<number, unknown>;
}

describe('issued ticket', () => {
  it('is a tagged COSE_Sign1 whose kid is the first 8 bytes of SHA-256 of the issuer key', () => {
    const t = issue();
    expect(t.cose[0]).toBe(0xd2); // tag 18
    const msg = decodeSign1(t.cose);
    expect(msg.alg).toBe(-7);
    expect(bytesToHex(msg.kid!)).toBe(bytesToHex(kidOf(busIssuer.publicKey)));
    expect(msg.signature.length).toBe(64);
    expect(decodeTicket(t.qrText).claims.transit.ticketNo).toBe('370600010020261125');
  });

  it(`fits a version-12 QR code: a typical ticket is at most ${QR_MAX_TYPICAL_LENGTH} characters`, () => {
    expect(issue().qrText.length).toBeLessThanOrEqual(QR_MAX_TYPICAL_LENGTH);
  });

  it('carries no full name or ID number', () => {
    const t = issue();
    const qrBytes = new TextDecoder('utf-8', { fatal: false }).decode(t.cose);
    expect(qrBytes).not.toContain(HOLDER.name);
    expect(qrBytes).not.toContain(HOLDER.idNumber);
    expect(qrBytes).not.toContain(HOLDER.idNumber.slice(4, 14));
  });
});

describe('real-name binding', () => {
  it('masks names as printed tickets do', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('张三丰')).toBe('张*丰');
    expect(maskName('欧阳小明')).toBe('欧**明');
    expect(maskName('李')).toBe('李');
  });

  it('keeps the first and last four characters of the ID number and shows the rest as stars', () => {
    expect(keptIdCharacters('37060219900101123x')).toBe('3706123X');
    expect(displayMaskedId('3706123X')).toBe('3706**********123X');
  });

  it('lets an inspector holding the ID-check key match the card to the ticket', () => {
    const claim = holderIdHash(HOLDER.idNumber, testBytes('salt', 16), ID_KEY);
    expect(holderIdMatches(claim, HOLDER.idNumber, [ID_KEY])).toBe(true);
    expect(holderIdMatches(claim, HOLDER.idNumber.toLowerCase(), [testBytes('old key', 32), ID_KEY])).toBe(true);
    expect(holderIdMatches(claim, '370602199001011231', [ID_KEY])).toBe(false);
    // A fresh salt per ticket: the same person's tickets are not linkable by this field.
    expect(bytesToHex(holderIdHash(HOLDER.idNumber, testBytes('other salt', 16), ID_KEY))).not.toBe(bytesToHex(claim));
  });

  it('cannot be reversed from the ticket alone: without the key no candidate ID matches', () => {
    const claim = holderIdHash(HOLDER.idNumber, testBytes('salt', 16), ID_KEY);
    // The attack an unkeyed hash falls to: salt and kept characters are public, try the number itself.
    const unkeyed = sha256(concatBytes(testBytes('salt', 16), utf8ToBytes(HOLDER.idNumber))).subarray(0, 16);
    expect(bytesToHex(claim.subarray(16))).not.toBe(bytesToHex(unkeyed));
    expect(holderIdMatches(claim, HOLDER.idNumber, [])).toBe(false);
    expect(holderIdMatches(claim, HOLDER.idNumber, [testBytes('guessed key', 32)])).toBe(false);
  });

  it('refuses to hash without a proper key or salt', () => {
    expect(errorCode(() => holderIdHash(HOLDER.idNumber, testBytes('salt', 16), new Uint8Array(8)))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(errorCode(() => holderIdHash(HOLDER.idNumber, new Uint8Array(4), ID_KEY))).toBe(ErrorCode.INVALID_ARGUMENT);
  });
});

describe('ticket hash', () => {
  it('is 8 bytes of SHA-256 over the cti (published value for an all-zero cti)', () => {
    // SHA-256 of 8 zero bytes = af5570f5a1810b7a f78caf4bc70a660f...
    expect(bytesToHex(ticketHash(new Uint8Array(8)))).toBe('af5570f5a1810b7a');
  });
});

describe('service dates', () => {
  it('are real calendar dates', async () => {
    const { isServiceDate } = await import('../../protocol/index.js');
    expect([20261125, 20240229, 20000229].every(isServiceDate)).toBe(true);
    expect([20260231, 20250229, 19000229, 20261131, 20261300, 20261100, 2026112].some(isServiceDate)).toBe(false);
  });
});
