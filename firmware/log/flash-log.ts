/**
 * The boarding log on NOR flash: an append-only ring of erase blocks in the
 * board's data partition (docs/flash-log.md has the layout and the proof
 * sketch of why a power cut loses nothing acknowledged).
 *
 * - append() writes one 32-byte slot (plus a trip-name slot the first time a
 *   departure appears in a block); when it returns, the record is on flash.
 * - markAcked() writes one byte: the ack mark of the newest record the back
 *   office has stored. Acknowledged state at boot is the newest marked
 *   record, or everything before the oldest block still in the ring.
 * - The head moves to the next block in ring order only if every record
 *   there is acknowledged; that block is marked retired, erased and given a
 *   new header. A ring full of unacknowledged records refuses the append
 *   and counts it: nothing unacknowledged is ever overwritten.
 * - reclaim() retires old, fully acknowledged blocks ahead of the head
 *   (housekeeping), so they stop counting and boot stops reading them.
 * - Construction recovers: every block header and slot is read once to find
 *   the head, the tail, the next sequence number, the acknowledged point and
 *   the used-ticket state.
 *
 * The log owns the partition it is given: close() closes it.
 */
import { utf8ToBytes, utf8ToString } from '../../protocol/bytes.js';
import type { TicketUsage } from '../../protocol/validate/usage.js';
import { isErased } from '../flash/erased.js';
import type { Random } from '../platform/random.js';
import type { FlashPartition } from '../types/ecma419.js';
import { tripKey, type BoardingEntry, type BoardingLog, type BoardingRecord, type LogStatus } from './boarding-log.js';
import {
  ACK_OFFSET,
  BoardingSlots,
  LogLayout,
  MARK,
  RETIRED_OFFSET,
  SlotKind,
  decodeHeader,
  decodeTrip,
  encodeBoarding,
  encodeHeader,
  encodeTrip,
  tripSlots,
  type BlockHeader,
  type StoredTrip,
} from './record-format.js';
import { UsageIndex, ticketKey } from './usage-index.js';

export interface FlashLogOptions {
  /** An open partition (`device.flash.open({ path })`), erase blocks a multiple of 32 bytes, at least 2 of them. */
  readonly partition: FlashPartition;
  /** Picks the log id when a blank partition is formatted; without it the id is 0. */
  readonly random?: Random;
  /** Monotonic milliseconds, to report what recovery cost. */
  readonly ticks?: () => number;
}

/** What boot recovery found and what it cost. */
export interface LogRecovery {
  readonly blocks: number;
  /** Blocks holding a valid, live header. */
  readonly liveBlocks: number;
  readonly records: number;
  /** Slots written but not whole (a write the power cut short): skipped. */
  readonly tornSlots: number;
  readonly bytesRead: number;
  /** Milliseconds, when `ticks` was given. */
  readonly ms?: number;
  /** The partition held no log and was formatted. */
  readonly formatted: boolean;
}

/** Erase counts from the block headers: how evenly the ring wears. */
export interface LogWear {
  readonly minErases: number;
  readonly maxErases: number;
  readonly totalErases: number;
}

export interface FlashLogStatus extends LogStatus {
  readonly wear: LogWear;
}

/** In RAM for each block: enough to find records without reading flash. */
interface Block {
  /** Undefined: no live header (blank, torn, retired); must be erased before use. */
  header: BlockHeader | undefined;
  /** Erase count as last known, carried into the next header. */
  erases: number;
  records: number;
  /** Seq range of the whole boarding records in it; 0 when none. */
  minSeq: number;
  maxSeq: number;
  /** Newest record time in it, seconds; 0 when none. */
  maxTime: number;
}

/** One block walked: its header, trip names, tail and torn slots. */
type BlockWalk = Omit<BlockContents, 'records'>;

/** One parsed block. */
interface BlockContents {
  readonly header: BlockHeader;
  readonly records: Array<{ readonly slot: number; readonly record: BoardingRecord; readonly acked: boolean }>;
  readonly trips: Map<number, StoredTrip>;
  /** First slot after the last one written. */
  readonly tail: number;
  readonly torn: number;
}

