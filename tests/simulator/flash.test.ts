import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FlashPartition } from '../../firmware/types/ecma419.js';
import { FlashChip, FlashDefaults } from '../../simulator/host/flash.js';

const BLOCK = 256;

function memoryChip(blocks = 8): FlashChip {
  return new FlashChip({ partitions: { boardings: { size: blocks * BLOCK, blockLength: BLOCK } } });
}

function bytes(partition: FlashPartition, offset: number, length: number): number[] {
  return Array.from(new Uint8Array(partition.read(length, offset)));
}

describe('flash partition (memory)', () => {
  it('starts erased and reports its layout', () => {
    const flash = memoryChip().open({ path: 'boardings' });
    expect(flash.format).toBe('buffer');
    expect(flash.status()).toEqual({ size: 8 * BLOCK, blockLength: BLOCK, blocks: 8 });
    expect(bytes(flash, 0, 4)).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  it('defaults to 1 MiB in 4096-byte blocks', () => {
    const flash = new FlashChip({ partitions: { data: {} } }).open({ path: 'data' });
    expect(flash.status()).toEqual({ size: FlashDefaults.size, blockLength: 4096, blocks: 256 });
  });

  it('a write can only clear bits: the result is old AND data', () => {
    const flash = memoryChip().open({ path: 'boardings' });
    flash.write(Uint8Array.of(0b1111_0000), 10);
    expect(bytes(flash, 10, 1)).toEqual([0b1111_0000]);
    flash.write(Uint8Array.of(0b1010_1111), 10); // tries to set the low bits back: they stay 0
    expect(bytes(flash, 10, 1)).toEqual([0b1010_0000]);
    flash.write(Uint8Array.of(0xff), 10); // 0xFF programs nothing
    expect(bytes(flash, 10, 1)).toEqual([0b1010_0000]);
    expect(flash.wear().conflictingBytes).toBe(2);
  });

  it('is byte-granular at any offset and across blocks', () => {
    const flash = memoryChip().open({ path: 'boardings' });
    flash.write(Uint8Array.of(1, 2, 3, 4, 5), BLOCK - 2);
    expect(bytes(flash, BLOCK - 3, 7)).toEqual([0xff, 1, 2, 3, 4, 5, 0xff]);
    // Views write their own bytes only.
    const backing = Uint8Array.of(9, 8, 7, 6);
    flash.write(new DataView(backing.buffer, 1, 2), 0);
    flash.write(backing.buffer.slice(3), 2);
    expect(bytes(flash, 0, 4)).toEqual([8, 7, 6, 0xff]);
  });

  it('reads into a buffer or view and returns the count', () => {
    const flash = memoryChip().open({ path: 'boardings' });
    flash.write(Uint8Array.of(10, 20, 30, 40), 100);
    const target = new Uint8Array(6);
    expect(flash.read(target.subarray(1, 4), 101)).toBe(3);
    expect(Array.from(target)).toEqual([0, 20, 30, 40, 0, 0]);
    const buffer = new ArrayBuffer(2);
    expect(flash.read(buffer, 100)).toBe(2);
    expect(Array.from(new Uint8Array(buffer))).toEqual([10, 20]);
    expect(flash.read(0, 0).byteLength).toBe(0);
  });

  it('erases blocks [start, end) to 0xFF; end defaults to start + 1', () => {
    const flash = memoryChip().open({ path: 'boardings' });
    flash.write(new Uint8Array(8 * BLOCK), 0); // all zero
    flash.eraseBlock(1);
    expect(bytes(flash, BLOCK - 1, 2)).toEqual([0, 0xff]);
    expect(bytes(flash, 2 * BLOCK - 1, 2)).toEqual([0xff, 0]);
    flash.eraseBlock(3, 6);
    const all = new Uint8Array(flash.read(8 * BLOCK, 0));
    const erased = (b: number): boolean => all.subarray(b * BLOCK, (b + 1) * BLOCK).every((x) => x === 0xff);
    const zero = (b: number): boolean => all.subarray(b * BLOCK, (b + 1) * BLOCK).every((x) => x === 0);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((b) => (erased(b) ? 'E' : zero(b) ? '0' : '?')).join('')).toBe('0E0EEE00');
    flash.eraseBlock(7, 7); // empty range: nothing
    expect(zero(7)).toBe(true);
  });

  it('counts erases per block and bytes written', () => {
    const chip = memoryChip(4);
    const flash = chip.open({ path: 'boardings' });
    flash.eraseBlock(0, 4);
    flash.eraseBlock(2);
    flash.eraseBlock(2);
    flash.write(new Uint8Array(10), 0);
    const counts = flash.eraseCounts();
    expect(Array.from(counts)).toEqual([1, 1, 3, 1]);
    counts[0] = 99; // a copy
    expect(chip.eraseCounts('boardings')[0]).toBe(1);
    expect(chip.wear('boardings')).toMatchObject({ erases: 6, writes: 1, bytesWritten: 10, maxEraseCount: 3, blocks: 4, blockLength: BLOCK });
  });

  it('range checks throw RangeError', () => {
    const flash = memoryChip(2).open({ path: 'boardings' });
    expect(() => flash.read(1, 2 * BLOCK)).toThrow(RangeError);
    expect(() => flash.read(2, 2 * BLOCK - 1)).toThrow(RangeError);
    expect(() => flash.read(new Uint8Array(3), 2 * BLOCK - 2)).toThrow(RangeError);
    expect(() => flash.read(1, -1)).toThrow(RangeError);
    expect(() => flash.write(new Uint8Array(2), 2 * BLOCK - 1)).toThrow(RangeError);
    expect(() => flash.write(new Uint8Array(1), 0.5)).toThrow(RangeError);
    expect(() => flash.eraseBlock(2)).toThrow(RangeError);
    expect(() => flash.eraseBlock(1, 3)).toThrow(RangeError);
    expect(() => flash.eraseBlock(1, 0)).toThrow(RangeError);
    expect(() => flash.eraseBlock(-1)).toThrow(RangeError);
    expect(() => flash.write('abc' as never, 0)).toThrow(TypeError);
    flash.write(new Uint8Array(1), 2 * BLOCK - 1); // the last byte is fine
    flash.eraseBlock(1, 2);
  });

  it("mode 'r' rejects write and erase; use after close throws; close is idempotent", () => {
    const chip = memoryChip();
    const writer = chip.open({ path: 'boardings', mode: 'r+' });
    writer.write(Uint8Array.of(0x42), 0);
    const reader = chip.open({ path: 'boardings', mode: 'r' });
    expect(bytes(reader, 0, 1)).toEqual([0x42]); // both handles see the same chip
    expect(() => reader.write(Uint8Array.of(0), 0)).toThrow(/read-only/);
    expect(() => reader.eraseBlock(0)).toThrow(/read-only/);
    writer.close();
    writer.close();
    expect(() => writer.read(1, 0)).toThrow(/after close/);
    expect(() => writer.write(Uint8Array.of(0), 0)).toThrow(/after close/);
    expect(() => writer.eraseBlock(0)).toThrow(/after close/);
    expect(() => writer.status()).toThrow(/after close/);
    expect(() => chip.open({ path: 'boardings', mode: 'w' as never })).toThrow(RangeError);
    expect(() => chip.open({ path: 'nvs' })).toThrow(/no partition "nvs"/);
  });

  it('reboot closes every handle and keeps the contents (memory)', () => {
    const chip = memoryChip();
    const before = chip.open({ path: 'boardings' });
    before.write(Uint8Array.of(1, 2, 3), 7);
    chip.reboot();
    expect(() => before.read(1, 0)).toThrow(/after close/);
    expect(bytes(chip.open({ path: 'boardings' }), 7, 3)).toEqual([1, 2, 3]);
  });

  it('rejects bad layouts', () => {
    expect(() => new FlashChip({ partitions: { a: { size: 1000, blockLength: 256 } } })).toThrow(RangeError);
    expect(() => new FlashChip({ partitions: { a: { size: 0 } } })).toThrow(RangeError);
    expect(() => new FlashChip({ partitions: { a: { backing: { file: '' } } } })).toThrow(TypeError);
  });
});

describe('flash partition (file)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flash-test-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const options = (file: string): ConstructorParameters<typeof FlashChip>[0] => ({
    partitions: { boardings: { size: 4 * BLOCK, blockLength: BLOCK, backing: { file } } },
  });

  it('creates the image filled with 0xFF at the configured size', () => {
    const file = join(dir, 'boardings.bin');
    const chip = new FlashChip(options(file));
    const flash = chip.open({ path: 'boardings' });
    expect(statSync(file).size).toBe(4 * BLOCK);
    expect(readFileSync(file).every((b) => b === 0xff)).toBe(true);
    flash.write(Uint8Array.of(0x12, 0x34), 5);
    expect(Array.from(readFileSync(file).subarray(4, 8))).toEqual([0xff, 0x12, 0x34, 0xff]); // written in place
    chip.close();
  });

  it('survives a reboot and a new chip on the same file, NOR rules included', () => {
    const file = join(dir, 'boardings.bin');
    const chip = new FlashChip(options(file));
    let flash = chip.open({ path: 'boardings' });
    flash.write(Uint8Array.of(0xf0, 0x0f), 100);
    flash.eraseBlock(3);
    flash.eraseBlock(3);
    chip.reboot();
    flash = chip.open({ path: 'boardings' });
    expect(bytes(flash, 100, 2)).toEqual([0xf0, 0x0f]);
    flash.write(Uint8Array.of(0x3c, 0xff), 100);
    chip.close();

    const againChip = new FlashChip(options(file));
    const again = againChip.open({ path: 'boardings' });
    expect(bytes(again, 99, 4)).toEqual([0xff, 0x30, 0x0f, 0xff]);
    expect(Array.from(again.eraseCounts())).toEqual([0, 0, 0, 2]);
    expect(again.wear()).toMatchObject({ erases: 2, writes: 2, bytesWritten: 4 });
    expect(existsSync(`${file}.wear.json`)).toBe(true);
    again.eraseBlock(0);
    expect(bytes(again, 100, 2)).toEqual([0xff, 0xff]);
    againChip.close();
  });

  it('refuses an existing image of the wrong size', () => {
    const file = join(dir, 'boardings.bin');
    const chip = new FlashChip(options(file));
    chip.open({ path: 'boardings' });
    chip.close();
    const bigger = new FlashChip({ partitions: { boardings: { size: 8 * BLOCK, blockLength: BLOCK, backing: { file } } } });
    expect(() => bigger.open({ path: 'boardings' })).toThrow(/holds 1024 bytes/);
  });
});
