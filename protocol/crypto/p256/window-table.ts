/**
 * Fixed-window precomputation for a point P: for every window i and every
 * j in 1..2^(w-1), the affine point j * 2^(w*i) * P. A scalar multiple is
 * then one mixed addition per window and no doubling at all, which is what
 * makes verification under a known key cheap: the work moves to building
 * the table, once per key.
 *
 * Entries live in one BigUint64Array, four words per coordinate, not in
 * arrays of bigint: on XS every bigint is a slot plus a chunk that each
 * garbage collection marks and moves, so tables of thousands of them made
 * every collection (and everything else in the app) slower. Rebuilding a
 * coordinate from four words costs about a microsecond.
 */
import { P } from './curve.js';
import { addAffineInPlace, doubleInPlace, type Jacobian } from './jacobian.js';
import { invertAll } from './modular.js';
import { signedDigits, windowCount } from './signed-digits.js';

export interface WindowTable {
  /** Bits per window. */
  readonly width: number;
  readonly windows: number;
  /** Entries per full window, 2^(width-1); window i starts at i * half. */
  readonly half: number;
  /** Entry e is x at words [8e, 8e+4) and y at [8e+4, 8e+8), big-endian word order. */
  readonly words: BigUint64Array;
}

const MASK64 = 0xffffffffffffffffn;

function writeCoordinate(words: BigUint64Array, at: number, value: bigint): void {
  let v = value;
  for (let i = 3; i >= 0; i--) {
    words[at + i] = v & MASK64;
    v >>= 64n;
  }
}

function readCoordinate(words: BigUint64Array, at: number): bigint {
  return (((((words[at] << 64n) | words[at + 1]) << 64n) | words[at + 2]) << 64n) | words[at + 3];
}

/**
 * The table of the affine point (x, y), which must be on the curve and not
 * infinity. Built in affine coordinates, doubling the multiples known so
 * far in each round (j*B for j <= m gives (m+1..2m)*B), with one batched
 * inversion per round for all windows at once: about six field
 * multiplications an entry, against eighteen for Jacobian additions and a
 * conversion to affine.
 */
export function buildWindowTable(x: bigint, y: bigint, width: number): WindowTable {
  if (!Number.isInteger(width) || width < 2 || width > 16) throw new RangeError('window width must be 2..16');
  const windows = windowCount(width);
  const half = 1 << (width - 1);
  // The top window holds only what a scalar below 2^256 can leave there.
  const topBits = 256 - width * (windows - 1);
  const topCount = Math.min(half, 2 ** topBits);

  // Window bases B_i = 2^(width*i) * P, by doubling, then all made affine at once.
  const bx: bigint[] = [];
  const by: bigint[] = [];
  const bz: bigint[] = [];
  const acc: Jacobian = { x, y, z: 1n };
  for (let i = 0; i < windows; i++) {
    if (i > 0) for (let k = 0; k < width; k++) doubleInPlace(acc);
    bx.push(acc.x);
    by.push(acc.y);
    bz.push(acc.z);
  }
  toAffine(bx, by, bz);

  // mx[i][j-1], my[i][j-1] = j * B_i.
  const mx: bigint[][] = bx.map((v) => [v]);
  const my: bigint[][] = by.map((v) => [v]);
  const countOf = (i: number): number => (i === windows - 1 ? topCount : half);
  for (let m = 1; m < half; m *= 2) {
    // (m + j) * B = m*B + j*B for j = 1..m; j = m is a doubling. No sum
    // meets infinity or needs a doubling elsewhere: j*B = +-m*B would need
    // j = +-m mod n.
    const denominators: bigint[] = [];
    for (let i = 0; i < windows; i++) {
      const todo = Math.min(m, countOf(i) - m);
      if (todo <= 0) continue;
      const xm = mx[i][m - 1];
      const ym = my[i][m - 1];
      for (let j = 1; j <= todo; j++) {
        let d = j === m ? 2n * ym : mx[i][j - 1] - xm;
        if (d < 0n) d += P;
        denominators.push(d % P);
      }
    }
    invertAll(denominators, P);
    let at = 0;
    for (let i = 0; i < windows; i++) {
      const todo = Math.min(m, countOf(i) - m);
      if (todo <= 0) continue;
      const xm = mx[i][m - 1];
      const ym = my[i][m - 1];
      for (let j = 1; j <= todo; j++) {
        const inv = denominators[at++];
        const xj = mx[i][j - 1];
        const yj = my[i][j - 1];
        // Slope of the chord, or of the tangent (3x^2 + a)/(2y) with a = -3.
        const lambda = j === m ? (3n * ((xm * xm - 1n) % P) * inv) % P : ((yj - ym) * inv) % P;
        let x3 = (lambda * lambda - xm - xj) % P;
        if (x3 < 0n) x3 += P;
        let y3 = (lambda * (xm - x3) - ym) % P;
        if (y3 < 0n) y3 += P;
        mx[i].push(x3);
        my[i].push(y3);
      }
    }
  }

  const words = new BigUint64Array(8 * ((windows - 1) * half + topCount));
  for (let i = 0; i < windows; i++) {
    for (let j = 0; j < countOf(i); j++) {
      const at = 8 * (i * half + j);
      writeCoordinate(words, at, mx[i][j]);
      writeCoordinate(words, at + 4, my[i][j]);
    }
  }
  return Object.freeze({ width, windows, half, words });
}

/**
 * Converts Jacobian points (none at infinity) to affine in place with one
 * inversion for all of them.
 */
export function toAffine(xs: bigint[], ys: bigint[], zs: bigint[]): void {
  const inverses = zs.slice();
  invertAll(inverses, P);
  for (let i = 0; i < zs.length; i++) {
    const zinv = inverses[i];
    const zinv2 = (zinv * zinv) % P;
    xs[i] = (xs[i] * zinv2) % P;
    ys[i] = (((ys[i] * zinv2) % P) * zinv) % P;
    zs[i] = 1n;
  }
}

/** acc <- acc + k * P for the table of P and 0 <= k < 2^256. */
export function addMultiple(acc: Jacobian, table: WindowTable, k: bigint): void {
  const digits = signedDigits(k, table.width);
  const { half, words } = table;
  for (let i = 0; i < digits.length; i++) {
    const d = digits[i];
    if (d > 0) {
      const at = 8 * (i * half + d - 1);
      addAffineInPlace(acc, readCoordinate(words, at), readCoordinate(words, at + 4));
    } else if (d < 0) {
      const at = 8 * (i * half - d - 1);
      // -(x, y) = (x, p - y); y is never 0 on a prime-order curve.
      addAffineInPlace(acc, readCoordinate(words, at), P - readCoordinate(words, at + 4));
    }
  }
}
