/**
 * What the log's records say about tickets and trips: how often each ticket
 * boarded and where last (for ALREADY_USED / ALREADY_SCANNED), and how many
 * passengers boarded each departure (the driver's count). Built from the
 * records a log holds, so a log rebuilt at boot answers as it did before.
 */
import { Decision } from '../../protocol/validate/reasons.js';
import type { TicketUsage, UsageView } from '../../protocol/validate/usage.js';
import { tripKey, type BoardingEntry } from './boarding-log.js';

/** TicketUsage plus the seq of the last boarding, which breaks ties between boardings in the same second. */
interface Usage {
  readonly boardings: number;
  readonly lastTrip: string;
  readonly lastTime: number;
  readonly lastSeq: number;
}

export class UsageIndex implements UsageView {
  readonly #usage = new Map<string, Usage>();
  readonly #boarded = new Map<string, number>();

  /** Counts a stored record: only accepts (overrides included) let anyone on. */
  add(r: BoardingEntry & { readonly seq?: number }): void {
    if (r.decision !== Decision.ACCEPT) return;
    this.addAccept(r.ticket ? ticketKey(r.ticket, 0) : undefined, r.seq ?? Infinity, r.time, r.trip, r.serviceDate, r.passengers);
  }

  /**
   * Counts an accept given field by field (boot recovery reads them straight
   * from flash). `ticket` is ticketKey() of the ticket hash.
   */
  addAccept(ticket: string | undefined, seq: number, time: number, trip: string | undefined, serviceDate: number | undefined, passengers: number): void {
    if (trip !== undefined && serviceDate !== undefined) {
      const key = tripKey(trip, serviceDate);
      this.#boarded.set(key, (this.#boarded.get(key) ?? 0) + passengers);
    }
    if (ticket === undefined) return;
    const before = this.#usage.get(ticket);
    // Records arrive in log order, except at boot where blocks may be read in any order.
    const latest = !before || time > before.lastTime || (time === before.lastTime && seq >= before.lastSeq);
    this.#usage.set(ticket, latest ? { boardings: (before?.boardings ?? 0) + 1, lastTrip: trip ?? '', lastTime: time, lastSeq: seq } : { ...before, boardings: before.boardings + 1 });
  }

  /** Forgets a record whose block is being reclaimed (it is older than every record kept). */
  remove(r: BoardingEntry): void {
    if (r.decision !== Decision.ACCEPT) return;
    if (r.trip !== undefined && r.serviceDate !== undefined) {
      const key = tripKey(r.trip, r.serviceDate);
      const left = (this.#boarded.get(key) ?? 0) - r.passengers;
      if (left > 0) this.#boarded.set(key, left);
      else this.#boarded.delete(key);
    }
    if (!r.ticket) return;
    const key = ticketKey(r.ticket, 0);
    const before = this.#usage.get(key);
    if (!before) return;
    if (before.boardings <= 1) this.#usage.delete(key);
    else this.#usage.set(key, { ...before, boardings: before.boardings - 1 });
  }

  get(ticketHash: Uint8Array): TicketUsage | undefined {
    const u = this.#usage.get(ticketKey(ticketHash, 0));
    return u && { boardings: u.boardings, lastTrip: u.lastTrip, lastTime: u.lastTime };
  }

  boarded(trip: string, serviceDate: number): number {
    return this.#boarded.get(tripKey(trip, serviceDate)) ?? 0;
  }

  /** Tickets remembered: what the index costs in RAM. */
  get tickets(): number {
    return this.#usage.size;
  }
}

/** The Map key of the 8-byte ticket hash at `offset` of `bytes`: four UTF-16 units, cheaper to build than hex. */
export function ticketKey(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(
    bytes[offset] | (bytes[offset + 1] << 8),
    bytes[offset + 2] | (bytes[offset + 3] << 8),
    bytes[offset + 4] | (bytes[offset + 5] << 8),
    bytes[offset + 6] | (bytes[offset + 7] << 8),
  );
}
