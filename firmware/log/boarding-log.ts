/**
 * The boarding log: every decision the validator makes, in order, with a
 * sequence number the back office acknowledges. It also answers "has this
 * ticket boarded?" for the usage checks, because that state must survive a
 * reboot and the log is what survives.
 *
 * Its records (protocol/sync/boarding-record.ts) are what boarding batches
 * carry: no personal data, a ticket hash, never a name, ID number or ID hash.
 */
import type { BoardingEntry, BoardingRecord } from '../../protocol/sync/boarding-record.js';
import type { UsageView } from '../../protocol/validate/usage.js';

export type { BoardingEntry, BoardingRecord };

/** How boardings are counted per departure: a trip id names a departure within a day. */
export function tripKey(trip: string, serviceDate: number): string {
  return `${trip}@${serviceDate}`;
}

export interface LogStatus {
  readonly records: number;
  /** Records not yet acknowledged by the back office: the sync backlog. */
  readonly unacked: number;
  readonly capacity: number;
  /** No room for another unacknowledged record. */
  readonly full: boolean;
  /** Decisions that could not be stored because the log was full. */
  readonly dropped: number;
  /** Highest acknowledged sequence number, 0 if none. */
  readonly ackedSeq: number;
  readonly nextSeq: number;
  /**
   * Chosen when the log is formatted, which restarts seq: the back office
   * names a record by (validator, logId, seq).
   */
  readonly logId: number;
}

export interface BoardingLog extends UsageView {
  /** Stores a record; undefined when the log is full of unacknowledged records (counted in dropped). */
  append(entry: BoardingEntry): BoardingRecord | undefined;
  /** The back office has stored everything up to and including this sequence number. */
  markAcked(upToSeq: number): void;
  /** Unacknowledged records from `fromSeq` on, at most `max`, in order. */
  read(fromSeq: number, max: number): BoardingRecord[];
  /** Passengers let on (accepts and overrides) on a trip. */
  boarded(trip: string, serviceDate: number): number;
  /**
   * Housekeeping: forgets acknowledged records older than `before` (seconds
   * since the epoch), oldest first, at most `maxBlocks` erase blocks' worth
   * on flash; they stop counting for usage and boarded counts. Returns how
   * many blocks (or records, in RAM) went. What a boot has to read, and
   * what the validator remembers of tickets, then spans the retention
   * period instead of the whole partition.
   */
  reclaim(before: number, maxBlocks?: number): number;
  status(): LogStatus;
  close(): void;
}
