import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FlashChip } from '../../simulator/host/flash.js';
import { EraseCutModel, PowerCut, PowerLossError } from '../../simulator/host/power-cut.js';
import { seededRandom } from '../../simulator/platform/seeded-random.js';



const BLOCK = 64;
const BLOCKS = 4;

function chip(): FlashChip {
  return new FlashChip({ partitions: { log: { size: BLOCKS * BLOCK, blockLength: BLOCK }, other: { size: BLOCK, blockLength: BLOCK } } });
}

function randomBytes(random: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
}

/** `mid` lies bitwise between `from` and `to` along a one-way change: clearing (to ⊆ mid ⊆ from) or setting (from ⊆ mid ⊆ to). */
function between(from: number, mid: number, to: number): boolean {
  const lo = from & to;
  const hi = from | to;
  return (mid & lo) === lo && (mid | hi) === hi;
}

function catchError(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('PowerLossError', () => {
  it('is an Error named PowerLossError', () => {
    const error = new PowerLossError();
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PowerLossError');
  });
});

describe('power cut during a write', () => {
  it('programs the bytes before the cut, half-programs the cut byte, leaves the rest', () => {
    const flash = chip();
    const log = flash.open({ path: 'log' });
    const old = Uint8Array.of(0xff, 0xff, 0xf7, 0xff, 0xff, 0xff, 0xff, 0xff);
    log.write(old, 0);
    const data = Uint8Array.of(0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77);
    flash.powerCut.arm({ afterBytes: 3, random: seededRandom(1) });
    expect(catchError(() => log.write(data, 0))).toBeInstanceOf(PowerLossError);
    expect(flash.powered).toBe(false);
    const after = flash.snapshot('log');
    for (let i = 0; i < 3; i++) expect(after[i]).toBe(old[i] & data[i]);
    expect(between(old[3], after[3], old[3] & data[3])).toBe(true);
    for (let i = 4; i < 8; i++) expect(after[i]).toBe(old[i]);
  });

  it('counts bytes across operations from arm(); an erased block counts its length', () => {
    const flash = chip();
    const log = flash.open({ path: 'log' });
    flash.powerCut.arm({ afterBytes: BLOCK + 5, random: seededRandom(2) });
    log.eraseBlock(0); // BLOCK bytes
    log.write(new Uint8Array(4), 0); // 4 more
    expect(flash.powerCut.counted).toBe(BLOCK + 4);
    expect(() => log.write(new Uint8Array(4), 10)).toThrow(PowerLossError); // byte 1 of this write is the 65 + 5th
    const after = flash.snapshot('log');
    expect(after[10]).toBe(0);
    expect(between(0xff, after[11], 0)).toBe(true);
    expect([after[12], after[13]]).toEqual([0xff, 0xff]);
    expect(flash.powerCut.armed).toBe(false);
  });

  it('afterBytes 0 interrupts the very next byte', () => {
    const flash = chip();
    const log = flash.open({ path: 'log' });
    flash.powerCut.arm({ afterBytes: 0, random: () => 0.999 });
    expect(() => log.write(Uint8Array.of(0x00, 0x00), 0)).toThrow(PowerLossError);
    const after = flash.snapshot('log');
    expect(after[0]).toBe(0x00); // random byte 0xFF: every bit it meant to clear is cleared
    expect(after[1]).toBe(0xff);
  });
});

describe('after a power cut', () => {
  it('every call on every partition throws PowerLossError until reboot', () => {
    const flash = chip();
    const log = flash.open({ path: 'log' });
    const other = flash.open({ path: 'other', mode: 'r' });
    flash.powerCut.arm({ afterBytes: 0, random: seededRandom(3) });
    expect(() => log.write(Uint8Array.of(0), 0)).toThrow(PowerLossError);
    const calls: Array<() => unknown> = [
      () => log.read(1, 0),
      () => log.read(new Uint8Array(1), 0),
      () => log.write(Uint8Array.of(0), 1),
      () => log.eraseBlock(0),
      () => log.status(),
      () => log.close(),
      () => other.read(1, 0),
      () => other.status(),
      () => flash.open({ path: 'log' }),
    ];
    for (const call of calls) expect(call).toThrow(PowerLossError);

    flash.reboot();
    expect(flash.powered).toBe(true);
    expect(() => log.read(1, 0)).toThrow(/after close/); // handles from before the reboot stay dead
    const again = flash.open({ path: 'log' });
    expect(again.status().size).toBe(BLOCKS * BLOCK);
    again.write(Uint8Array.of(0), 1);
  });

  it('cut() cuts the power between operations; onCut observers hear about it', () => {
    const flash = chip();
    const log = flash.open({ path: 'log' });
    const heard: string[] = [];
    const stop = flash.powerCut.onCut((error) => heard.push(error.name));
    flash.powerCut.cut();
    expect(() => log.read(1, 0)).toThrow(PowerLossError);
    stop();
    flash.reboot();
    flash.powerCut.cut();
    expect(heard).toEqual(['PowerLossError']);
    expect(flash.powerCut.cuts).toBe(2);
  });

  it('an arm made before reboot cuts during recovery', () => {
    const flash = chip();
    flash.powerCut.arm({ duringErase: true, random: seededRandom(4) });
    flash.reboot();
    const log = flash.open({ path: 'log' });
    log.write(Uint8Array.of(0), 0); // writes do not trigger duringErase
    expect(() => log.eraseBlock(0)).toThrow(PowerLossError);
  });
});

describe('power cut during an erase', () => {
  for (const eraseModel of [EraseCutModel.PREFIX, EraseCutModel.SUFFIX, EraseCutModel.SCATTER]) {
    it(`${eraseModel}: every byte between old and 0xFF; a later erase fixes it`, () => {
      const random = seededRandom(5);
      const flash = chip();
      let log = flash.open({ path: 'log' });
      const old = randomBytes(random, BLOCKS * BLOCK);
      log.write(old, 0);
      flash.powerCut.arm({ duringErase: true, eraseModel, random });
      expect(() => log.eraseBlock(1, 3)).toThrow(PowerLossError);
      const after = flash.snapshot('log');
      for (let i = 0; i < after.length; i++) expect(between(old[i], after[i], 0xff)).toBe(true);
      expect(after.subarray(0, BLOCK)).toEqual(old.subarray(0, BLOCK)); // outside the range: untouched
      expect(after.subarray(3 * BLOCK)).toEqual(old.subarray(3 * BLOCK));

      flash.reboot();
      log = flash.open({ path: 'log' });
      log.eraseBlock(1, 3);
      expect(new Uint8Array(log.read(2 * BLOCK, BLOCK)).every((b) => b === 0xff)).toBe(true);
    });
  }

  it('prefix: blocks before the cut erased, prefix of the cut block 0xFF, the rest old', () => {
    const flash = chip();
    const log = flash.open({ path: 'log' });
    log.write(new Uint8Array(BLOCKS * BLOCK), 0); // all zero
    flash.powerCut.arm({ afterBytes: BLOCK + 10, random: seededRandom(6) });
    expect(() => log.eraseBlock(0, BLOCKS)).toThrow(PowerLossError);
    const after = flash.snapshot('log');
    expect(after.subarray(0, BLOCK + 10).every((b) => b === 0xff)).toBe(true);
    expect(between(0, after[BLOCK + 10], 0xff)).toBe(true);
    expect(after.subarray(BLOCK + 11).every((b) => b === 0)).toBe(true);
    // The interrupted block counts as erased once for wear.
    expect(Array.from(flash.eraseCounts('log'))).toEqual([1, 1, 0, 0]);
  });
});

describe('suffix erase cut', () => {
  it('blocks before the cut erased; the cut block keeps its old start (its header) and has lost its end', () => {
    const flash = chip();
    const log = flash.open({ path: 'log' });
    log.write(new Uint8Array(BLOCKS * BLOCK), 0); // all zero
    flash.powerCut.arm({ afterBytes: BLOCK + 10, eraseModel: EraseCutModel.SUFFIX, random: seededRandom(6) });
    expect(() => log.eraseBlock(0, BLOCKS)).toThrow(PowerLossError);
    const after = flash.snapshot('log');
    expect(after.subarray(0, BLOCK).every((b) => b === 0xff)).toBe(true);
    expect(after.subarray(BLOCK, 2 * BLOCK - 11).every((b) => b === 0)).toBe(true);
    expect(between(0, after[2 * BLOCK - 11], 0xff)).toBe(true);
    expect(after.subarray(2 * BLOCK - 10, 2 * BLOCK).every((b) => b === 0xff)).toBe(true);
    expect(after.subarray(2 * BLOCK).every((b) => b === 0)).toBe(true);
  });
});

describe('reproducibility', () => {
  function run(seed: number): Uint8Array {
    const random = seededRandom(seed);
    const flash = chip();
    const log = flash.open({ path: 'log' });
    log.write(randomBytes(random, BLOCKS * BLOCK), 0);
    flash.powerCut.arm({ duringErase: true, random });
    expect(() => log.eraseBlock(0, BLOCKS)).toThrow(PowerLossError);
    flash.reboot();
    flash.powerCut.arm({ afterBytes: Math.floor(random() * 40), random });
    expect(() => flash.open({ path: 'log' }).write(randomBytes(random, 40), 7)).toThrow(PowerLossError);
    return flash.snapshot('log');
  }

  it('the same seed gives the same flash contents; another seed does not', () => {
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });
});

describe('random cut points', () => {
  it('keep the write and erase invariants', () => {
    const random = seededRandom(0xc0ffee);
    const flash = chip();
    for (let round = 0; round < 400; round++) {
      flash.reboot();
      const log = flash.open({ path: 'log' });
      const old = flash.snapshot('log');
      if (random() < 0.5) {
        const offset = Math.floor(random() * (BLOCKS * BLOCK - 1));
        const length = 1 + Math.floor(random() * Math.min(50, BLOCKS * BLOCK - offset));
        const data = randomBytes(random, length);
        const k = Math.floor(random() * (length + 5)); // sometimes past the end: no cut
        flash.powerCut.arm({ afterBytes: k, random });
        let cut = false;
        try {
          log.write(data, offset);
        } catch (error) {
          expect(error).toBeInstanceOf(PowerLossError);
          cut = true;
        }
        expect(cut).toBe(k < length);
        const after = flash.snapshot('log');
        const wrong: number[] = [];
        for (let i = 0; i < after.length; i++) {
          const j = i - offset;
          const inside = j >= 0 && j < length;
          const target = inside ? old[i] & data[j] : old[i];
          const ok = !inside || j > k ? after[i] === old[i] : j < k || !cut ? after[i] === target : between(old[i], after[i], target);
          if (!ok) wrong.push(i);
        }
        expect(wrong, `round ${round}: write at ${offset}+${length} cut at ${k}`).toEqual([]);
        if (!cut) flash.powerCut.disarm();
      } else {
        const start = Math.floor(random() * BLOCKS);
        const end = start + 1 + Math.floor(random() * (BLOCKS - start));
        const eraseModel = [EraseCutModel.PREFIX, EraseCutModel.SUFFIX, EraseCutModel.SCATTER][Math.floor(random() * 3)];
        flash.powerCut.arm({ duringErase: true, eraseModel, random });
        expect(() => log.eraseBlock(start, end)).toThrow(PowerLossError);
        const after = flash.snapshot('log');
        const wrong: number[] = [];
        for (let i = 0; i < after.length; i++) {
          const inRange = i >= start * BLOCK && i < end * BLOCK;
          if (!(inRange ? between(old[i], after[i], 0xff) : after[i] === old[i])) wrong.push(i);
        }
        expect(wrong, `round ${round}: ${eraseModel} erase [${start}, ${end})`).toEqual([]);
        if (eraseModel === EraseCutModel.PREFIX) {
          // Some byte c is the cut: 0xFF before it, old data after it.
          let prefixEnd = start * BLOCK;
          while (prefixEnd < end * BLOCK && after[prefixEnd] === 0xff) prefixEnd++;
          let lastChanged = end * BLOCK - 1;
          while (lastChanged >= start * BLOCK && after[lastChanged] === old[lastChanged]) lastChanged--;
          expect(lastChanged, `round ${round}: prefix erase [${start}, ${end})`).toBeLessThanOrEqual(prefixEnd);
        }
        // Recovery: erasing the range again always gives a clean state.
        flash.reboot();
        const fixed = flash.open({ path: 'log' });
        fixed.eraseBlock(start, end);
        expect(flash.snapshot('log').subarray(start * BLOCK, end * BLOCK).every((b) => b === 0xff)).toBe(true);
      }
    }
    expect(flash.powerCut.cuts).toBeGreaterThan(150);
  });
});

describe('power cut with file backing', () => {
  it('the cut state is what a reboot (or a new process) finds on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'power-cut-test-'));
    try {
      const file = join(dir, 'log.bin');
      const options = { partitions: { log: { size: BLOCKS * BLOCK, blockLength: BLOCK, backing: { file } } } };
      const flash = new FlashChip(options);
      const log = flash.open({ path: 'log' });
      flash.powerCut.arm({ afterBytes: 6, random: seededRandom(7) });
      expect(() => log.write(new Uint8Array(10), 20)).toThrow(PowerLossError);
      const cutState = flash.snapshot('log');
      flash.reboot();
      expect(new Uint8Array(flash.open({ path: 'log' }).read(BLOCKS * BLOCK, 0))).toEqual(cutState);
      flash.close();
      const fresh = new FlashChip(options);
      expect(fresh.snapshot('log')).toEqual(cutState);
      expect(fresh.wear('log').bytesWritten).toBe(7); // six bytes and the half-programmed one
      fresh.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('PowerCut.arm', () => {
  it('validates its options', () => {
    const cut = new PowerCut();
    expect(() => cut.arm({ afterBytes: 1 } as never)).toThrow(TypeError);
    expect(() => cut.arm({ random: Math.random })).toThrow(/afterBytes or duringErase/);
    expect(() => cut.arm({ afterBytes: -1, random: Math.random })).toThrow(RangeError);
    expect(() => cut.arm({ duringErase: true, eraseModel: 'sideways' as never, random: Math.random })).toThrow(RangeError);
    cut.arm({ afterBytes: 3, random: Math.random });
    expect(cut.armed).toBe(true);
    cut.disarm();
    expect(cut.armed).toBe(false);
  });
});
