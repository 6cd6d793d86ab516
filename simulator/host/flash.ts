/**
 * Simulated NOR flash, shaped like Moddable's embedded:storage/flash: a chip
 * (the provider) opens partitions by name; each is byte-granular to read and
 * write and erased by block.
 *
 * NOR rules, enforced because the boarding log must live with them:
 * - erase sets every byte of a block to 0xFF;
 * - a write can only clear bits: the flash ends up holding old & data. A
 *   write that tries to set a bit back to 1 silently does not (as on the
 *   ESP32); the wear report counts such bytes so a test can insist on none.
 *
 * Backing: memory (fast, for fuzzing) or a real file read and written in
 * place, so contents survive a simulated reboot and even a new process. Wear
 * (erases per block, bytes written) is kept alongside: in memory, or in
 * `<file>.wear.json` next to the file.
 *
 * Power cuts come from a PowerCut (power-cut.ts); the model is described there.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, writeFileSync, writeSync } from 'node:fs';
import type { BufferSource, FlashOpenOptions, FlashPartition, FlashProvider, FlashStatus } from '../../firmware/types/ecma419.js';
import { bufferBytes } from './buffer-bytes.js';
import { PowerCut, randomByte, EraseCutModel } from './power-cut.js';

export const FlashDefaults = Object.freeze({
  /** 1 MiB */
  size: 1 << 20,
  /** The ESP32's SPI flash sector. */
  blockLength: 4096,
} as const);

/** Where a partition's bytes live. */
export type FlashBacking = 'memory' | { readonly file: string };

export interface FlashPartitionOptions {
  /** Bytes; a multiple of blockLength. Default 1 MiB. */
  readonly size?: number;
  /** Erase block in bytes. Default 4096. */
  readonly blockLength?: number;
  /** Default 'memory'. */
  readonly backing?: FlashBacking;
}

export interface FlashChipOptions {
  /** Partition name (as in partitions.csv) → its layout and backing. */
  readonly partitions: Readonly<Record<string, FlashPartitionOptions>>;
  /** Shared with other chips if they should lose power together. Default: a new one, `chip.powerCut`. */
  readonly powerCut?: PowerCut;
}

/** Wear of one partition since its backing was created. */
export interface FlashWear {
  readonly blockLength: number;
  readonly blocks: number;
  /** Erases per block, interrupted ones included (the cells were stressed). A copy. */
  readonly eraseCounts: Uint32Array;
  readonly maxEraseCount: number;
  /** Block erases in total. */
  readonly erases: number;
  /** write() calls. */
  readonly writes: number;
  /** Bytes programmed by write() (an interrupted write counts the bytes it reached). */
  readonly bytesWritten: number;
  /** Bytes whose write asked to set a 0 bit back to 1, which NOR cannot do. */
  readonly conflictingBytes: number;
}

interface WearCounters {
  eraseCounts: Uint32Array;
  erases: number;
  writes: number;
  bytesWritten: number;
  conflictingBytes: number;
}

interface PartitionSpec {
  readonly name: string;
  readonly size: number;
  readonly blockLength: number;
  readonly file: string | undefined;
}

/** Raw storage under a partition: no NOR rules, no power; the partition applies those. */
interface Store {
  readonly spec: PartitionSpec;
  readonly wear: WearCounters;
  readInto(target: Uint8Array, offset: number): void;
  writeRaw(offset: number, bytes: Uint8Array): void;
  fill(offset: number, length: number, value: number): void;
  saveWear(): void;
  close(): void;
}

function newWear(blocks: number): WearCounters {
  return { eraseCounts: new Uint32Array(blocks), erases: 0, writes: 0, bytesWritten: 0, conflictingBytes: 0 };
}

class MemoryStore implements Store {
  readonly spec: PartitionSpec;
  readonly wear: WearCounters;
  readonly #bytes: Uint8Array;

