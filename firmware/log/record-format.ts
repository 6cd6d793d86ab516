/**
 * The boarding log's bytes on flash (docs/flash-log.md draws them). Every
 * block starts with a header slot; the rest is 32-byte slots holding boarding
 * records (one slot) and trip names (two slots). All integers little-endian.
 * Each header and record ends in a CRC-32, so a write the power cut short is
 * recognised and skipped.
 *
 * Only pure encode/decode lives here; flash-log.ts decides where things go.
 */
import { Decision } from '../../protocol/validate/reasons.js';
import { crc32 } from '../flash/crc32.js';
import { ERASED } from '../flash/erased.js';

export const LogLayout = Object.freeze({
  /** Bumped on any incompatible change of these bytes. */
  VERSION: 1,
  SLOT: 32,
  /** "TKL1" */
  MAGIC: 0x314c4b54,
  TICKET_HASH: 8,
  /** UTF-8 bytes of a trip id: 32 characters of the trip list, 3 bytes each at most. */
  TRIP_ID_MAX: 96,
  /** Trip indexes are per block, 1..255; 0 means no trip. */
  TRIP_INDEX_MAX: 255,
} as const);

/** First byte of a slot: what it holds. 0xFF is an unwritten slot. */
export const SlotKind = Object.freeze({
  BOARDING: 0x42,
  TRIP: 0x54,
} as const);

/** Offsets inside the header slot. */
const H = Object.freeze({ MAGIC: 0, VERSION: 4, SLOT: 5, GENERATION: 8, FIRST_SEQ: 12, ERASES: 16, LOG_ID: 20, CRC: 24, RETIRED: 28 });
/** Offsets inside a boarding slot. */
const B = Object.freeze({ KIND: 0, ACK: 1, SEQ: 2, TIME: 6, TICKET: 10, TRIP: 18, DECISION: 19, REASON: 20, OVERRIDE: 21, PASSENGERS: 22, FLAGS: 23, CRC: 28 });
/** Offsets inside a trip record; its CRC takes the last 4 bytes of its last slot. */
const T = Object.freeze({ KIND: 0, INDEX: 1, DATE: 2, LENGTH: 6, ID: 7 });

const FLAG_TICKET = 0x01;

const DECISION_CODE: Readonly<Record<Decision, number>> = Object.freeze({ [Decision.ACCEPT]: 1, [Decision.REJECT]: 2, [Decision.REPEAT]: 3 });
const CODE_DECISION: readonly (Decision | undefined)[] = [undefined, Decision.ACCEPT, Decision.REJECT, Decision.REPEAT];

export interface BlockHeader {
  /** Order of blocks in the ring: each new head block gets the highest so far + 1. */
  readonly generation: number;
  /** The log's next sequence number when the block was started. */
  readonly firstSeq: number;
  /** Times this block has been erased, carried from header to header. */
  readonly erases: number;
  /** Chosen when the log was formatted: a reformatted log restarts its sequence numbers under a new id. */
  readonly logId: number;
  /** Marked just before the block is erased for reuse: its records no longer count. */
  readonly retired: boolean;
}

/** A boarding slot as stored: the trip is an index into the block's trip records. */
export interface StoredBoarding {
  readonly seq: number;
  readonly time: number;
  readonly ticket?: Uint8Array;
  readonly tripIndex: number;
  readonly decision: Decision;
  readonly reason: number;
  readonly override: number;
  readonly passengers: number;
  /** The ack mark (outside the CRC) has been written. */
  readonly acked: boolean;
}

export interface StoredTrip {
  readonly index: number;
  readonly id: string;
  readonly serviceDate: number;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function u32(value: number): number {
  return Math.min(Math.max(Math.floor(value), 0), 0xffffffff);
}

function u8(value: number): number {
  return Math.min(Math.max(Math.floor(value), 0), 0xff);
}

export function encodeHeader(h: Omit<BlockHeader, 'retired'>): Uint8Array {
  const out = new Uint8Array(LogLayout.SLOT).fill(ERASED);
  const v = view(out);
  v.setUint32(H.MAGIC, LogLayout.MAGIC, true);
  out[H.VERSION] = LogLayout.VERSION;
  out[H.SLOT] = LogLayout.SLOT;
  out[6] = 0;
  out[7] = 0;
  v.setUint32(H.GENERATION, u32(h.generation), true);
  v.setUint32(H.FIRST_SEQ, u32(h.firstSeq), true);
  v.setUint32(H.ERASES, u32(h.erases), true);
  v.setUint32(H.LOG_ID, u32(h.logId), true);
  v.setUint32(H.CRC, crc32(out, 0, H.CRC), true);
  return out;
}

/** The header at `offset` of `bytes`, or undefined if the block was never started or its header is torn. */
export function decodeHeader(bytes: Uint8Array, offset = 0): BlockHeader | undefined {
  const s = bytes.subarray(offset, offset + LogLayout.SLOT);
  if (s.length < LogLayout.SLOT) return undefined;
  const v = view(s);
  if (v.getUint32(H.MAGIC, true) !== LogLayout.MAGIC || s[H.VERSION] !== LogLayout.VERSION || s[H.SLOT] !== LogLayout.SLOT) return undefined;
  if (v.getUint32(H.CRC, true) !== crc32(s, 0, H.CRC)) return undefined;
  return {
    generation: v.getUint32(H.GENERATION, true),
    firstSeq: v.getUint32(H.FIRST_SEQ, true),
    erases: v.getUint32(H.ERASES, true),
    logId: v.getUint32(H.LOG_ID, true),
    // Any cleared bit counts: a half-written mark was still meant.
    retired: s[H.RETIRED] !== ERASED,
  };
}

/** Offset of the retired mark within a block. */
export const RETIRED_OFFSET = H.RETIRED;
/** Offset of the ack mark within a boarding slot. */
export const ACK_OFFSET = B.ACK;
/** What the marks are written as. */
export const MARK = new Uint8Array([0]);

export function encodeBoarding(r: Omit<StoredBoarding, 'acked'>): Uint8Array {
  const out = new Uint8Array(LogLayout.SLOT).fill(0);
  const v = view(out);
  out[B.KIND] = SlotKind.BOARDING;
  out[B.ACK] = ERASED;
  v.setUint32(B.SEQ, u32(r.seq), true);
  v.setUint32(B.TIME, u32(r.time), true);
  if (r.ticket) out.set(r.ticket.subarray(0, LogLayout.TICKET_HASH), B.TICKET);
  out[B.TRIP] = u8(r.tripIndex);
  out[B.DECISION] = DECISION_CODE[r.decision];
  out[B.REASON] = u8(r.reason);
  out[B.OVERRIDE] = u8(r.override);
  out[B.PASSENGERS] = u8(r.passengers);
  out[B.FLAGS] = r.ticket ? FLAG_TICKET : 0;
  v.setUint32(B.CRC, boardingCrc(out, 0), true);
  return out;
}

/** CRC of the boarding slot at `offset`: the ack mark is written later, so it stays out. */
function boardingCrc(bytes: Uint8Array, offset: number): number {
  return crc32(bytes, offset + B.ACK + 1, offset + B.CRC, crc32(bytes, offset, offset + B.ACK));
}

/**
 * The boarding slots of one block, read where they lie: whether a slot holds
 * a whole record, and its fields one by one (boot recovery reads only those
 * it needs, for every record) or as a whole record.
 */
export class BoardingSlots {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = view(bytes);
  }

