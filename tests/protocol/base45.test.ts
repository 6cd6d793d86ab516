import { describe, expect, it } from 'vitest';
import { ErrorCode, ProtocolError, base45Decode, base45Encode, decodeQrText, encodeQrText, utf8ToBytes } from '../../protocol/index.js';

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('base45 (RFC 9285 §4.3-4.4 examples)', () => {
  it.each([
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
    ['', ''],
  ])('encodes %j as %j and back', (plain, encoded) => {
    expect(base45Encode(utf8ToBytes(plain))).toBe(encoded);
    expect(text(base45Decode(encoded))).toBe(plain);
  });

  it('round-trips every byte value in every position', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    for (const bytes of [all, all.subarray(1), all.slice().reverse()]) expect(base45Decode(base45Encode(bytes))).toEqual(bytes);
  });

  it.each([
    ['GGW', 'a triple above 65535 (RFC 9285 §6)'],
    ['GG', 'a pair above 255'],
    ['A', 'a length of 3n+1'],
    ['ab8', 'lower-case letters, outside the alphabet'],
    ['BB€', 'a character outside ASCII'],
  ])('rejects %j: %s', (input) => {
    expect(() => base45Decode(input)).toThrow(ProtocolError);
    try {
      base45Decode(input);
    } catch (e) {
      expect((e as ProtocolError).code).toBe(ErrorCode.MALFORMED);
    }
  });
});

describe('QR text', () => {
  it('is the TK1: prefix and base45 of the bytes, in the QR alphanumeric alphabet only', () => {
    const qr = encodeQrText(Uint8Array.of(0xd2, 0x84, 0x43));
    expect(qr.startsWith('TK1:')).toBe(true);
    expect(qr).toMatch(/^[0-9A-Z $%*+\-./:]+$/);
    expect(decodeQrText(qr)).toEqual(Uint8Array.of(0xd2, 0x84, 0x43));
  });

  it('tells a future ticket format (UNSUPPORTED_VERSION) from a QR code that is not a ticket (MALFORMED)', () => {
    expect(() => decodeQrText('TK2:BB8')).toThrow(expect.objectContaining({ code: ErrorCode.UNSUPPORTED_VERSION }));
    expect(() => decodeQrText('https://example.com/t?id=1')).toThrow(expect.objectContaining({ code: ErrorCode.MALFORMED }));
    expect(() => decodeQrText('TK1:')).toThrow(expect.objectContaining({ code: ErrorCode.MALFORMED }));
    expect(() => decodeQrText('TK1:' + 'A'.repeat(5000))).toThrow(expect.objectContaining({ code: ErrorCode.MALFORMED }));
  });
});
