import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8ToBytes, utf8ToString } from '../../protocol/index.js';

describe('utf8ToBytes (XS has no TextEncoder)', () => {
  it('gives the same bytes as TextEncoder for any string, lone surrogates included', () => {
    const encoder = new TextEncoder();
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      expect(utf8ToBytes(s)).toEqual(encoder.encode(s));
    }), { numRuns: 2000 });
    for (const s of ['', '张*丰', '37060219900101123X', '\ud800', 'a\udc00b', '😀', '\ud83d']) expect(utf8ToBytes(s)).toEqual(encoder.encode(s));
  });
});

describe('utf8ToString (XS has no TextDecoder)', () => {
  it('gives the same string as TextDecoder for any bytes, malformed sequences included', () => {
    const decoder = new TextDecoder();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      expect(utf8ToString(bytes)).toBe(decoder.decode(bytes));
    }), { numRuns: 5000 });
    // Valid text round-trips; the edge cases WHATWG singles out decode as TextDecoder does.
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      expect(utf8ToString(utf8ToBytes(s))).toBe(s);
    }), { numRuns: 1000 });
    const cases = [[0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf0, 0x8f, 0xbf, 0xbf], [0xf4, 0x90, 0x80, 0x80], [0xc0, 0xaf], [0xe2, 0x82], [0xf0, 0x9f, 0x98, 0x80], [0xff, 0x41]];
    for (const c of cases) expect(utf8ToString(Uint8Array.from(c))).toBe(decoder.decode(Uint8Array.from(c)));
  });
});