  /** The slot at `offset` holds a whole boarding record. */
  whole(offset: number): boolean {
    const s = this.#bytes;
    if (offset + LogLayout.SLOT > s.length || s[offset + B.KIND] !== SlotKind.BOARDING || !CODE_DECISION[s[offset + B.DECISION]]) return false;
    return this.#view.getUint32(offset + B.CRC, true) === boardingCrc(s, offset);
  }

  seq(offset: number): number {
    return this.#view.getUint32(offset + B.SEQ, true);
  }

  time(offset: number): number {
    return this.#view.getUint32(offset + B.TIME, true);
  }

  acked(offset: number): boolean {
    return this.#bytes[offset + B.ACK] !== ERASED;
  }

  accepted(offset: number): boolean {
    return CODE_DECISION[this.#bytes[offset + B.DECISION]] === Decision.ACCEPT;
  }

  tripIndex(offset: number): number {
    return this.#bytes[offset + B.TRIP];
  }

  passengers(offset: number): number {
    return this.#bytes[offset + B.PASSENGERS];
  }

  /** Where the ticket hash starts, or -1 if the record has none. */
  ticketAt(offset: number): number {
    return this.#bytes[offset + B.FLAGS] & FLAG_TICKET ? offset + B.TICKET : -1;
  }

  /** The whole record in the slot at `offset` (check whole() first). */
  record(offset: number): StoredBoarding {
    const s = this.#bytes;
    const ticket = this.ticketAt(offset);
    return {
      seq: this.seq(offset),
      time: this.time(offset),
      ticket: ticket < 0 ? undefined : s.slice(ticket, ticket + LogLayout.TICKET_HASH),
      tripIndex: this.tripIndex(offset),
      decision: CODE_DECISION[s[offset + B.DECISION]]!,
      reason: s[offset + B.REASON],
      override: s[offset + B.OVERRIDE],
      passengers: this.passengers(offset),
      acked: this.acked(offset),
    };
  }
}

/** Slots a trip record with an id of `idLength` UTF-8 bytes takes: one for ids up to 21 bytes. */
export function tripSlots(idLength: number): number {
  return Math.ceil((T.ID + idLength + 4) / LogLayout.SLOT);
}

export function encodeTrip(t: StoredTrip, idBytes: Uint8Array): Uint8Array {
  if (idBytes.length > LogLayout.TRIP_ID_MAX) throw new RangeError(`trip id of ${idBytes.length} bytes: at most ${LogLayout.TRIP_ID_MAX}`);
  const out = new Uint8Array(LogLayout.SLOT * tripSlots(idBytes.length)).fill(0);
  const v = view(out);
  out[T.KIND] = SlotKind.TRIP;
  out[T.INDEX] = u8(t.index);
  v.setUint32(T.DATE, u32(t.serviceDate), true);
  out[T.LENGTH] = idBytes.length;
  out.set(idBytes, T.ID);
  v.setUint32(out.length - 4, crc32(out, 0, out.length - 4), true);
  return out;
}

/**
 * The trip record starting at `offset` and the slots it takes, or undefined
 * if there is no whole one there.
 */
export function decodeTrip(bytes: Uint8Array, offset: number, decodeId: (utf8: Uint8Array) => string): { trip: StoredTrip; slots: number } | undefined {
  if (bytes[offset] !== SlotKind.TRIP || offset + LogLayout.SLOT > bytes.length) return undefined;
  const length = bytes[offset + T.LENGTH];
  if (length > LogLayout.TRIP_ID_MAX) return undefined;
  const slots = tripSlots(length);
  const s = bytes.subarray(offset, offset + LogLayout.SLOT * slots);
  if (s.length < LogLayout.SLOT * slots || s[T.INDEX] === 0) return undefined;
  const v = view(s);
  if (v.getUint32(s.length - 4, true) !== crc32(s, 0, s.length - 4)) return undefined;
  return { trip: { index: s[T.INDEX], id: decodeId(s.subarray(T.ID, T.ID + length)), serviceDate: v.getUint32(T.DATE, true) }, slots };
}
