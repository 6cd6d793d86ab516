/**
 * What the back office knows of one validator, retained on
 * `ops/validators/{v}`: presence from `state`, counters from `tele`, and the
 * day's boardings from the batches the ingest stored.
 */
import { Decision, type BoardingRecord } from '../../protocol/index.js';

export interface ValidatorStatus {
  /** null until a state or telemetry message says. */
  online: boolean | null;
  session: number | null;
  fw: string | null;
  trip: string | null;
  /** ms since the epoch: when it was last heard from (its own clock for a retained state). */
  lastSeen: number | null;
  backlog: number | null;
  logUsed: number | null;
  logCapacity: number | null;
  /** The validator's clock minus the back office's, ms, as it reports it. */
  clockOffset: number | null;
  /** Versions of the configuration documents it holds. */
  config: Readonly<Record<string, number | null>> | null;
  /** Passengers boarded today (accepted, or let on by a driver override), by the records' times. */
  boardingsToday: number;
}

export function emptyStatus(): ValidatorStatus {
  return {
    online: null, session: null, fw: null, trip: null, lastSeen: null, backlog: null, logUsed: null, logCapacity: null,
    clockOffset: null, config: null, boardingsToday: 0,
  };
}

/** Passengers a record put on the bus. */
export function boarded(r: BoardingRecord): number {
  return r.decision === Decision.ACCEPT || r.override !== 0 ? r.passengers : 0;
}

/** The calendar day (YYYY-MM-DD) of an instant in ms, at a fixed offset from UTC. */
export function dayOf(ms: number, utcOffsetMinutes: number): string {
  return new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}
