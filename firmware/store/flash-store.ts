/**
 * KeyValueStore on NOR flash: the validator's small named blobs (the last
 * good copy of each signed configuration document, the chosen trip) in their
 * own partition (docs/flash-log.md, "Settings store").
 *
 * The partition is two areas of equal size. The current one (the valid
 * header with the higher generation) holds entries appended one after the
 * other; the newest entry for a key wins and a tombstone deletes. When an
 * area fills, or boot finds a write the power cut short, the live entries
 * are copied into the other area, which is erased first and gets its header
 * last. So a power cut at any point leaves either the old or the new value
 * of a key, never a mix, and never loses a value whose set() returned.
 *
 * The store owns the partition it is given: close() closes it.
 */
import { utf8ToBytes, utf8ToString } from '../../protocol/bytes.js';
import { crc32 } from '../flash/crc32.js';
import { ERASED, isErased } from '../flash/erased.js';
import type { FlashPartition } from '../types/ecma419.js';
import type { KeyValueStore } from './key-value-store.js';

export interface FlashStoreOptions {
  /** An open partition with an even number of erase blocks. */
  readonly partition: FlashPartition;
}

export const StoreLayout = Object.freeze({
  VERSION: 1,
  /** "TKS1" */
  MAGIC: 0x31534b54,
  HEADER: 32,
  /** kind, flags, key length, 0, value length (u32) */
  ENTRY_HEAD: 8,
  ENTRY_CRC: 4,
  ENTRY_KIND: 0x45,
  KEY_MAX: 255,
} as const);

const DELETED = 0x01;

