import { describe, expect, it } from 'vitest';
import {
  Decision, DenyList, IssuerMode, Product, REASONS, Reason, VerifiedCache, packHashes, ticketHash, validate,
  type TicketUsage, type UsageView, type Verifier,
} from '../../protocol/index.js';
import { decodeSign1, encodeCbor, encodeQrText, Tag } from '../../protocol/index.js';
import { HOLDER, NOW, TRIP, context, issue, makeTrust, railIssuer, testSigner } from './fixtures.js';

function usage(entries: Array<[Uint8Array, TicketUsage]>): UsageView {
  const map = new Map(entries.map(([h, u]) => [Array.from(h).join(','), u]));
  return { get: (h) => map.get(Array.from(h).join(',')) };
}

function countingVerifier(inner: Verifier): Verifier & { calls: number } {
  const v = { calls: 0, verify: (...args: Parameters<Verifier['verify']>) => (v.calls++, inner.verify(...args)) };
  return v;
}

describe('validate: one reason per failed check', () => {
  it('accepts a valid adult ticket and shows only what the ticket shows', () => {
    const r = validate(issue().qrText, context());
    expect(r).toMatchObject({ decision: Decision.ACCEPT, reason: Reason.ACCEPTED, text: { zh: '验票通过 请上车' } });
    expect(r.summary).toMatchObject({ holderName: '张*丰', holderId: '3706**********123X', seat: '12A', passengers: 1, issuer: '烟台汽车总站' });
    expect(JSON.stringify(r)).not.toContain(HOLDER.idNumber);
    expect(r.ticket?.hash).toEqual(ticketHash(issue().cti));
  });

  it('asks the driver to check the card of a student or concession ticket', () => {
    for (const product of [Product.CHILD, Product.STUDENT, Product.CONCESSION, Product.FREE_CHILD, Product.STAFF]) {
      expect(validate(issue({ product }).qrText, context()).reason).toBe(Reason.ACCEPTED_CONCESSION);
    }
    expect(validate(issue({ product: Product.PASS, trip: undefined, serviceDate: undefined }).qrText, context()).reason).toBe(Reason.ACCEPTED);
  });

  it('MALFORMED for anything that is not a ticket; UNSUPPORTED_VERSION for a future format', () => {
    for (const qr of ['', 'hello', 'TK1:', 'TK1:%%%', 'TK1:BB8', 'http://x.cn/?t=TK1:abc']) expect(validate(qr, context()).reason).toBe(Reason.MALFORMED);
    expect(validate('TK2:' + issue().qrText.slice(4), context()).reason).toBe(Reason.UNSUPPORTED_VERSION);
  });

  it('UNKNOWN_ISSUER for a key not on the trust list', () => {
    expect(validate(issue({}, {}, testSigner('stranger')).qrText, context()).reason).toBe(Reason.UNKNOWN_ISSUER);
  });

  it('ISSUER_KEY_EXPIRED outside the key validity, beyond the clock-skew tolerance', () => {
    const stale = testSigner('stale');
    const { trust } = makeTrust(2, [{ publicKey: stale.publicKey, name: 'old', modes: [IssuerMode.ROAD], operators: ['YTBUS'], nbf: 0, exp: NOW - 301 }]);
    expect(validate(issue({}, {}, stale).qrText, context({ trust })).reason).toBe(Reason.ISSUER_KEY_EXPIRED);
    expect(validate(issue({}, {}, stale).qrText, context({ trust, now: NOW - 2 })).reason).toBe(Reason.ACCEPTED);
  });

  it('ISSUER_NOT_ALLOWED when a rail issuer sells a road ticket, or for another operator', () => {
    expect(validate(issue({}, {}, railIssuer).qrText, context()).reason).toBe(Reason.ISSUER_NOT_ALLOWED);
    expect(validate(issue({ mode: IssuerMode.RAIL }, {}, railIssuer).qrText, context()).reason).toBe(Reason.ACCEPTED);
    expect(validate(issue({ mode: IssuerMode.RAIL, operator: 'OTHER' }, {}, railIssuer).qrText, context()).reason).toBe(Reason.ISSUER_NOT_ALLOWED);
  });

  it('BAD_SIGNATURE when the payload was altered after signing', () => {
    // A better seat, carried by the genuine ticket's signature.
    const r = validate(spliceSignature(issue({ seat: '01A' }).cose, issue().cose), context());
    expect(r.reason).toBe(Reason.BAD_SIGNATURE);
    expect(r.summary).toBeUndefined();
  });

  it('REVOKED for a ticket on the deny list', () => {
    const t = issue();
    const deny = new DenyList({ version: 1, issuedAt: NOW, operator: 'YTBUS' }, packHashes([ticketHash(t.cti)]));
    expect(validate(t.qrText, context({ deny })).reason).toBe(Reason.REVOKED);
  });

  it('NOT_YET_VALID and EXPIRED with a clock-skew tolerance', () => {
    const early = issue({}, { nbf: NOW + 600 });
    expect(validate(early.qrText, context()).reason).toBe(Reason.NOT_YET_VALID);
    expect(validate(early.qrText, context({ clockSkew: 600 })).reason).toBe(Reason.ACCEPTED);
    const late = issue({}, { exp: NOW - 60 });
    expect(validate(late.qrText, context({ clockSkew: 30 })).reason).toBe(Reason.EXPIRED);
    expect(validate(late.qrText, context({ clockSkew: 61 })).reason).toBe(Reason.ACCEPTED);
  });

  it('WRONG_LINE, WRONG_DATE, WRONG_TRIP, WRONG_STOP against the chosen trip', () => {
    expect(validate(issue({ line: 'K202' }).qrText, context()).reason).toBe(Reason.WRONG_LINE);
    // A genuine ticket of another operator, from an issuer trusted for both.
    const shared = testSigner('shared issuer');
    const { trust } = makeTrust(2, [{ publicKey: shared.publicKey, name: 'shared', modes: [IssuerMode.ROAD], operators: ['YTBUS', 'OTHER'], nbf: 0, exp: NOW + 86400 }]);
    expect(validate(issue({ operator: 'OTHER' }, {}, shared).qrText, context({ trust })).reason).toBe(Reason.WRONG_LINE);
    expect(validate(issue({ serviceDate: 20261124 }).qrText, context()).reason).toBe(Reason.WRONG_DATE);
    expect(validate(issue({ trip: 'K101-1030' }).qrText, context()).reason).toBe(Reason.WRONG_TRIP);
    expect(validate(issue({ origin: 'XX99' }).qrText, context()).reason).toBe(Reason.WRONG_STOP);
    expect(validate(issue({ origin: 'PL03', destination: 'YT01' }).qrText, context()).reason).toBe(Reason.WRONG_STOP);
    // Boarding at PL03, the ticket's destination, is too late.
    expect(validate(issue().qrText, context({ stop: 'PL03' })).reason).toBe(Reason.WRONG_STOP);
    expect(validate(issue().qrText, context({ stop: 'FS02' })).reason).toBe(Reason.ACCEPTED);
    // Without a chosen trip only the operator is checked.
    expect(validate(issue({ line: 'K202' }).qrText, context({ trip: undefined })).reason).toBe(Reason.ACCEPTED);
  });

  it('ALREADY_SCANNED for a re-scan moments later on the same trip; ALREADY_USED once rides are used up', () => {
    const t = issue();
    const h = ticketHash(t.cti);
    const justNow = usage([[h, { boardings: 1, lastTrip: TRIP.id, lastTime: NOW - 30 }]]);
    expect(validate(t.qrText, context({ usage: justNow }))).toMatchObject({ decision: Decision.REPEAT, reason: Reason.ALREADY_SCANNED });
    const longAgo = usage([[h, { boardings: 1, lastTrip: TRIP.id, lastTime: NOW - 3600 }]]);
    expect(validate(t.qrText, context({ usage: longAgo })).reason).toBe(Reason.ALREADY_USED);
    const otherTrip = usage([[h, { boardings: 1, lastTrip: 'K101-0630', lastTime: NOW - 30 }]]);
    expect(validate(t.qrText, context({ usage: otherTrip })).reason).toBe(Reason.ALREADY_USED);
    const multi = issue({ rides: 10, trip: undefined });
    const used3 = usage([[ticketHash(multi.cti), { boardings: 3, lastTrip: 'K101-0630', lastTime: NOW - 7200 }]]);
    expect(validate(multi.qrText, context({ usage: used3 })).reason).toBe(Reason.ACCEPTED);
  });
});

