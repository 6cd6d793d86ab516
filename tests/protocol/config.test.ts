import { describe, expect, it } from 'vitest';
import {
  DenyList, DocumentType, ErrorCode, IssuerMode, applyDenyDelta, bytesToHex, findIssuer, isNewerVersion, kidOf,
  openDenyDelta, openDenyList, openDocument, openTripList, openTrustList, signDenyDelta, signDenyList, signDocument,
  signTripList, signTrustList, ticketHash,
} from '../../protocol/index.js';
import { NOW, OPERATOR, TRIP, busIssuer, makeTrust, railIssuer, root, testBytes, testSigner, errorCode } from './fixtures.js';

const rootKeys = [root.publicKey];
const header = (version: number) => ({ version, issuedAt: NOW, operator: OPERATOR });

describe('signed configuration documents', () => {
  it('open only under a known root key and with the expected type', () => {
    const doc = signDocument({ type: DocumentType.TRUST, ...header(3) }, [], root);
    expect(openDocument(doc, DocumentType.TRUST, { rootKeys }).version).toBe(3);
    expect(errorCode(() => openDocument(doc, DocumentType.DENY, { rootKeys }))).toBe(ErrorCode.WRONG_DOCUMENT);
    expect(errorCode(() => openDocument(doc, DocumentType.TRUST, { rootKeys: [busIssuer.publicKey] }))).toBe(ErrorCode.UNKNOWN_KEY);
  });

  it('are rejected when signed by an impostor using the root kid', () => {
    const impostor = testSigner('impostor');
    const forged = signDocument({ type: DocumentType.TRUST, ...header(9) }, [], {
      ...impostor,
      publicKey: root.publicKey, // claims the root kid
      sign: (d) => impostor.sign(d),
    });
    expect(errorCode(() => openDocument(forged, DocumentType.TRUST, { rootKeys }))).toBe(ErrorCode.BAD_SIGNATURE);
  });

  it('only move forward: same version is "nothing to do", older is ROLLBACK', () => {
    expect(isNewerVersion(5, undefined)).toBe(true);
    expect(isNewerVersion(6, 5)).toBe(true);
    expect(isNewerVersion(5, 5)).toBe(false);
    expect(errorCode(() => isNewerVersion(4, 5))).toBe(ErrorCode.ROLLBACK);
  });
});

