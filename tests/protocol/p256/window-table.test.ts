/**
 * The building blocks under the fast verifier, against @noble/curves: the
 * signed-digit recoding sums back to the scalar, and a window table of any
 * width gives k*P for scalars across the whole range (the verifier uses one
 * width; the others guard the general code it is an instance of).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { P as FP } from '../../../protocol/crypto/p256/curve.js';
import { addAffineInPlace, infinity, type Jacobian } from '../../../protocol/crypto/p256/jacobian.js';
import { invert } from '../../../protocol/crypto/p256/modular.js';
import { signedDigits, windowCount } from '../../../protocol/crypto/p256/signed-digits.js';
import { addMultiple, buildWindowTable } from '../../../protocol/crypto/p256/window-table.js';
import { N, P, Point, invN } from './reference.js';

const SEED = 0x3e11;
const EDGE_SCALARS = [0n, 1n, 2n, 127n, 128n, 129n, 255n, 256n, N - 1n, N - 2n, (N - 1n) / 2n, 2n ** 255n, 2n ** 256n - 1n];

function affine(acc: Jacobian): { x: bigint; y: bigint } | undefined {
  if (acc.z === 0n) return undefined;
  const zi = invert(acc.z, FP);
  const zi2 = (zi * zi) % FP;
  return { x: (acc.x * zi2) % FP, y: (((acc.y * zi2) % FP) * zi) % FP };
}

function nobleMultiple(point: InstanceType<typeof Point>, k: bigint): { x: bigint; y: bigint } | undefined {
  const m = k % N;
  return m === 0n ? undefined : point.multiply(m).toAffine();
}

describe('fast ES256 building blocks', () => {
  it('recodes scalars into signed digits that sum back to them, for every width 2..16', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 16 }), fc.oneof(fc.constantFrom(...EDGE_SCALARS), fc.bigInt({ min: 0n, max: 2n ** 256n - 1n })), (width, k) => {
        const digits = signedDigits(k, width);
        expect(digits.length).toBe(windowCount(width));
        const half = 1 << (width - 1);
        let sum = 0n;
        for (let i = digits.length - 1; i >= 0; i--) {
          expect(digits[i]).toBeGreaterThan(-half);
          expect(digits[i]).toBeLessThanOrEqual(half);
          sum = (sum << BigInt(width)) + BigInt(digits[i]);
        }
        expect(sum).toBe(k);
      }),
      { numRuns: 500, seed: SEED },
    );
  });

  it.each([2, 3, 4, 5, 6, 7, 8, 9])('a width-%i table gives k*P for k across [0, 2^256)', (width) => {
    const point = Point.BASE.multiply(0xfeedbeefn + BigInt(width));
    const { x, y } = point.toAffine();
    const table = buildWindowTable(x, y, width);
    const scalars = [...EDGE_SCALARS, 0x1d2c3b4a5968778695a4b3c2d1e0f0e1d2c3b4a5968778695a4b3c2d1e0f00n, N + 5n];
    for (const k of scalars) {
      const acc = infinity();
      addMultiple(acc, table, k);
      expect(affine(acc), `k = ${k.toString(16)}`).toEqual(nobleMultiple(point, k));
    }
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }), (k) => {
        const acc = infinity();
        addMultiple(acc, table, k);
        expect(affine(acc)).toEqual(nobleMultiple(point, k));
      }),
      { numRuns: 20, seed: SEED + width },
    );
  });

  it('adds an affine point to itself, to its negation and to infinity', () => {
    const { x, y } = Point.BASE.multiply(77n).toAffine();
    const acc = infinity();
    addAffineInPlace(acc, x, y);
    expect(affine(acc)).toEqual({ x, y });
    addAffineInPlace(acc, x, y);
    expect(affine(acc)).toEqual(Point.BASE.multiply(154n).toAffine());
    const sum = infinity();
    addAffineInPlace(sum, x, y);
    addAffineInPlace(sum, x, P - y);
    expect(affine(sum)).toBeUndefined();
    addAffineInPlace(sum, x, y);
    expect(affine(sum)).toEqual({ x, y });
  });

  it('inverts mod n and mod p', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: N - 1n }), (a) => {
        expect(invert(a, N)).toBe(invN(a));
        expect((invert(a, P) * a) % P).toBe(1n);
      }),
      { numRuns: 200, seed: SEED },
    );
    expect(() => invert(0n, N)).toThrow(RangeError);
  });
});