describe('validate: check order (the first failure decides)', () => {
  it('revoked beats expired, expired beats wrong trip, wrong trip beats already used', () => {
    const t = issue({ trip: 'K101-1030' }, { exp: NOW - 3600 });
    const h = ticketHash(t.cti);
    const deny = new DenyList({ version: 1, issuedAt: NOW, operator: 'YTBUS' }, packHashes([h]));
    const used = usage([[h, { boardings: 1, lastTrip: 'x', lastTime: NOW - 9999 }]]);
    expect(validate(t.qrText, context({ deny, usage: used })).reason).toBe(Reason.REVOKED);
    expect(validate(t.qrText, context({ usage: used })).reason).toBe(Reason.EXPIRED);
    const fresh = issue({ trip: 'K101-1030' });
    expect(validate(fresh.qrText, context({ usage: usage([[ticketHash(fresh.cti), { boardings: 1, lastTrip: 'x', lastTime: 0 }]]) })).reason).toBe(Reason.WRONG_TRIP);
  });

  it('fails closed when the signature backend itself fails', () => {
    const broken: Verifier = { verify: () => { throw new Error('secure element not responding'); } };
    expect(validate(issue().qrText, context({ verifier: broken })).reason).toBe(Reason.BAD_SIGNATURE);
  });

  it('checks the key before the signature: an unknown issuer costs no ECDSA', () => {
    const verifier = countingVerifier(context().verifier);
    validate(issue({}, {}, testSigner('stranger')).qrText, context({ verifier }));
    expect(verifier.calls).toBe(0);
  });

  it('every reason has a decision and driver texts in Chinese and English', () => {
    for (const info of Object.values(REASONS)) {
      expect(info.zh.length).toBeGreaterThan(1);
      expect(info.en.length).toBeGreaterThan(1);
      expect(info.en.length).toBeLessThanOrEqual(32);
    }
    expect(new Set(Object.values(REASONS).map((r) => r.id)).size).toBe(Object.keys(REASONS).length);
  });
});