describe('trust list', () => {
  it('holds several issuers, found by kid', () => {
    const { trust } = makeTrust(7);
    expect(trust.version).toBe(7);
    expect(trust.issuers.size).toBe(2);
    expect(findIssuer(trust, kidOf(railIssuer.publicKey))?.modes).toEqual([IssuerMode.RAIL]);
    expect(findIssuer(trust, testBytes('nobody', 8))).toBeUndefined();
  });

  it('rejects an entry whose kid does not match its key, and duplicate kids', () => {
    const mismatched = signDocument({ type: DocumentType.TRUST, ...header(1) }, [
      new Map<number, unknown>([[1, kidOf(railIssuer.publicKey)], [2, busIssuer.publicKey], [3, 'x'], [4, [0]], [5, ['YTBUS']], [6, 0], [7, NOW]]),
    ], root);
    expect(errorCode(() => openTrustList(mismatched, { rootKeys }))).toBe(ErrorCode.MALFORMED);
    const entry = new Map<number, unknown>([[1, kidOf(busIssuer.publicKey)], [2, busIssuer.publicKey], [3, 'x'], [4, [0]], [5, ['YTBUS']], [6, 0], [7, NOW]]);
    const dup = signDocument({ type: DocumentType.TRUST, ...header(1) }, [entry, entry], root);
    expect(errorCode(() => openTrustList(dup, { rootKeys }))).toBe(ErrorCode.MALFORMED);
  });

  it('is never signed with what validators would refuse: the signer runs the same checks', () => {
    const issuer = { publicKey: busIssuer.publicKey, name: 'a', modes: [IssuerMode.ROAD], operators: [OPERATOR], nbf: 0, exp: NOW };
    expect(errorCode(() => signTrustList(header(1), [issuer, issuer], root))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(errorCode(() => signTrustList(header(1), [{ ...issuer, name: 'x'.repeat(65) }], root))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(errorCode(() => signTrustList(header(1), [{ ...issuer, modes: [9 as IssuerMode] }], root))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(errorCode(() => signTrustList({ ...header(1), operator: 'X'.repeat(33) }, [issuer], root))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(errorCode(() => signTrustList(header(0), [issuer], root))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(errorCode(() => signTrustList({ ...header(1), issuedAt: -1 }, [issuer], root))).toBe(ErrorCode.INVALID_ARGUMENT);
  });

  it('rejects a tampered document', () => {
    const { bytes } = makeTrust();
    const tampered = bytes.slice();
    tampered[bytes.length - 70] ^= 1; // inside the payload, before the signature
    expect([ErrorCode.BAD_SIGNATURE, ErrorCode.MALFORMED]).toContain(errorCode(() => openTrustList(tampered, { rootKeys })));
  });
});

describe('deny list', () => {
  const hashes = Array.from({ length: 1000 }, (_, i) => ticketHash(testBytes(`revoked ${i}`, 8)));

  it('finds every revoked ticket and nothing else, at 8 bytes an entry', () => {
    const list = openDenyList(signDenyList(header(1), hashes, root), { rootKeys });
    expect(list.size).toBe(1000);
    expect(list.entries.length).toBe(8000);
    for (const h of hashes) expect(list.has(h)).toBe(true);
    for (let i = 0; i < 200; i++) expect(list.has(ticketHash(testBytes(`valid ${i}`, 8)))).toBe(false);
  });

  it('de-duplicates on signing and refuses unsorted entries on reading', () => {
    expect(openDenyList(signDenyList(header(1), [...hashes, ...hashes], root), { rootKeys }).size).toBe(1000);
    const unsorted = new Uint8Array(16).fill(0xff);
    unsorted.fill(0, 8); // ff..ff then 00..00: descending
    expect(errorCode(() => new DenyList(header(1), unsorted))).toBe(ErrorCode.MALFORMED);
    expect(errorCode(() => new DenyList(header(1), new Uint8Array(12)))).toBe(ErrorCode.MALFORMED);
  });

  it('applies a delta to the version it was made against, and refuses any other base', () => {
    const v1 = openDenyList(signDenyList(header(1), hashes.slice(0, 10), root), { rootKeys });
    const added = ticketHash(testBytes('new revocation', 8));
    const delta = openDenyDelta(signDenyDelta(header(2), 1, { add: [added], remove: [hashes[0]] }, root), { rootKeys });
    const v2 = applyDenyDelta(v1, delta);
    expect(v2.version).toBe(2);
    expect(v2.has(added)).toBe(true);
    expect(v2.has(hashes[0])).toBe(false);
    expect(v2.has(hashes[5])).toBe(true);
    expect(errorCode(() => applyDenyDelta(v2, delta))).toBe(ErrorCode.ROLLBACK);
  });
});

describe('trip list', () => {
  it('round-trips trips and refuses a trip with fewer than two stops or a duplicate departure', () => {
    const list = openTripList(signTripList(header(4), [TRIP, { ...TRIP, serviceDate: 20261126 }], root), { rootKeys });
    expect(list.trips[0]).toEqual(TRIP);
    expect(errorCode(() => signTripList(header(4), [{ ...TRIP, stops: ['YT01'] }], root))).toBe(ErrorCode.INVALID_ARGUMENT);
    expect(errorCode(() => signTripList(header(4), [TRIP, TRIP], root))).toBe(ErrorCode.INVALID_ARGUMENT);
    const dup = signDocument({ type: DocumentType.TRIPS, ...header(5) }, [TRIP, TRIP].map((t) => new Map<number, unknown>([[1, t.id], [2, t.line], [3, t.serviceDate], [4, t.departure], [5, [...t.stops]]])), root);
    expect(errorCode(() => openTripList(dup, { rootKeys }))).toBe(ErrorCode.MALFORMED);
  });
});
