/**
 * embedded:storage/flash in RAM, for the Linux and Windows desktop
 * simulators, which have no flash module of their own (Moddable's macOS one
 * keeps partitions in files). NOR rules as on the chip: erase sets a block
 * to 0xFF, a write can only clear bits. Contents last until the app exits.
 *
 * manifests/host maps the module name "embedded:storage/flash" to this file
 * on lin and win. XS resolves a relative import against the importing
 * module's name, so this file imports nothing at run time.
 */
import type { BufferSource, FlashOpenOptions, FlashPartition, FlashProvider, FlashStatus } from '../types/ecma419.js';

export interface PartitionSize {
  readonly blocks: number;
  readonly blockLength: number;
}

function bytesOf(data: BufferSource): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('expected an ArrayBuffer or a view of one');
}

class RamPartition implements FlashPartition {
  readonly format = 'buffer' as const;
  readonly #bytes: Uint8Array;
  readonly #blockLength: number;
  readonly #readOnly: boolean;
  #closed = false;

  constructor(bytes: Uint8Array, blockLength: number, readOnly: boolean) {
    this.#bytes = bytes;
    this.#blockLength = blockLength;
    this.#readOnly = readOnly;
  }

  #span(offset: number, length: number): void {
    if (this.#closed) throw new Error('closed');
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.#bytes.length) {
      throw new RangeError('outside the partition');
    }
  }

  read(byteLength: number, byteOffset: number): ArrayBuffer;
  read(buffer: ArrayBuffer | ArrayBufferView, byteOffset: number): number;
  read(target: number | ArrayBuffer | ArrayBufferView, byteOffset: number): ArrayBuffer | number {
    if (typeof target === 'number') {
      this.#span(byteOffset, target);
      return this.#bytes.slice(byteOffset, byteOffset + target).buffer;
    }
    const into = bytesOf(target);
    this.#span(byteOffset, into.length);
    into.set(this.#bytes.subarray(byteOffset, byteOffset + into.length));
    return into.length;
  }

  write(data: BufferSource, byteOffset: number): void {
    const from = bytesOf(data);
    this.#span(byteOffset, from.length);
    if (this.#readOnly) throw new Error('read-only');
    for (let i = 0; i < from.length; i++) this.#bytes[byteOffset + i] &= from[i];
  }

  eraseBlock(start: number, end: number = start + 1): void {
    this.#span(start * this.#blockLength, (end - start) * this.#blockLength);
    if (this.#readOnly) throw new Error('read-only');
    this.#bytes.fill(0xff, start * this.#blockLength, end * this.#blockLength);
  }

  status(): FlashStatus {
    if (this.#closed) throw new Error('closed');
    return { size: this.#bytes.length, blockLength: this.#blockLength, blocks: this.#bytes.length / this.#blockLength };
  }

  close(): void {
    this.#closed = true;
  }
}

export class RamFlash implements FlashProvider {
  readonly #sizes: ReadonlyMap<string, PartitionSize>;
  readonly #contents = new Map<string, Uint8Array>();

  constructor(partitions: Readonly<Record<string, PartitionSize>>) {
    const sizes = new Map<string, PartitionSize>();
    for (const [name, size] of Object.entries(partitions)) {
      if (!Number.isInteger(size?.blocks) || !Number.isInteger(size?.blockLength) || size.blocks < 1 || size.blockLength < 1) {
        throw new RangeError(`partition ${name}: blocks and blockLength must be positive integers`);
      }
      sizes.set(name, { blocks: size.blocks, blockLength: size.blockLength });
    }
    this.#sizes = sizes;
  }

  open(options: FlashOpenOptions): FlashPartition {
    const size = this.#sizes.get(options.path);
    if (!size) throw new Error(`partition not found: ${options.path}`);
    let bytes = this.#contents.get(options.path);
    if (!bytes) {
      // A new chip comes erased.
      bytes = new Uint8Array(size.blocks * size.blockLength).fill(0xff);
      this.#contents.set(options.path, bytes);
    }
    const mode = options.mode ?? 'r+';
    if (mode !== 'r' && mode !== 'r+') throw new RangeError('invalid mode');
    return new RamPartition(bytes, size.blockLength, mode === 'r');
  }
}

/** The board's data partitions (manifests/esp32/partitions.csv), in 4 KiB erase blocks. */
export const HOST_PARTITIONS: Readonly<Record<string, PartitionSize>> = Object.freeze({
  boardings: Object.freeze({ blocks: 256, blockLength: 4096 }),
  settings: Object.freeze({ blocks: 64, blockLength: 4096 }),
});

const flash: FlashProvider = new RamFlash(HOST_PARTITIONS);
export default flash;
