/**
 * Byte helpers the protocol needs beyond what @noble/hashes/utils offers.
 * Kept free of Buffer, TextEncoder and atob: XS has none of them by default.
 */
export { bytesToHex, hexToBytes, concatBytes } from '@noble/hashes/utils.js';

/**
 * UTF-8 bytes of a string, as TextEncoder gives them (a lone surrogate
 * becomes U+FFFD). Ours because noble's utf8ToBytes calls TextEncoder, which
 * XS does not have as a global.
 */
export function utf8ToBytes(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else c = 0xfffd;
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Lexicographic order of two byte strings: negative, zero or positive. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/**
 * The string UTF-8 bytes encode, as TextDecoder gives it: each malformed
 * sequence becomes U+FFFD. Ours for the same reason as utf8ToBytes.
 */
export function utf8ToString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let need = 0;
    let min = 0;
    let c = b;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, min, c] = [1, 0x80, b & 0x1f];
    else if (b >= 0xe0 && b <= 0xef) [need, min, c] = [2, 0x800, b & 0x0f];
    else if (b >= 0xf0 && b <= 0xf4) [need, min, c] = [3, 0x10000, b & 0x07];
    else {
      out += '\ufffd';
      i++;
      continue;
    }
    let j = 1;
    for (; j <= need && i + j < bytes.length; j++) {
      const next = bytes[i + j];
      if ((next & 0xc0) !== 0x80) break;
      const value = (c << 6) | (next & 0x3f);
      // Reject overlong forms and surrogates as soon as the prefix shows them (WHATWG: maximal subpart).
      if (j === 1 && ((need === 2 && (value < 0x20 || (value >= 0x360 && value < 0x380))) || (need === 3 && (value < 0x10 || value > 0x10f)))) break;
      c = value;
    }
    if (j <= need) {
      out += '\ufffd';
      i += j;
      continue;
    }
    if (c < min) out += '\ufffd';
    else if (c >= 0x10000) out += String.fromCharCode(0xd800 + ((c - 0x10000) >> 10), 0xdc00 + ((c - 0x10000) & 0x3ff));
    else out += String.fromCharCode(c);
    i += need + 1;
  }
  return out;
}
