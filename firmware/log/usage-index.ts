/**
 * What the log's records say about tickets and trips: how often each ticket
 * boarded and where last (for ALREADY_USED / ALREADY_SCANNED), and how many
 * passengers boarded each departure (the driver's count). Built from the
 * records a log holds, so a log rebuilt at boot answers as it did before.
 */
import { Decision } from '../../protocol/validate/reasons.js';
import type { TicketUsage, UsageView } from '../../protocol/validate/usage.js';
import { tripKey, type BoardingEntry } from './boarding-log.js';

export class UsageIndex implements UsageView {
  readonly #usage = new Map<string, TicketUsage>();
  /** Seq of the boarding behind each ticket's lastTrip: breaks ties between boardings in the same second. */
  readonly #lastSeq = new Map<string, number>();
  readonly #boarded = new Map<string, number>();

  /** Counts a stored record: only accepts (overrides included) let anyone on. */
  add(r: BoardingEntry & { readonly seq?: number }): void {
    if (r.decision !== Decision.ACCEPT) return;
    if (r.trip !== undefined && r.serviceDate !== undefined) {
      const key = tripKey(r.trip, r.serviceDate);
      this.#boarded.set(key, (this.#boarded.get(key) ?? 0) + r.passengers);
    }
    if (!r.ticket) return;
    const key = ticketKey(r.ticket);
    const before = this.#usage.get(key);
    // Records arrive in log order, except at boot where blocks may be read in any order.
    const seq = r.seq ?? Infinity;
    const latest = !before || r.time > before.lastTime || (r.time === before.lastTime && seq >= (this.#lastSeq.get(key) ?? 0));
    if (latest) this.#lastSeq.set(key, seq);
    this.#usage.set(key, {
      boardings: (before?.boardings ?? 0) + 1,
      lastTrip: latest ? r.trip ?? '' : before.lastTrip,
      lastTime: latest ? r.time : before.lastTime,
    });
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
    const key = ticketKey(r.ticket);
    const before = this.#usage.get(key);
    if (!before) return;
    if (before.boardings <= 1) {
      this.#usage.delete(key);
      this.#lastSeq.delete(key);
    } else {
      this.#usage.set(key, { ...before, boardings: before.boardings - 1 });
    }
  }

  get(ticketHash: Uint8Array): TicketUsage | undefined {
    return this.#usage.get(ticketKey(ticketHash));
  }

  boarded(trip: string, serviceDate: number): number {
    return this.#boarded.get(tripKey(trip, serviceDate)) ?? 0;
  }

  /** Tickets remembered: what the index costs in RAM. */
  get tickets(): number {
    return this.#usage.size;
  }
}

/** A Map key for an 8-byte ticket hash: four UTF-16 units, cheaper to build than hex at boot. */
function ticketKey(hash: Uint8Array): string {
  let key = '';
  for (let i = 0; i + 1 < hash.length; i += 2) key += String.fromCharCode(hash[i] | (hash[i + 1] << 8));
  return hash.length % 2 ? key + String.fromCharCode(hash[hash.length - 1]) : key;
}