export class FlashBoardingLog implements BoardingLog {
  readonly #partition: FlashPartition;
  readonly #random: Random | undefined;
  readonly #blockLength: number;
  readonly #slots: number;
  readonly #blocks: Block[];
  readonly #usage = new UsageIndex();
  #logId = 0;
  #generation = 0;
  #head = -1;
  #tail = 1;
  /** Trip key → index in the head block. */
  #headTrips = new Map<string, number>();
  #nextTripIndex = 1;
  #nextSeq = 1;
  #ackedSeq = 0;
  #dropped = 0;
  /** The last append was refused: full until an append or an ack makes room. */
  #refusing = false;
  #closed = false;
  readonly #recovery: LogRecovery;

  constructor(options: FlashLogOptions) {
    this.#partition = options.partition;
    this.#random = options.random;
    const { blockLength, blocks } = this.#partition.status();
    if (blockLength % LogLayout.SLOT !== 0 || blockLength < 4 * LogLayout.SLOT || blocks < 2) {
      throw new RangeError(`boarding log needs at least 2 erase blocks of a multiple of ${LogLayout.SLOT} bytes; got ${blocks} of ${blockLength}`);
    }
    this.#blockLength = blockLength;
    this.#slots = blockLength / LogLayout.SLOT;
    this.#blocks = [];
    for (let i = 0; i < blocks; i++) this.#blocks.push({ header: undefined, erases: 0, records: 0, minSeq: 0, maxSeq: 0, maxTime: 0 });
    const started = options.ticks?.();
    const found = this.#recover();
    const formatted = this.#head < 0;
    if (formatted) this.#format();
    const ms = started === undefined ? undefined : options.ticks!() - started;
    this.#recovery = Object.freeze({ ...found, formatted, ...(ms === undefined ? {} : { ms }) });
  }

  /** What boot recovery found and cost. */
  get recovery(): LogRecovery {
    return this.#recovery;
  }

  /** Boarding records the ring can hold when none are acknowledged. */
  get capacity(): number {
    return this.#blocks.length * (this.#slots - 1);
  }

