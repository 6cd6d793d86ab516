/**
 * Base45 (RFC 9285): bytes to the 45-character QR alphanumeric alphabet, so a
 * QR code can use alphanumeric mode (5.5 bits a character) instead of bytes.
 * Two bytes become three characters, a lone trailing byte two.
 */
import { ErrorCode, ProtocolError } from './errors.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const VALUES: Int8Array = (() => {
  const t = new Int8Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) t[ALPHABET.charCodeAt(i)] = i;
  return t;
})();

export function base45Encode(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 1 < bytes.length; i += 2) {
    let n = bytes[i] * 256 + bytes[i + 1];
    const c = n % 45;
    n = (n - c) / 45;
    const d = n % 45;
    const e = (n - d) / 45;
    out += ALPHABET[c] + ALPHABET[d] + ALPHABET[e];
  }
  if (i < bytes.length) {
    const n = bytes[i];
    out += ALPHABET[n % 45] + ALPHABET[Math.floor(n / 45)];
  }
  return out;
}

function value(text: string, i: number): number {
  const code = text.charCodeAt(i);
  const v = code < 128 ? VALUES[code] : -1;
  if (v < 0) throw new ProtocolError(ErrorCode.MALFORMED, `base45: invalid character at ${i}`);
  return v;
}

export function base45Decode(text: string): Uint8Array {
  if (text.length % 3 === 1) throw new ProtocolError(ErrorCode.MALFORMED, 'base45: invalid length');
  const out = new Uint8Array(Math.floor(text.length / 3) * 2 + (text.length % 3 === 2 ? 1 : 0));
  let o = 0;
  let i = 0;
  for (; i + 2 < text.length; i += 3) {
    const n = value(text, i) + value(text, i + 1) * 45 + value(text, i + 2) * 2025;
    if (n > 0xffff) throw new ProtocolError(ErrorCode.MALFORMED, `base45: triple at ${i} exceeds 65535`);
    out[o++] = n >> 8;
    out[o++] = n & 0xff;
  }
  if (i < text.length) {
    const n = value(text, i) + value(text, i + 1) * 45;
    if (n > 0xff) throw new ProtocolError(ErrorCode.MALFORMED, `base45: pair at ${i} exceeds 255`);
    out[o++] = n;
  }
  return out;
}