interface Located {
  readonly offset: number;
  readonly length: number;
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export class FlashStore implements KeyValueStore {
  readonly #partition: FlashPartition;
  readonly #blockLength: number;
  readonly #areaBlocks: number;
  readonly #areaSize: number;
  /** Key → where its value is, within the partition. */
  #index = new Map<string, Located>();
  #area = 0;
  #generation = 0;
  #tail: number = StoreLayout.HEADER;
  #closed = false;
  #holed = false;

  constructor(options: FlashStoreOptions) {
    this.#partition = options.partition;
    const { blockLength, blocks } = this.#partition.status();
    if (blocks < 2 || blocks % 2 !== 0) throw new RangeError(`settings store needs an even number of erase blocks; got ${blocks}`);
    this.#blockLength = blockLength;
    this.#areaBlocks = blocks / 2;
    this.#areaSize = this.#areaBlocks * blockLength;
    this.#open();
  }

  /** The largest value set() can take for a key of `keyLength` UTF-8 bytes, with nothing else stored. */
  maxValueLength(keyLength = 16): number {
    return this.#areaSize - StoreLayout.HEADER - StoreLayout.ENTRY_HEAD - StoreLayout.ENTRY_CRC - keyLength;
  }

  get(key: string): Uint8Array | undefined {
    this.#check();
    const at = this.#index.get(key);
    return at && this.#read(at);
  }

  set(key: string, value: Uint8Array): void {
    this.#check();
    this.#put(key, value, 0);
  }

  delete(key: string): void {
    this.#check();
    if (this.#index.has(key)) this.#put(key, new Uint8Array(0), DELETED);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#partition.close();
  }

  #check(): void {
    if (this.#closed) throw new Error('settings store closed');
  }

  #put(key: string, value: Uint8Array, flags: number): void {
    const keyBytes = utf8ToBytes(key);
    if (keyBytes.length > StoreLayout.KEY_MAX) throw new RangeError(`settings key longer than ${StoreLayout.KEY_MAX} bytes`);
    const entry = encodeEntry(keyBytes, value, flags);
    if (this.#tail + entry.length > this.#areaSize) {
      // Compacting keeps every other key; it must leave room for this one.
      const live = this.#liveBytes(key);
      if (StoreLayout.HEADER + live + entry.length > this.#areaSize) throw new RangeError(`settings store full: ${value.length} bytes for "${key}" do not fit`);
      // The change goes in before the new area's header: the switch carries the old value or the new, never neither.
      this.#compact({ key, value: flags & DELETED ? undefined : value });
      return;
    }
    // After a write the chip refused, the area has a hole a boot scan would stop at: move on first.
    if (this.#holed) this.#compact();
    const at = this.#area * this.#areaSize + this.#tail;
    // Spent before the write: a failed write must never be written over.
    this.#tail += entry.length;
    try {
      this.#partition.write(entry, at);
    } catch (e) {
      this.#holed = true;
      throw e;
    }
    if (flags & DELETED) this.#index.delete(key);
    else this.#index.set(key, valueAt(at, keyBytes, value));
  }

  /** Bytes the live entries take, leaving out `except`. */
  #liveBytes(except?: string): number {
    let total = 0;
    for (const [key, at] of this.#index) if (key !== except) total += StoreLayout.ENTRY_HEAD + utf8ToBytes(key).length + at.length + StoreLayout.ENTRY_CRC;
    return total;
  }

  /**
   * Copies the live entries into the other area, with `change` applied (its
   * key set to its value, or dropped when the value is undefined); the other
   * area becomes current once its header is written.
   */
  #compact(change?: { readonly key: string; readonly value: Uint8Array | undefined }): void {
    const to = 1 - this.#area;
    const base = to * this.#areaSize;
    this.#partition.eraseBlock(to * this.#areaBlocks, (to + 1) * this.#areaBlocks);
    const index = new Map<string, Located>();
    let tail: number = StoreLayout.HEADER;
    const copy = (key: string, value: Uint8Array): void => {
      const keyBytes = utf8ToBytes(key);
      const entry = encodeEntry(keyBytes, value, 0);
      this.#partition.write(entry, base + tail);
      index.set(key, valueAt(base + tail, keyBytes, value));
      tail += entry.length;
    };
    // One value at a time: an area can be larger than the RAM to spare.
    for (const [key, at] of this.#index) if (key !== change?.key) copy(key, this.#read(at));
    if (change?.value) copy(change.key, change.value);
    this.#partition.write(encodeAreaHeader(this.#generation + 1), base);
    this.#area = to;
    this.#generation++;
    this.#index = index;
    this.#tail = tail;
    this.#holed = false;
  }

  #read(at: Located): Uint8Array {
    const out = new Uint8Array(at.length);
    if (at.length) this.#partition.read(out, at.offset);
    return out;
  }

  #open(): void {
    const areas = [0, 1].map((a) => {
      const head = new Uint8Array(StoreLayout.HEADER);
      this.#partition.read(head, a * this.#areaSize);
      return decodeAreaHeader(head);
    });
    const current = areas[0] === undefined && areas[1] === undefined ? -1 : (areas[1] ?? -1) > (areas[0] ?? -1) ? 1 : 0;
    if (current < 0) {
      // Blank (or never finished formatting): area 0, generation 1, nothing stored.
      this.#area = 1;
      this.#generation = 0;
      this.#compact();
      return;
    }
    this.#area = current;
    this.#generation = areas[current]!;
    const clean = this.#scan();
    // A write the power cut short leaves bytes that cannot be written over: move the live entries on.
    if (!clean) this.#compact();
  }

  /** Reads the current area's entries into the index; false if it ends in anything but erased flash. */
  #scan(): boolean {
    const bytes = new Uint8Array(this.#areaSize);
    const base = this.#area * this.#areaSize;
    this.#partition.read(bytes, base);
    let at = StoreLayout.HEADER;
    while (at + StoreLayout.ENTRY_HEAD + StoreLayout.ENTRY_CRC <= bytes.length && bytes[at] === StoreLayout.ENTRY_KIND) {
      const v = view(bytes.subarray(at));
      const keyLength = bytes[at + 2];
      const valueLength = v.getUint32(4, true);
      const size = StoreLayout.ENTRY_HEAD + keyLength + valueLength + StoreLayout.ENTRY_CRC;
      if (at + size > bytes.length || v.getUint32(size - StoreLayout.ENTRY_CRC, true) !== crc32(bytes, at, at + size - StoreLayout.ENTRY_CRC)) break;
      const key = utf8ToString(bytes.subarray(at + StoreLayout.ENTRY_HEAD, at + StoreLayout.ENTRY_HEAD + keyLength));
      if (bytes[at + 1] & DELETED) this.#index.delete(key);
      else this.#index.set(key, { offset: base + at + StoreLayout.ENTRY_HEAD + keyLength, length: valueLength });
      at += size;
    }
    this.#tail = at;
    return isErased(bytes, at, bytes.length);
  }
}

/** Where the value of an entry written at `at` lies. */
function valueAt(at: number, key: Uint8Array, value: Uint8Array): Located {
  return { offset: at + StoreLayout.ENTRY_HEAD + key.length, length: value.length };
}

function encodeEntry(key: Uint8Array, value: Uint8Array, flags: number): Uint8Array {
  const size = StoreLayout.ENTRY_HEAD + key.length + value.length + StoreLayout.ENTRY_CRC;
  const out = new Uint8Array(size);
  out[0] = StoreLayout.ENTRY_KIND;
  out[1] = flags;
  out[2] = key.length;
  out[3] = 0;
  view(out).setUint32(4, value.length, true);
  out.set(key, StoreLayout.ENTRY_HEAD);
  out.set(value, StoreLayout.ENTRY_HEAD + key.length);
  view(out).setUint32(size - StoreLayout.ENTRY_CRC, crc32(out, 0, size - StoreLayout.ENTRY_CRC), true);
  return out;
}

function encodeAreaHeader(generation: number): Uint8Array {
  const out = new Uint8Array(StoreLayout.HEADER).fill(ERASED);
  const v = view(out);
  v.setUint32(0, StoreLayout.MAGIC, true);
  out[4] = StoreLayout.VERSION;
  out[5] = out[6] = out[7] = 0;
  v.setUint32(8, generation, true);
  v.setUint32(12, crc32(out, 0, 12), true);
  return out;
}

/** The area's generation, or undefined if it has no whole header. */
function decodeAreaHeader(bytes: Uint8Array): number | undefined {
  const v = view(bytes);
  if (v.getUint32(0, true) !== StoreLayout.MAGIC || bytes[4] !== StoreLayout.VERSION) return undefined;
  if (v.getUint32(12, true) !== crc32(bytes, 0, 12)) return undefined;
  return v.getUint32(8, true);
}
