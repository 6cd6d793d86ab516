/**
 * The CBOR subset TK1 speaks, checked over the raw bytes before cbor-x sees
 * them. cbor-x decodes liberally (last duplicate key wins, whole floats pass
 * as integers, tag 64 turns into a byte string), which would let one signed
 * ticket have several encodings and let two decoders disagree about it.
 * Everything we sign is plain data, so the profile is narrow:
 *  - definite lengths only, and every length fits in the bytes that remain;
 *  - integers, byte strings, text strings of well-formed UTF-8 not starting
 *    with a byte-order mark, arrays, maps, false, true, null;
 *    no floats, no undefined, no other simple values;
 *  - no tags, except tag 18 (COSE_Sign1) at the root, optionally inside
 *    tag 61 (CWT), where the caller allows it;
 *  - map keys are integers or text, each at most once;
 *  - nesting at most 16 deep.
 */
import { ErrorCode, ProtocolError } from './errors.js';

export const MAX_DEPTH = 16;

function malformed(message: string, at: number): ProtocolError {
  return new ProtocolError(ErrorCode.MALFORMED, `CBOR: ${message} at byte ${at}`);
}

export interface ProfileOptions {
  /** Allow 18(...) or 61(18(...)) around the root item. */
  readonly coseTags?: boolean;
}

/** Throws MALFORMED unless `bytes` is exactly one item in the TK1 CBOR profile. */
export function checkCborProfile(bytes: Uint8Array, options: ProfileOptions = {}): void {
  let pos = 0;

  // Reads an item head; returns major type and argument (lengths beyond 2^53 are refused).
  function head(): [number, number] {
    if (pos >= bytes.length) throw malformed('unexpected end', pos);
    const start = pos;
    const ib = bytes[pos++];
    const major = ib >> 5;
    const info = ib & 0x1f;
    if (info < 24) return [major, info];
    if (info > 27) throw malformed(info === 31 ? 'indefinite length' : 'reserved additional information', start);
    const size = 1 << (info - 24);
    if (pos + size > bytes.length) throw malformed('unexpected end', start);
    let value = 0;
    for (let i = 0; i < size; i++) value = value * 256 + bytes[pos++];
    if (major === 7) return [major, -1 - info]; // floats and 1-byte simple values: refused by the caller
    if (!Number.isSafeInteger(value)) {
      if (major === 0 || major === 1) return [major, Number.MAX_SAFE_INTEGER];
      throw malformed('length too large', start);
    }
    return [major, value];
  }

  // Reads one item; returns a key identity for map-key checks ("i:…"/"t:…"), or '' for other items.
  function item(depth: number): string {
    if (depth > MAX_DEPTH) throw malformed('nested too deep', pos);
    const start = pos;
    const [major, arg] = head();
    switch (major) {
      case 0:
        return `i:${arg}`;
      case 1:
        return `i:-${arg + 1}`;
      case 2:
      case 3: {
        if (arg > bytes.length - pos) throw malformed('string longer than the input', start);
        const from = pos;
        pos += arg;
        if (major === 2) return '';
        if (!isUtf8(bytes, from, pos)) throw malformed('text string is not well-formed UTF-8', start);
        // A leading U+FEFF is silently dropped by some UTF-8 decoders (TextDecoder among them),
        // so the same bytes would read differently on different engines.
        if (arg >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf) throw malformed('text string starts with a byte-order mark', start);
        return `t:${Array.prototype.join.call(bytes.subarray(from, pos), ',')}`;
      }
      case 4: {
        if (arg > bytes.length - pos) throw malformed('array longer than the input', start);
        for (let i = 0; i < arg; i++) item(depth + 1);
        return '';
      }
      case 5: {
        if (arg * 2 > bytes.length - pos) throw malformed('map longer than the input', start);
        const keys = new Set<string>();
        for (let i = 0; i < arg; i++) {
          const keyAt = pos;
          const key = item(depth + 1);
          if (key === '') throw malformed('map key must be an integer or text', keyAt);
          if (keys.has(key)) throw malformed('duplicate map key', keyAt);
          keys.add(key);
          item(depth + 1);
        }
        return '';
      }
      case 6:
        throw malformed(`unexpected tag ${arg}`, start);
      default:
        // 20 false, 21 true, 22 null; everything else in major type 7 is refused.
        if (arg === 20 || arg === 21 || arg === 22) return '';
        throw malformed(arg < 0 ? 'floating-point or simple value' : `simple value ${arg}`, start);
    }
  }

  if (options.coseTags) {
    // 61(18(x)) or 18(x): skip the allowed tag heads, then the item must not be tagged again.
    const save = pos;
    const [m1, t1] = head();
    if (m1 === 6 && t1 === 61) {
      const [m2, t2] = head();
      if (m2 !== 6 || t2 !== 18) throw malformed('CWT tag 61 must wrap tag 18', save);
    } else if (!(m1 === 6 && t1 === 18)) {
      pos = save;
    }
  }
  item(0);
  if (pos !== bytes.length) throw malformed('trailing bytes after the item', pos);
}

/** Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. */
export function isUtf8(bytes: Uint8Array, from: number, to: number): boolean {
  let i = from;
  while (i < to) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) [n, min, cp] = [1, 0x80, b & 0x1f];
    else if (b >= 0xe0 && b <= 0xef) [n, min, cp] = [2, 0x800, b & 0x0f];
    else if (b >= 0xf0 && b <= 0xf4) [n, min, cp] = [3, 0x10000, b & 0x07];
    else return false;
    if (i + n >= to) return false; // the sequence runs past the string
    for (let j = 1; j <= n; j++) {
      const c = bytes[i + j];
      if ((c & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}
