/**
 * Where the ingest service keeps boardings: exactly once per
 * (operator, validator, log id, seq), with the acknowledged point of every
 * log moved by the rule in ack-coverage.ts. Two implementations, SQLite
 * (a file, the default) and PostgreSQL (a connection URL); both store a
 * batch in one transaction, so a batch is either wholly stored and counted
 * toward the ack, or not at all.
 */
import type { BoardingBatch, Decision } from '../../protocol/index.js';

export interface StoreResult {
  /** What to acknowledge: the log's acknowledged point after this batch (repeated even when unchanged). */
  readonly ackUpTo: number;
  readonly inserted: number;
  /** Records already stored (a redelivered or resent batch). */
  readonly duplicates: number;
  /** Seqs of the records this batch stored for the first time, ascending. */
  readonly insertedSeqs: readonly number[];
  /** Set when the batch moved the acknowledged point up by its own `acked` (see AckStep.raised). */
  readonly raised?: { readonly from: number; readonly to: number };
}

/** A boarding as stored. */
export interface StoredBoarding {
  readonly operator: string;
  readonly validator: string;
  readonly log: number;
  readonly seq: number;
  /** Seconds since the epoch, by the validator's clock. */
  readonly time: number;
  readonly ticketHash: Uint8Array | null;
  readonly trip: string | null;
  readonly serviceDate: number | null;
  readonly decision: Decision;
  /** REASONS[..].id */
  readonly reason: number;
  readonly override: number;
  readonly passengers: number;
  /** When the back office stored it, ms since the epoch. */
  readonly receivedAt: number;
}

export interface BoardingFilter {
  readonly operator?: string;
  readonly validator?: string;
}

export interface BoardingStore {
  /** Stores a batch in one transaction and returns what to acknowledge. */
  storeBatch(operator: string, validator: string, batch: BoardingBatch, receivedAt: number): Promise<StoreResult>;
  /** Number of stored boardings, optionally of one operator or validator. */
  count(filter?: BoardingFilter): Promise<number>;
  /** A validator's boardings, ordered by log id and seq. */
  boardings(operator: string, validator: string, log?: number): Promise<StoredBoarding[]>;
  /** The acknowledged point of a log, undefined if the log was never seen. */
  ackedThrough(operator: string, validator: string, log: number): Promise<number | undefined>;
  /** Highest migration applied. */
  schemaVersion(): Promise<number>;
  close(): Promise<void>;
}

export const StoreKind = Object.freeze({ SQLITE: 'sqlite', POSTGRES: 'postgres' } as const);
export type StoreKind = (typeof StoreKind)[keyof typeof StoreKind];

/** `postgres://` and `postgresql://` URLs name a PostgreSQL database; anything else is a SQLite file path. */
export function storeKindOf(target: string): StoreKind {
  return /^postgres(ql)?:\/\//i.test(target) ? StoreKind.POSTGRES : StoreKind.SQLITE;
}