describe('verification cache', () => {
  it('lets a re-scan skip ECDSA, but never for different bytes', () => {
    const verifier = countingVerifier(context().verifier);
    const verified = new VerifiedCache({ capacity: 2 });
    const t = issue();
    expect(validate(t.qrText, context({ verifier, verified })).signatureChecked).toBe(true);
    expect(validate(t.qrText, context({ verifier, verified })).signatureChecked).toBe(false);
    expect(verifier.calls).toBe(1);
    const forged = spliceSignature(issue({ seat: '01A' }).cose, t.cose);
    expect(validate(forged, context({ verifier, verified })).reason).toBe(Reason.BAD_SIGNATURE);
    expect(verifier.calls).toBe(2);
  });

  it('forgets the least recently used text beyond its capacity', () => {
    const c = new VerifiedCache({ capacity: 2 });
    c.add('a');
    c.add('b');
    c.has('a');
    c.add('c');
    expect([c.has('a'), c.has('b'), c.has('c')]).toEqual([true, false, true]);
  });
});

/** QR text of `payloadFrom`'s protected header and payload with `signatureFrom`'s signature. */
function spliceSignature(payloadFrom: Uint8Array, signatureFrom: Uint8Array): string {
  const a = decodeSign1(payloadFrom);
  const b = decodeSign1(signatureFrom);
  return encodeQrText(encodeCbor(new Tag([a.protectedBytes, new Map(), a.payload, b.signature], 18)));
}

describe('validate: loop lines and stops', () => {
  const loop = { ...TRIP, id: 'L1-0900', line: 'L1', stops: ['A', 'B', 'C', 'A'] };

  it('accepts a ride back to the first stop of a loop line', () => {
    const t = issue({ line: 'L1', trip: 'L1-0900', origin: 'B', destination: 'A' });
    expect(validate(t.qrText, context({ trip: loop })).reason).toBe(Reason.ACCEPTED);
    expect(validate(t.qrText, context({ trip: loop, stop: 'C' })).reason).toBe(Reason.ACCEPTED);
  });

  it('still refuses boarding after the destination, and ignores a current stop the trip does not have', () => {
    const t = issue({ line: 'L1', trip: 'L1-0900', origin: 'A', destination: 'B' });
    expect(validate(t.qrText, context({ trip: loop, stop: 'C' })).reason).toBe(Reason.WRONG_STOP);
    expect(validate(t.qrText, context({ trip: loop, stop: 'ZZ' })).reason).toBe(Reason.ACCEPTED);
  });
});
