import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { utf8ToBytes } from '../../protocol/index.js';

describe('utf8ToBytes (XS has no TextEncoder)', () => {
  it('gives the same bytes as TextEncoder for any string, lone surrogates included', () => {
    const encoder = new TextEncoder();
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => {
      expect(utf8ToBytes(s)).toEqual(encoder.encode(s));
    }), { numRuns: 2000 });
    for (const s of ['', '张*丰', '37060219900101123X', '\ud800', 'a\udc00b', '😀', '\ud83d']) expect(utf8ToBytes(s)).toEqual(encoder.encode(s));
  });
});
