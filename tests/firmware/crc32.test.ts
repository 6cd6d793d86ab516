/**
 * The flash formats' CRC-32 is zlib's: the catalogue check value, and the
 * same result as node:zlib for any bytes, any range and any continuation.
 */
import fc from 'fast-check';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../firmware/flash/crc32.js';
import { utf8ToBytes } from '../../protocol/bytes.js';

describe('crc32', () => {
  it('gives the catalogue check value (CRC-32/ISO-HDLC of "123456789")', () => {
    expect(crc32(utf8ToBytes('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });

  it('matches zlib on any bytes, over any range, continued from any split', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(), fc.nat(), (bytes, a, b) => {
      const start = bytes.length ? a % bytes.length : 0;
      const end = start + (bytes.length - start ? b % (bytes.length - start + 1) : 0);
      const split = start + Math.floor((end - start) / 3);
      const whole = zlibCrc32(bytes.subarray(start, end));
      expect(crc32(bytes, start, end)).toBe(whole);
      expect(crc32(bytes, split, end, crc32(bytes, start, split))).toBe(whole);
    }), { numRuns: 3000 });
  });
});
