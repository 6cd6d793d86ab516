/**
 * A BoardingLog in RAM: what the firmware uses until the flash log exists,
 * and the reference the flash log's behaviour is tested against. It keeps
 * the same promises: acknowledged records may go, unacknowledged ones never
 * do, and a full log refuses and counts rather than overwrites.
 */
import type { TicketUsage } from '../../protocol/validate/usage.js';
import type { BoardingEntry, BoardingLog, BoardingRecord, LogStatus } from './boarding-log.js';
import { UsageIndex } from './usage-index.js';

export interface MemoryLogOptions {
  /** Records it can hold (default 20,000, what the 1 MiB flash log must hold). */
  readonly capacity?: number;
  /** Sequence number of the first record (default 1). */
  readonly firstSeq?: number;
}

export class MemoryBoardingLog implements BoardingLog {
  readonly #capacity: number;
  #records: BoardingRecord[] = [];
  #nextSeq: number;
  #ackedSeq: number;
  #dropped = 0;
  readonly #usage = new UsageIndex();

  constructor(options: MemoryLogOptions = {}) {
    this.#capacity = options.capacity ?? 20_000;
    this.#nextSeq = options.firstSeq ?? 1;
    this.#ackedSeq = this.#nextSeq - 1;
  }

  append(entry: BoardingEntry): BoardingRecord | undefined {
    // Acknowledged records make room; unacknowledged ones are never overwritten.
    if (this.#records.length >= this.#capacity) this.#records = this.#records.filter((r) => r.seq > this.#ackedSeq);
    if (this.#records.length >= this.#capacity) {
      this.#dropped++;
      return undefined;
    }
    const record: BoardingRecord = Object.freeze({ ...entry, ticket: entry.ticket?.slice(), seq: this.#nextSeq++ });
    this.#records.push(record);
    this.#usage.add(record);
    return record;
  }

  reclaim(before: number): number {
    const keep = this.#records.filter((r) => r.seq > this.#ackedSeq || r.time >= before);
    for (const r of this.#records) if (!keep.includes(r)) this.#usage.remove(r);
    const gone = this.#records.length - keep.length;
    this.#records = keep;
    return gone;
  }

  markAcked(upToSeq: number): void {
    if (upToSeq > this.#ackedSeq) this.#ackedSeq = Math.min(upToSeq, this.#nextSeq - 1);
  }

  read(fromSeq: number, max: number): BoardingRecord[] {
    const from = Math.max(fromSeq, this.#ackedSeq + 1);
    const out: BoardingRecord[] = [];
    for (const r of this.#records) {
      if (out.length >= max) break;
      if (r.seq >= from) out.push(r);
    }
    return out;
  }

  get(ticketHash: Uint8Array): TicketUsage | undefined {
    return this.#usage.get(ticketHash);
  }

  boarded(trip: string, serviceDate: number): number {
    return this.#usage.boarded(trip, serviceDate);
  }

  status(): LogStatus {
    const unacked = this.#nextSeq - 1 - this.#ackedSeq;
    return {
      records: this.#records.length,
      unacked,
      capacity: this.#capacity,
      full: unacked >= this.#capacity,
      dropped: this.#dropped,
      ackedSeq: this.#ackedSeq,
      nextSeq: this.#nextSeq,
    };
  }

  close(): void {}
}
