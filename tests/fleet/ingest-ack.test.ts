/**
 * The ack rule on its own: examples, then properties against a model that
 * tracks coverage seq by seq. Batches of a log, cut at random points
 * (with power-cut gaps that have no records), delivered in any order with
 * duplicates: the ack never claims an uncovered seq, never goes down, and
 * reaches the end once everything arrived.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advanceAck, type SeqRange } from '../../fleet/ingest/ack-coverage.js';
import { SqliteBoardingStore } from '../../fleet/ingest/sqlite-store.js';
import { makeBatch } from './ingest-fixtures.js';
import { propertyParams } from '../support/property-params.js';

const params = propertyParams(0xac4);

describe('advanceAck', () => {
  it('starts a log at the acked point of its first batch', () => {
    expect(advanceAck(undefined, 40, [{ fromSeq: 41, toSeq: 50 }])).toEqual({ ackedThrough: 50 });
    expect(advanceAck(undefined, 0, [{ fromSeq: 11, toSeq: 20 }])).toEqual({ ackedThrough: 0 });
  });

  it('extends through contiguous ranges in any order and stops at a gap', () => {
    const ranges = [{ fromSeq: 21, toSeq: 30 }, { fromSeq: 1, toSeq: 10 }, { fromSeq: 11, toSeq: 15 }, { fromSeq: 31, toSeq: 31 }];
    expect(advanceAck(0, 0, ranges)).toEqual({ ackedThrough: 15 });
    expect(advanceAck(0, 0, [...ranges, { fromSeq: 16, toSeq: 20 }])).toEqual({ ackedThrough: 31 });
  });

  it('handles overlapping and already covered ranges', () => {
    expect(advanceAck(10, 0, [{ fromSeq: 5, toSeq: 12 }, { fromSeq: 8, toSeq: 20 }])).toEqual({ ackedThrough: 20 });
    expect(advanceAck(10, 0, [{ fromSeq: 1, toSeq: 10 }])).toEqual({ ackedThrough: 10 });
  });

  it('moves up to what the validator says it already holds, and reports the jump', () => {
    expect(advanceAck(10, 30, [{ fromSeq: 31, toSeq: 40 }])).toEqual({ ackedThrough: 40, raised: { from: 10, to: 30 } });
    expect(advanceAck(10, 30, [{ fromSeq: 35, toSeq: 40 }])).toEqual({ ackedThrough: 30, raised: { from: 10, to: 30 } });
    // A late batch built before an ack knows less than we do: never lower.
    expect(advanceAck(40, 10, [{ fromSeq: 11, toSeq: 20 }])).toEqual({ ackedThrough: 40 });
  });
});

/** A log of `total` seqs cut into consecutive batches at the given points. */
const batchedLog = fc
  .tuple(fc.integer({ min: 1, max: 200 }), fc.uniqueArray(fc.integer({ min: 1, max: 199 }), { maxLength: 30 }))
  .map(([total, cuts]) => {
    const ends = [...cuts.filter((c) => c < total).sort((a, b) => a - b), total];
    const ranges: SeqRange[] = [];
    let from = 1;
    for (const end of ends) {
      ranges.push({ fromSeq: from, toSeq: end });
      from = end + 1;
    }
    return { total, ranges };
  });

/** The model: the highest k with every seq in 1..k covered. */
function contiguousPrefix(covered: ReadonlySet<number>): number {
  let k = 0;
  while (covered.has(k + 1)) k++;
  return k;
}

describe('advanceAck properties', () => {
  it('acks exactly the contiguous prefix of what arrived, whatever the order and duplicates', () => {
    fc.assert(
      fc.property(
        batchedLog.chain(({ total, ranges }) =>
          fc.tuple(fc.constant(total), fc.shuffledSubarray([...ranges, ...ranges], { minLength: ranges.length * 2 })),
        ),
        ([total, deliveries]) => {
          let held: number | undefined;
          let stored: SeqRange[] = [];
          const covered = new Set<number>();
          for (const r of deliveries) {
            // Every batch here was built before any ack reached the validator.
            if (held === undefined || r.toSeq > held) stored.push(r);
            const step = advanceAck(held, 0, stored);
            expect(step.raised).toBeUndefined();
            for (let s = r.fromSeq; s <= r.toSeq; s++) covered.add(s);
            expect(step.ackedThrough).toBe(contiguousPrefix(covered));
            expect(step.ackedThrough).toBeGreaterThanOrEqual(held ?? 0);
            held = step.ackedThrough;
            // What the stores do: forget ranges wholly acknowledged.
            stored = stored.filter((x) => x.toSeq > held!);
          }
          expect(held).toBe(total);
        },
      ),
      params(300),
    );
  });

  it('acks from the batch acked points as a validator that reclaims on each ack would send them', () => {
    // The validator sends in order; each ack may be lost; later batches carry what it has seen acknowledged.
    fc.assert(
      fc.property(batchedLog, fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), ({ total, ranges }, lost) => {
        let held: number | undefined;
        let stored: SeqRange[] = [];
        let validatorAcked = 0;
        ranges.forEach((r, i) => {
          if (held === undefined || r.toSeq > held) stored.push(r);
          const step = advanceAck(held, validatorAcked, stored);
          expect(step.raised).toBeUndefined();
          expect(step.ackedThrough).toBe(r.toSeq);
          held = step.ackedThrough;
          stored = stored.filter((x) => x.toSeq > held!);
          if (!lost[i % lost.length]) validatorAcked = held;
        });
        expect(held).toBe(total);
      }),
      params(300),
    );
  });
});

describe('the SQLite store follows the rule', () => {
  it('stores each record once and acks the contiguous prefix, for deliveries in any order', async () => {
    await fc.assert(
      fc.asyncProperty(
        batchedLog.chain(({ total, ranges }) =>
          fc.tuple(fc.constant(total), fc.shuffledSubarray([...ranges, ...ranges.slice(0, 3)], { minLength: ranges.length + Math.min(3, ranges.length) })),
        ),
        async ([total, deliveries]) => {
          const store = new SqliteBoardingStore(':memory:');
          try {
            const covered = new Set<number>();
            for (const r of deliveries) {
              // Every third seq was spent by a power cut: no record, still covered by the range.
              const seqs = Array.from({ length: r.toSeq - r.fromSeq + 1 }, (_, i) => r.fromSeq + i).filter((s) => s % 3 !== 0 || s === r.toSeq);
              const result = await store.storeBatch('OP', 'V', makeBatch({ ...r, acked: 0, seqs }), 1);
              for (let s = r.fromSeq; s <= r.toSeq; s++) covered.add(s);
              expect(result.ackUpTo).toBe(contiguousPrefix(covered));
            }
            expect(await store.ackedThrough('OP', 'V', 0xbeef)).toBe(total);
            const seqs = (await store.boardings('OP', 'V')).map((b) => b.seq);
            expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1).filter((s) => s % 3 !== 0 || deliveries.some((r) => r.toSeq === s)));
          } finally {
            await store.close();
          }
        },
      ),
      params(100),
    );
  });
});
