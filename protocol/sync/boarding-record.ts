/**
 * A boarding record: one decision a validator made, as its flash log keeps
 * it and as boarding batches carry it to the back office. The same fields
 * all the way, so nothing is copied or renamed between flash and database.
 *
 * It holds no personal data: a hash of the ticket id, never a name, ID
 * number or ID hash.
 */
import type { Decision } from '../validate/reasons.js';

export interface BoardingEntry {
  /** Seconds since the epoch, by the validator's clock. */
  readonly time: number;
  /** 8-byte ticket hash; absent when the code could not be read. */
  readonly ticket?: Uint8Array;
  /** Trip id and service date the validator was serving; absent when none was chosen. */
  readonly trip?: string;
  readonly serviceDate?: number;
  readonly decision: Decision;
  /** REASONS[..].id: for an override, the reason the ticket was refused. */
  readonly reason: number;
  /** OverrideReason id when the driver let the passenger on anyway; 0 otherwise. */
  readonly override: number;
  /** Passengers boarding on this scan (a group ticket carries several). */
  readonly passengers: number;
}

export interface BoardingRecord extends BoardingEntry {
  /** Monotonic across reboots; never reused within a log. */
  readonly seq: number;
}