  constructor(spec: PartitionSpec) {
    this.spec = spec;
    this.wear = newWear(spec.size / spec.blockLength);
    this.#bytes = new Uint8Array(spec.size).fill(0xff);
  }

  readInto(target: Uint8Array, offset: number): void {
    target.set(this.#bytes.subarray(offset, offset + target.length));
  }

  writeRaw(offset: number, bytes: Uint8Array): void {
    this.#bytes.set(bytes, offset);
  }

  fill(offset: number, length: number, value: number): void {
    this.#bytes.fill(value, offset, offset + length);
  }

  saveWear(): void {}

  close(): void {}
}

const FILL_CHUNK = 64 * 1024;

/** A partition image on disk, read and written in place (positional I/O). */
class FileStore implements Store {
  readonly spec: PartitionSpec;
  readonly wear: WearCounters;
  readonly #file: string;
  readonly #wearFile: string;
  #fd: number | undefined;

  constructor(spec: PartitionSpec, file: string) {
    this.spec = spec;
    this.#file = file;
    this.#wearFile = `${file}.wear.json`;
    const fresh = !existsSync(file);
    const fd = openSync(file, fresh ? 'w+' : 'r+');
    try {
      if (fresh) {
        this.#fd = fd;
        this.fill(0, spec.size, 0xff);
      } else {
        const actual = fstatSync(fd).size;
        if (actual !== spec.size) throw new Error(`flash "${spec.name}": ${file} holds ${actual} bytes, the partition is ${spec.size}`);
      }
      this.wear = this.#loadWear(fresh);
    } catch (error) {
      closeSync(fd);
      this.#fd = undefined;
      throw error;
    }
    this.#fd = fd;
  }

  readInto(target: Uint8Array, offset: number): void {
    const fd = this.#open();
    for (let done = 0; done < target.length; ) {
      const n = readSync(fd, target, done, target.length - done, offset + done);
      if (n <= 0) throw new Error(`flash "${this.spec.name}": short read from ${this.#file}`);
      done += n;
    }
  }

  writeRaw(offset: number, bytes: Uint8Array): void {
    const fd = this.#open();
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, offset + done);
  }

  fill(offset: number, length: number, value: number): void {
    const chunk = new Uint8Array(Math.min(length, FILL_CHUNK)).fill(value);
    for (let done = 0; done < length; done += chunk.length) {
      this.writeRaw(offset + done, length - done >= chunk.length ? chunk : chunk.subarray(0, length - done));
    }
  }

