/**
 * The boarding feed on `ops/feed` (QoS 0): one JSON message per stored batch
 * with the records stored for the first time (a redelivered batch adds
 * nothing). Reasons by name for readers without our tables; no ticket
 * hashes: the feed is for watching, the database is for looking things up.
 */
import { REASON_BY_ID, type BoardingBatch, type Decision } from '../../protocol/index.js';

export interface FeedRecord {
  readonly seq: number;
  /** Seconds since the epoch, by the validator's clock. */
  readonly time: number;
  readonly decision: Decision;
  /** Reason name (REASONS), or `#<id>` for an id this back office does not know. */
  readonly reason: string;
  readonly trip: string | null;
  readonly serviceDate: number | null;
  readonly passengers: number;
  readonly override: number;
}

export interface FeedMessage {
  readonly validator: string;
  readonly records: readonly FeedRecord[];
  /** ms since the epoch, back office clock. */
  readonly ts: number;
}

export function reasonName(id: number): string {
  return REASON_BY_ID.get(id) ?? `#${id}`;
}

/** The feed message for the records of `batch` whose seqs are in `fresh`; undefined when there are none. */
export function feedMessage(validator: string, batch: BoardingBatch, fresh: readonly number[], ts: number): FeedMessage | undefined {
  const wanted = new Set(fresh);
  const records = batch.records
    .filter((r) => wanted.has(r.seq))
    .map((r) => ({
      seq: r.seq,
      time: r.time,
      decision: r.decision,
      reason: reasonName(r.reason),
      trip: r.trip ?? null,
      serviceDate: r.serviceDate ?? null,
      passengers: r.passengers,
      override: r.override,
    }));
  return records.length === 0 ? undefined : { validator, records, ts };
}
