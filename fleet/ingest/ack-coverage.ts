/**
 * The ack rule, as a pure function over the ranges of a log the database
 * holds. A batch speaks for its whole range fromSeq..toSeq (a seq a power cut
 * spent has no record), so coverage is tracked by ranges, not by counting
 * records. The acknowledged point only moves through contiguous coverage: a
 * batch that overtook an earlier one (reordered delivery, or two ingest
 * instances) is stored but not acknowledged until the gap below it is filled,
 * because the validator would reclaim flash up to whatever we acknowledge.
 */

export interface SeqRange {
  readonly fromSeq: number;
  readonly toSeq: number;
}

export interface AckStep {
  /** Every seq of the log up to and including this one is stored (or was reclaimed by the validator). */
  readonly ackedThrough: number;
  /**
   * Set when the batch said the validator already held more acknowledged than
   * we knew: seqs above `from` up to `to` were deleted on the validator and
   * will never arrive, so there is nothing to wait for.
   */
  readonly raised?: { readonly from: number; readonly to: number };
}

/**
 * @param held the stored acknowledged point of the log, undefined the first time the log is seen
 * @param batchAcked what the batch says the validator holds as acknowledged
 * @param ranges stored ranges of the log not yet wholly acknowledged, including the new batch's, in any order
 */
export function advanceAck(held: number | undefined, batchAcked: number, ranges: readonly SeqRange[]): AckStep {
  let acked = held ?? batchAcked;
  const raised = held !== undefined && batchAcked > held ? { from: held, to: batchAcked } : undefined;
  if (raised) acked = batchAcked;
  for (const r of [...ranges].sort((a, b) => a.fromSeq - b.fromSeq)) {
    // Sorted by start and only moving up: the first range past a gap ends the walk.
    if (r.fromSeq > acked + 1) break;
    if (r.toSeq > acked) acked = r.toSeq;
  }
  return raised ? { ackedThrough: acked, raised } : { ackedThrough: acked };
}
