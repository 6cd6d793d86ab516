/**
 * Signed fixed-window recoding of a scalar: k = sum d_i * 2^(w*i) with every
 * digit in [-(2^(w-1) - 1), 2^(w-1)], so a table needs only the positive
 * multiples 1..2^(w-1) of each window's base (negating an affine point is
 * one subtraction). The digits come from 32-bit words read off the bigint
 * once, then plain number arithmetic: no bigint operation per digit.
 */

/** Windows needed for a 256-bit scalar: ceil(257 / w), so the top digit never carries out. */
export function windowCount(width: number): number {
  return Math.ceil(257 / width);
}

/** The signed width-`width` digits of `k` (0 <= k < 2^256), least significant first. */
export function signedDigits(k: bigint, width: number): Int32Array {
  const words = new Uint32Array(9);
  let rest = k;
  for (let i = 0; i < 8; i++) {
    words[i] = Number(rest & 0xffffffffn);
    rest >>= 32n;
  }
  const count = windowCount(width);
  const digits = new Int32Array(count);
  const mask = (1 << width) - 1;
  const half = 1 << (width - 1);
  let carry = 0;
  for (let i = 0; i < count; i++) {
    const bit = i * width;
    const word = bit >>> 5;
    const shift = bit & 31;
    let v = word < 8 ? words[word] >>> shift : 0;
    if (shift + width > 32) v |= words[word + 1] << (32 - shift);
    v = (v & mask) + carry;
    if (v > half) {
      digits[i] = v - (1 << width);
      carry = 1;
    } else {
      digits[i] = v;
      carry = 0;
    }
  }
  return digits;
}
