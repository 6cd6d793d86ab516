import { describe, expect, it } from 'vitest';
import { ErrorCode, Reason, Tag, decodeCbor, decodeSign1, encodeCbor, encodeQrText, hexToBytes, validate } from '../../protocol/index.js';
import { context, issue, errorCode } from './fixtures.js';


describe('CBOR profile', () => {
  it.each([
    ['a2 01 01 01 02', 'a duplicate map key'],
    ['a2 01 01 18 01 02', 'a duplicate key written in a longer form'],
    ['a1 f9 3c00 01', 'a float as a map key'],
    ['fb 3ff0000000000000', 'a whole-number float where an integer belongs'],
    ['f7', 'undefined'],
    ['d8 40 43 010203', 'tag 64 around a byte string'],
    ['c1 1a 6b077680', 'tag 1 (epoch date)'],
    ['5f 41 01 ff', 'an indefinite-length byte string'],
    ['9f 01 ff', 'an indefinite-length array'],
    ['5a ffffffff 00', 'a byte string longer than the input'],
    ['9b 0000000100000000', 'an array longer than the input'],
    ['01 02', 'trailing bytes'],
    ['8181818181818181818181818181818181 00', 'nesting deeper than 16'],
    ['a1 80 01', 'an array as a map key'],
    ['1c', 'reserved additional information'],
    ['62 c328', 'text that is not UTF-8'],
    ['62 c0af', 'an overlong UTF-8 form'],
    ['63 eda080', 'a UTF-16 surrogate in UTF-8'],
    ['64 f4908080', 'a code point above U+10FFFF'],
    ['62 e4b8', 'a UTF-8 sequence cut short'],
    ['64 efbbbf61', 'a text string starting with a byte-order mark'],
  ])('rejects %s: %s', (hex) => {
    expect(errorCode(() => decodeCbor(hexToBytes(hex.replace(/ /g, ''))))).toBe(ErrorCode.MALFORMED);
  });

  it('accepts what TK1 uses, including non-shortest integers and null/true/false', () => {
    expect(decodeCbor(hexToBytes('a3 01 18 07 02 f6 03 f5'.replace(/ /g, '')))).toEqual(new Map<number, unknown>([[1, 7], [2, null], [3, true]]));
    expect(decodeCbor(hexToBytes('a1 63 6b6579 3a00010000'.replace(/ /g, '')))).toEqual(new Map([['key', -65537]]));
    expect(decodeCbor(hexToBytes('67 e5bca02ae4b8b0'.replace(/ /g, '')))).toBe('张*丰');
    expect(decodeCbor(hexToBytes('1b 001fffffffffffff'.replace(/ /g, '')))).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('allows tag 18 or 61(18) only around a COSE message', () => {
    const cose = issue().cose;
    expect(() => decodeSign1(cose)).not.toThrow();
    expect(errorCode(() => decodeCbor(cose))).toBe(ErrorCode.MALFORMED);
    expect(() => decodeSign1(encodeCbor(new Tag(decodeSign1Parts(cose), 18)))).not.toThrow();
  });
});

describe('one ticket, one encoding', () => {
  const t = issue();
  const [p, u, payload, sig] = decodeSign1Parts(t.cose);

  it('refuses a genuine ticket whose byte strings were re-wrapped in tag 64', () => {
    const wrapped = encodeCbor(new Tag([p, u, new Tag(payload, 64), sig], 18));
    expect(validate(encodeQrText(wrapped), context()).reason).toBe(Reason.MALFORMED);
  });

  it('refuses a duplicate kid in the unprotected header instead of picking one', () => {
    const q = hexToBytes('a10126'); // {1: -7} protected, kid moved out
    const dupKid = new Uint8Array([0xa2, 0x04, 0x48, ...new Uint8Array(8), 0x04, 0x48, ...new Uint8Array(8)]);
    const bytes = new Uint8Array([0xd2, 0x84, 0x43, ...q, ...dupKid, ...encodeCbor(payload), ...encodeCbor(sig)]);
    expect(validate(encodeQrText(bytes), context()).reason).toBe(Reason.MALFORMED);
  });
});

function decodeSign1Parts(cose: Uint8Array): [Uint8Array, Map<number, unknown>, Uint8Array, Uint8Array] {
  const m = decodeSign1(cose);
  return [m.protectedBytes, new Map(), m.payload, m.signature];
}
