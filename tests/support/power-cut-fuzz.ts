/**
 * What the power-cut fuzzers of the flash log and the settings store share:
 * seeded choices, tallies, and a partition that passes everything to the
 * simulated chip while remembering the last operation, so each fuzzer can
 * say what the flash was doing when the power went.
 */
import { equalBytes } from '../../protocol/bytes.js';
import type { BufferSource, FlashPartition, FlashStatus } from '../../firmware/types/ecma419.js';

export type Rng = () => number;

export function int(random: Rng, below: number): number {
  return Math.floor(random() * below);
}

export function pick<T>(random: Rng, items: readonly T[]): T {
  return items[int(random, items.length)];
}

export function count<K>(map: Map<K, number>, key: K): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

/** Equal bytes, or both absent. */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (!a || !b) return a === b;
  return equalBytes(a, b);
}

/** One flash operation as the partition saw it begin. */
export interface FlashOperation {
  readonly erase: boolean;
  /** Byte offset in the partition. */
  readonly offset: number;
  readonly length: number;
  /** First byte written (0xFF for an erase). */
  readonly first: number;
  /** An erase came before it since the last mark(). */
  readonly afterErase: boolean;
}

export class WatchedPartition implements FlashPartition {
  readonly #inner: FlashPartition;
  readonly #blockLength: number;
  #erased = false;
  last: FlashOperation | undefined;

  constructor(inner: FlashPartition) {
    this.#inner = inner;
    this.#blockLength = inner.status().blockLength;
  }

  get format(): 'buffer' {
    return 'buffer';
  }

  read(byteLength: number, byteOffset: number): ArrayBuffer;
  read(buffer: ArrayBuffer | ArrayBufferView, byteOffset: number): number;
  read(target: number | ArrayBuffer | ArrayBufferView, byteOffset: number): ArrayBuffer | number {
    return typeof target === 'number' ? this.#inner.read(target, byteOffset) : this.#inner.read(target, byteOffset);
  }

  write(data: BufferSource, byteOffset: number): void {
    const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
    this.last = { erase: false, offset: byteOffset, length: bytes.length, first: bytes[0], afterErase: this.#erased };
    this.#inner.write(data, byteOffset);
  }

  eraseBlock(start: number, end?: number): void {
    this.#erased = true;
    this.last = { erase: true, offset: start * this.#blockLength, length: ((end ?? start + 1) - start) * this.#blockLength, first: 0xff, afterErase: true };
    this.#inner.eraseBlock(start, end);
  }

  status(): FlashStatus {
    return this.#inner.status();
  }

  close(): void {
    this.#inner.close();
  }

  /** A new call starts: forget the last operation and any erase before it. */
  mark(): void {
    this.#erased = false;
    this.last = undefined;
  }
}