  append(entry: BoardingEntry): BoardingRecord | undefined {
    this.#check();
    const tripIdBytes = entry.trip !== undefined && entry.serviceDate !== undefined ? utf8ToBytes(entry.trip) : undefined;
    if (tripIdBytes && tripIdBytes.length > LogLayout.TRIP_ID_MAX) throw new RangeError(`trip id longer than ${LogLayout.TRIP_ID_MAX} bytes`);
    const key = tripIdBytes ? tripKey(entry.trip!, entry.serviceDate!) : undefined;
    const needed = (): number => 1 + (key !== undefined && !this.#headTrips.has(key) ? tripSlots(tripIdBytes!.length) : 0);
    if (this.#tail + needed() > this.#slots || this.#nextTripIndex > LogLayout.TRIP_INDEX_MAX) {
      if (!this.#advance()) {
        this.#dropped++;
        this.#refusing = true;
        return undefined;
      }
    }
    let tripIndex = 0;
    if (key !== undefined) {
      tripIndex = this.#headTrips.get(key) ?? 0;
      if (tripIndex === 0) {
        tripIndex = this.#nextTripIndex++;
        const bytes = encodeTrip({ index: tripIndex, id: entry.trip!, serviceDate: entry.serviceDate! }, tripIdBytes!);
        const at = this.#tail;
        // Slots are spent before writing: a failed write must never be written over.
        this.#tail += bytes.length / LogLayout.SLOT;
        this.#write(this.#head, at, bytes);
        this.#headTrips.set(key, tripIndex);
      }
    }
    // The sequence number is spent whatever happens: two records never share one.
    const seq = this.#nextSeq++;
    const record: BoardingRecord = Object.freeze({
      seq,
      time: entry.time,
      ticket: entry.ticket?.slice(0, LogLayout.TICKET_HASH),
      trip: key !== undefined ? entry.trip : undefined,
      serviceDate: key !== undefined ? entry.serviceDate : undefined,
      decision: entry.decision,
      reason: entry.reason,
      override: entry.override,
      passengers: entry.passengers,
    });
    const at = this.#tail++;
    this.#write(this.#head, at, encodeBoarding({ ...record, tripIndex }));
    const block = this.#blocks[this.#head];
    if (block.records++ === 0) block.minSeq = seq;
    block.maxSeq = seq;
    block.maxTime = Math.max(block.maxTime, record.time);
    this.#usage.add(record);
    this.#refusing = false;
    return record;
  }

  markAcked(upToSeq: number): void {
    this.#check();
    const upTo = Math.min(Math.floor(upToSeq), this.#nextSeq - 1);
    if (!(upTo > this.#ackedSeq)) return;
    // Mark the newest record at or below upTo; none left means an older block already says it.
    for (const b of this.#ringOrder().reverse()) {
      const block = this.#blocks[b];
      if (block.records === 0 || block.minSeq > upTo) continue;
      const contents = this.#readBlock(b);
      let best: { slot: number; seq: number } | undefined;
      for (const { slot, record } of contents?.records ?? []) if (record.seq <= upTo && (!best || record.seq > best.seq)) best = { slot, seq: record.seq };
      if (best) {
        this.#write(b, best.slot, MARK, ACK_OFFSET);
        break;
      }
    }
    this.#ackedSeq = upTo;
    this.#refusing = false;
  }

  reclaim(before: number, maxBlocks = 1): number {
    this.#check();
    let retired = 0;
    for (const b of this.#ringOrder()) {
      if (retired >= maxBlocks || b === this.#head) break;
      const block = this.#blocks[b];
      // Oldest first: the ring must stay contiguous, so stop at the first block to keep.
      if (!this.#reusable(b) || block.maxTime >= before) break;
      // Retired, not erased: one byte now, and the erase comes when the head
      // reaches the block, so it is still erased once per trip round the ring.
      this.#retire(b);
      retired++;
    }
    return retired;
  }

  read(fromSeq: number, max: number): BoardingRecord[] {
    this.#check();
    const from = Math.max(Math.floor(fromSeq), this.#ackedSeq + 1);
    const out: BoardingRecord[] = [];
    for (const b of this.#ringOrder()) {
      if (out.length >= max) break;
      const block = this.#blocks[b];
      if (block.records === 0 || block.maxSeq < from) continue;
      for (const { record } of this.#readBlock(b)?.records ?? []) {
        if (out.length >= max) break;
        if (record.seq >= from) out.push(record);
      }
    }
    return out;
  }

  get(ticketHash: Uint8Array): TicketUsage | undefined {
    return this.#usage.get(ticketHash);
  }

  boarded(trip: string, serviceDate: number): number {
    return this.#usage.boarded(trip, serviceDate);
  }

  status(): FlashLogStatus {
    let records = 0;
    let unacked = 0;
    const acked = this.#ackedSeq;
    for (const b of this.#blocks) {
      if (!b.header || b.records === 0) continue;
      records += b.records;
      if (b.minSeq > acked) unacked += b.records;
      else if (b.maxSeq > acked) unacked += Math.min(b.records, b.maxSeq - acked);
    }
    return {
      records,
      unacked,
      capacity: this.capacity,
      full: this.#refusing || !this.#hasRoom(),
      dropped: this.#dropped,
      ackedSeq: this.#ackedSeq,
      nextSeq: this.#nextSeq,
      logId: this.#logId,
      wear: this.#wear(),
    };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#partition.close();
  }

  #check(): void {
    if (this.#closed) throw new Error('boarding log closed');
  }

  /** Live blocks, oldest first. */
  #ringOrder(): number[] {
    const live: number[] = [];
    for (let i = 0; i < this.#blocks.length; i++) if (this.#blocks[i].header) live.push(i);
    return live.sort((a, b) => this.#blocks[a].header!.generation - this.#blocks[b].header!.generation);
  }

  /** Whether the head has a free slot or the next block can be taken. */
  #hasRoom(): boolean {
    if (this.#tail < this.#slots) return true;
    return this.#reusable((this.#head + 1) % this.#blocks.length);
  }

  #reusable(b: number): boolean {
    const block = this.#blocks[b];
    return !block.header || block.records === 0 || block.maxSeq <= this.#ackedSeq;
  }

  /** Moves the head to the next block in ring order, reclaiming it; false if that would lose an unacknowledged record. */
  #advance(): boolean {
    const next = (this.#head + 1) % this.#blocks.length;
    if (!this.#reusable(next)) return false;
    if (this.#blocks[next].header) this.#retire(next);
    this.#start(next);
    return true;
  }

  /** Marks a live block retired before it is erased: its records stop counting, and a cut erase leaves nothing that looks live. */
  #retire(b: number): void {
    const block = this.#blocks[b];
    const contents = this.#readBlock(b);
    this.#write(b, 0, MARK, RETIRED_OFFSET);
    block.header = undefined;
    block.records = 0;
    block.minSeq = 0;
    block.maxSeq = 0;
    block.maxTime = 0;
    for (const { record } of contents?.records ?? []) this.#usage.remove(record);
  }

  /** Erases block `b` and makes it the head. */
  #start(b: number): void {
    const block = this.#blocks[b];
    block.records = 0;
    block.minSeq = 0;
    block.maxSeq = 0;
    block.maxTime = 0;
    const header = { generation: this.#generation + 1, firstSeq: this.#nextSeq, erases: block.erases + 1, logId: this.#logId };
    try {
      this.#partition.eraseBlock(b);
      block.erases++;
      this.#write(b, 0, encodeHeader(header));
    } catch (e) {
      // The head stays where it was, full: the next append tries this block again.
      this.#tail = this.#slots;
      throw e;
    }
    this.#generation++;
    this.#head = b;
    block.header = { ...header, retired: false };
    this.#tail = 1;
    this.#headTrips = new Map();
    this.#nextTripIndex = 1;
  }

  #format(): void {
    const id = this.#random?.bytes(4);
    this.#logId = id ? ((id[0] | (id[1] << 8) | (id[2] << 16) | (id[3] << 24)) >>> 0) : 0;
    this.#start(0);
  }

  #write(block: number, slot: number, bytes: Uint8Array, within = 0): void {
    this.#partition.write(bytes, block * this.#blockLength + slot * LogLayout.SLOT + within);
  }

  #readBlock(b: number): BlockContents | undefined {
    const bytes = new Uint8Array(this.#blockLength);
    this.#partition.read(bytes, b * this.#blockLength);
    return this.#parse(bytes);
  }

  /** Everything whole in one block; undefined if its header is not live. */
  #parse(bytes: Uint8Array): BlockContents | undefined {
    const records: Array<{ readonly slot: number; readonly record: BoardingRecord; readonly acked: boolean }> = [];
    const walked = this.#walk(bytes, (slot, offset, trips, slots) => {
      const r = slots.record(offset);
      const trip = r.tripIndex ? trips.get(r.tripIndex) : undefined;
      const record: BoardingRecord = {
        seq: r.seq,
        time: r.time,
        ticket: r.ticket,
        trip: trip?.id,
        serviceDate: trip?.serviceDate,
        decision: r.decision,
        reason: r.reason,
        override: r.override,
        passengers: r.passengers,
      };
      records.push({ slot, record, acked: r.acked });
    });
    return walked && { ...walked, records };
  }

  /**
   * Walks the slots of a block with a live header: trip records are read as
   * they come (one is always written before the first boarding that names
   * it), each whole boarding slot goes to `onBoarding`, and torn slots are
   * counted and stepped over.
   */
  #walk(bytes: Uint8Array, onBoarding: (slot: number, offset: number, trips: ReadonlyMap<number, StoredTrip>, slots: BoardingSlots) => void): BlockWalk | undefined {
    const header = decodeHeader(bytes);
    if (!header || header.retired) return undefined;
    const slots = new BoardingSlots(bytes);
    const trips = new Map<number, StoredTrip>();
    let tail = 1;
    let torn = 0;
    for (let slot = 1; slot < this.#slots; ) {
      const offset = slot * LogLayout.SLOT;
      const kind = bytes[offset];
      if (kind === SlotKind.BOARDING && slots.whole(offset)) {
        onBoarding(slot, offset, trips, slots);
        tail = ++slot;
        continue;
      }
      if (kind === SlotKind.TRIP) {
        const t = decodeTrip(bytes, offset, utf8ToString);
        if (t) {
          trips.set(t.trip.index, t.trip);
          slot += t.slots;
          tail = slot;
          continue;
        }
      }
      if (!isErased(bytes, offset, offset + LogLayout.SLOT)) {
        // Written but not whole: skipped, and never written over.
        torn++;
        tail = slot + 1;
      }
      slot++;
    }
    return { header, trips, tail, torn };
  }

  #recover(): Omit<LogRecovery, 'formatted' | 'ms'> {
    const bytes = new Uint8Array(this.#blockLength);
    let records = 0;
    let torn = 0;
    let live = 0;
    let maxMarked = 0;
    let maxSeq = 0;
    let oldest: BlockHeader | undefined;
    let headContents: BlockWalk | undefined;
    let knownErases = 0;
    const unknownWear: number[] = [];
    for (let b = 0; b < this.#blocks.length; b++) {
      this.#partition.read(bytes, b * this.#blockLength);
      const block = this.#blocks[b];
      const header = decodeHeader(bytes);
      if (header) block.erases = header.erases;
      // No header but not blank: an erase was cut, so the block was in the ring's rotation.
      else if (!isErased(bytes, 0, bytes.length)) unknownWear.push(b);
      knownErases = Math.max(knownErases, block.erases);
      let count = 0;
      let minSeq = 0;
      let maxSeqHere = 0;
      let maxTime = 0;
      // Field by field, no record objects: this runs for every record at every boot.
      const contents = this.#walk(bytes, (_slot, offset, trips, slots) => {
        const seq = slots.seq(offset);
        count++;
        if (minSeq === 0 || seq < minSeq) minSeq = seq;
        if (seq > maxSeqHere) maxSeqHere = seq;
        const time = slots.time(offset);
        if (time > maxTime) maxTime = time;
        if (slots.acked(offset) && seq > maxMarked) maxMarked = seq;
        if (!slots.accepted(offset)) return;
        const index = slots.tripIndex(offset);
        const trip = index ? trips.get(index) : undefined;
        const at = slots.ticketAt(offset);
        this.#usage.addAccept(at < 0 ? undefined : ticketKey(bytes, at), seq, time, trip?.id, trip?.serviceDate, slots.passengers(offset));
      });
      if (!contents) continue;
      live++;
      block.header = contents.header;
      block.records = count;
      block.minSeq = minSeq;
      block.maxSeq = maxSeqHere;
      block.maxTime = maxTime;
      records += count;
      torn += contents.torn;
      maxSeq = Math.max(maxSeq, block.maxSeq, contents.header.firstSeq - 1);
      if (!oldest || contents.header.generation < oldest.generation) oldest = contents.header;
      if (contents.header.generation > this.#generation) {
        this.#generation = contents.header.generation;
        this.#head = b;
        this.#logId = contents.header.logId;
        headContents = contents;
      }
    }
    // A block whose header a cut erase destroyed wore about as much as the most worn one.
    for (const b of unknownWear) this.#blocks[b].erases = knownErases;
    if (headContents) {
      this.#tail = headContents.tail;
      for (const t of headContents.trips.values()) {
        this.#headTrips.set(tripKey(t.id, t.serviceDate), t.index);
        this.#nextTripIndex = Math.max(this.#nextTripIndex, t.index + 1);
      }
      this.#nextSeq = maxSeq + 1;
      this.#ackedSeq = Math.min(this.#nextSeq - 1, Math.max(maxMarked, oldest!.firstSeq - 1));
    }
    return { blocks: this.#blocks.length, liveBlocks: live, records, tornSlots: torn, bytesRead: this.#blocks.length * this.#blockLength };
  }

  #wear(): LogWear {
    let min = Infinity;
    let max = 0;
    let total = 0;
    for (const b of this.#blocks) {
      min = Math.min(min, b.erases);
      max = Math.max(max, b.erases);
      total += b.erases;
    }
    return { minErases: min, maxErases: max, totalErases: total };
  }
}