  saveWear(): void {
    // Written after every change: a test may abandon the chip without closing it.
    const w = this.wear;
    const json = {
      version: 1,
      size: this.spec.size,
      blockLength: this.spec.blockLength,
      erases: w.erases,
      writes: w.writes,
      bytesWritten: w.bytesWritten,
      conflictingBytes: w.conflictingBytes,
      eraseCounts: Array.from(w.eraseCounts),
    };
    writeFileSync(this.#wearFile, JSON.stringify(json));
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  #open(): number {
    if (this.#fd === undefined) throw new Error(`flash "${this.spec.name}": backing file closed`);
    return this.#fd;
  }

  #loadWear(fresh: boolean): WearCounters {
    const blocks = this.spec.size / this.spec.blockLength;
    // A new image starts a new wear record, whatever an old side file said.
    if (fresh || !existsSync(this.#wearFile)) return newWear(blocks);
    const json = JSON.parse(readFileSync(this.#wearFile, 'utf8')) as Partial<Record<string, unknown>>;
    const counts = json.eraseCounts;
    if (json.blockLength !== this.spec.blockLength || !Array.isArray(counts) || counts.length !== blocks) {
      throw new Error(`flash "${this.spec.name}": ${this.#wearFile} does not match the partition layout`);
    }
    const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    return {
      eraseCounts: Uint32Array.from(counts as number[]),
      erases: num(json.erases),
      writes: num(json.writes),
      bytesWritten: num(json.bytesWritten),
      conflictingBytes: num(json.conflictingBytes),
    };
  }
}

function wearReport(store: Store): FlashWear {
  const w = store.wear;
  const eraseCounts = w.eraseCounts.slice();
  let maxEraseCount = 0;
  for (const c of eraseCounts) if (c > maxEraseCount) maxEraseCount = c;
  return Object.freeze({
    blockLength: store.spec.blockLength,
    blocks: eraseCounts.length,
    eraseCounts,
    maxEraseCount,
    erases: w.erases,
    writes: w.writes,
    bytesWritten: w.bytesWritten,
    conflictingBytes: w.conflictingBytes,
  });
}

/** The bytes of an ArrayBuffer or view, without copying. */
function bytesOf(source: unknown, what: string): Uint8Array {
  const bytes = bufferBytes(source);
  if (!bytes) throw new TypeError(`${what}: ArrayBuffer or view required`);
  return bytes;
}

function checkInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer, got ${String(value)}`);
  return value;
}

/** One boot of a chip: handles opened in it die with it. */
interface Session {
  live: boolean;
}

/** Operations that will fail, as a worn or disturbed chip's do: the flash is left untouched. */
interface Faults {
  pending: Array<{ readonly operation: 'write' | 'erase'; readonly path: string | undefined }>;
}

/** A flash operation the chip refused (ESP_ERR_FLASH_OP_FAIL on the device). */
export class FlashOperationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlashOperationError';
  }
}

/** An open partition. Get one from FlashChip.open(). */
export class NorFlashPartition implements FlashPartition {
  readonly path: string;
  readonly #store: Store;
  readonly #powerCut: PowerCut;
  readonly #session: Session;
  readonly #writable: boolean;
  readonly #faults: Faults;
  #closed = false;

  /** @internal FlashChip.open() makes these. */
  constructor(path: string, store: Store, powerCut: PowerCut, session: Session, writable: boolean, faults: Faults) {
    this.path = path;
    this.#store = store;
    this.#powerCut = powerCut;
    this.#session = session;
    this.#writable = writable;
    this.#faults = faults;
  }

  get format(): 'buffer' {
    return 'buffer';
  }

  read(byteLength: number, byteOffset: number): ArrayBuffer;
  read(buffer: ArrayBuffer | ArrayBufferView, byteOffset: number): number;
  read(target: number | ArrayBuffer | ArrayBufferView, byteOffset: number): ArrayBuffer | number {
    this.#check('read', false);
    if (typeof target === 'number') {
      const length = checkInteger(target, 'flash read: byteLength');
      this.#checkRange(byteOffset, length, 'read');
      const out = new Uint8Array(length);
      this.#store.readInto(out, byteOffset);
      return out.buffer;
    }
    const into = bytesOf(target, 'flash read');
    this.#checkRange(byteOffset, into.length, 'read');
    this.#store.readInto(into, byteOffset);
    return into.length;
  }

  write(data: BufferSource, byteOffset: number): void {
    this.#check('write', true);
    const source = bytesOf(data, 'flash write');
    const n = source.length;
    this.#checkRange(byteOffset, n, 'write');
    if (n === 0) return;
    const store = this.#store;
    const bytes = new Uint8Array(n);
    store.readInto(bytes, byteOffset);
    // Counted before programming: the flash cannot do it either way.
    let conflicting = 0;
    for (let i = 0; i < n; i++) if (source[i] & ~bytes[i]) conflicting++;
    const cut = this.#powerCut.cutPoint('write', n);
    const stop = cut ? cut.index : n;
    for (let i = 0; i < stop; i++) bytes[i] &= source[i];
    if (cut) {
      // Half-programmed: some of the bits that were to be cleared are.
      const toClear = bytes[stop] & ~source[stop];
      bytes[stop] &= ~(toClear & randomByte(cut.random));
    }
    const programmed = cut ? stop + 1 : n;
    store.writeRaw(byteOffset, bytes.subarray(0, programmed));
    const wear = store.wear;
    wear.writes++;
    wear.bytesWritten += programmed;
    wear.conflictingBytes += conflicting;
    store.saveWear();
    if (cut) throw this.#powerCut.trip();
  }

  eraseBlock(start: number, end?: number): void {
    this.#check('eraseBlock', true);
    const { blockLength, size } = this.#store.spec;
    const blocks = size / blockLength;
    checkInteger(start, 'flash eraseBlock: start');
    const stop = end === undefined ? start + 1 : checkInteger(end, 'flash eraseBlock: end');
    if (stop < start || stop > blocks) throw new RangeError(`flash eraseBlock: blocks [${start}, ${stop}) outside 0..${blocks}`);
    if (stop === start) return;
    const store = this.#store;
    const wear = store.wear;
    const cut = this.#powerCut.cutPoint('erase', (stop - start) * blockLength);
    const whole = cut ? Math.floor(cut.index / blockLength) : stop - start;
    if (whole > 0) store.fill(start * blockLength, whole * blockLength, 0xff);
    for (let b = start; b < start + whole; b++) wear.eraseCounts[b]++;
    wear.erases += whole;
    if (cut) {
      const block = start + whole;
      const base = block * blockLength;
      const bytes = new Uint8Array(blockLength);
      store.readInto(bytes, base);
      if (cut.eraseModel === EraseCutModel.SCATTER) {
        for (let i = 0; i < blockLength; i++) bytes[i] |= randomByte(cut.random);
      } else if (cut.eraseModel === EraseCutModel.SUFFIX) {
        const at = blockLength - 1 - (cut.index % blockLength);
        bytes.fill(0xff, at + 1);
        bytes[at] |= randomByte(cut.random);
      } else {
        const at = cut.index % blockLength;
        bytes.fill(0xff, 0, at);
        bytes[at] |= randomByte(cut.random);
      }
      store.writeRaw(base, bytes);
      wear.eraseCounts[block]++;
      wear.erases++;
    }
    store.saveWear();
    if (cut) throw this.#powerCut.trip();
  }

  status(): FlashStatus {
    this.#check('status', false);
    const { size, blockLength } = this.#store.spec;
    return Object.freeze({ size, blockLength, blocks: size / blockLength });
  }

  close(): void {
    this.#powerCut.check();
    this.#closed = true;
  }

  /** Erases per block (a copy). Inspection for tests: works closed or unpowered. */
  eraseCounts(): Uint32Array {
    return this.#store.wear.eraseCounts.slice();
  }

  /** Inspection for tests: works closed or unpowered. */
  wear(): FlashWear {
    return wearReport(this.#store);
  }

  #check(what: string, write: boolean): void {
    this.#powerCut.check();
    if (this.#closed || !this.#session.live) throw new Error(`flash "${this.path}": ${what}() after close`);
    if (write && !this.#writable) throw new Error(`flash "${this.path}": ${what}() on a partition opened read-only`);
    if (!write) return;
    const operation = what === 'write' ? 'write' : 'erase';
    const i = this.#faults.pending.findIndex((f) => f.operation === operation && (f.path === undefined || f.path === this.path));
    if (i >= 0) {
      this.#faults.pending.splice(i, 1);
      throw new FlashOperationError(`flash "${this.path}": ${what}() failed`);
    }
  }

  #checkRange(offset: unknown, length: number, what: string): void {
    const at = checkInteger(offset, `flash ${what}: byteOffset`);
    const size = this.#store.spec.size;
    if (at + length > size) throw new RangeError(`flash ${what}: bytes [${at}, ${at + length}) outside the ${size}-byte partition`);
  }
}

/**
 * A simulated flash chip: the board's `flash` provider. reboot() is a power
 * cycle: handles opened before it are closed, the contents stay.
 */
export class FlashChip implements FlashProvider {
  readonly powerCut: PowerCut;
  readonly #specs = new Map<string, PartitionSpec>();
  readonly #stores = new Map<string, Store>();
  readonly #faults: Faults = { pending: [] };
  #session: Session = { live: true };

  constructor(options: FlashChipOptions) {
    if (typeof options !== 'object' || options === null || typeof options.partitions !== 'object' || options.partitions === null) {
      throw new TypeError('FlashChip: options.partitions required');
    }
    this.powerCut = options.powerCut ?? new PowerCut();
    for (const [name, p] of Object.entries(options.partitions)) {
      const size = checkInteger(p.size ?? FlashDefaults.size, `FlashChip: partition "${name}" size`);
      const blockLength = checkInteger(p.blockLength ?? FlashDefaults.blockLength, `FlashChip: partition "${name}" blockLength`);
      if (blockLength === 0 || size === 0 || size % blockLength !== 0) {
        throw new RangeError(`FlashChip: partition "${name}" size ${size} is not a positive multiple of blockLength ${blockLength}`);
      }
      const backing = p.backing ?? 'memory';
      let file: string | undefined;
      if (backing !== 'memory') {
        if (typeof backing !== 'object' || backing === null || typeof backing.file !== 'string' || backing.file === '') {
          throw new TypeError(`FlashChip: partition "${name}" backing must be 'memory' or { file }`);
        }
        file = backing.file;
      }
      this.#specs.set(name, Object.freeze({ name, size, blockLength, file }));
    }
  }

  /** Partition names. */
  get partitions(): readonly string[] {
    return [...this.#specs.keys()];
  }

  get powered(): boolean {
    return this.powerCut.powered;
  }

  open(options: FlashOpenOptions): NorFlashPartition {
    this.powerCut.check();
    if (typeof options !== 'object' || options === null || typeof options.path !== 'string') throw new TypeError('flash open: path required');
    const { path, mode = 'r+' } = options;
    if (mode !== 'r' && mode !== 'r+') throw new RangeError(`flash open: mode must be "r" or "r+", got ${String(mode)}`);
    return new NorFlashPartition(path, this.#store(path), this.powerCut, this.#session, mode === 'r+', this.#faults);
  }

  /** The next write (or erase) on `path` (any partition if omitted) fails with FlashOperationError, changing nothing. */
  failNext(operation: 'write' | 'erase', path?: string): void {
    this.#faults.pending.push({ operation, path });
  }

  /** A power cycle: closes every open handle and backing file, restores power. Contents and wear stay. */
  reboot(): this {
    this.close();
    this.powerCut.restore();
    return this;
  }

  /** Closes every open handle and releases backing files; open() works again afterwards. */
  close(): void {
    this.#session.live = false;
    this.#session = { live: true };
    for (const [name, store] of this.#stores) {
      if (store.spec.file === undefined) continue; // memory is the chip: it stays
      store.close();
      this.#stores.delete(name);
    }
  }

  /** Inspection for tests; does not need power. */
  wear(path: string): FlashWear {
    return wearReport(this.#store(path));
  }

  /** Erases per block of a partition (a copy); does not need power. */
  eraseCounts(path: string): Uint32Array {
    return this.#store(path).wear.eraseCounts.slice();
  }

  /** A copy of a partition's raw contents; does not need power. */
  snapshot(path: string): Uint8Array {
    const store = this.#store(path);
    const out = new Uint8Array(store.spec.size);
    store.readInto(out, 0);
    return out;
  }

  #store(path: string): Store {
    let store = this.#stores.get(path);
    if (store) return store;
    const spec = this.#specs.get(path);
    if (!spec) throw new Error(`flash: no partition "${path}" (have ${this.partitions.join(', ') || 'none'})`);
    store = spec.file === undefined ? new MemoryStore(spec) : new FileStore(spec, spec.file);
    this.#stores.set(path, store);
    return store;
  }
}
