/**
 * The settings store on simulated NOR flash: what the validator keeps across
 * reboots besides the log (configuration documents, the chosen trip).
 * Random power cuts are in flash-store-power-cut.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { FlashStore } from '../../firmware/store/flash-store.js';
import { FlashChip } from '../../simulator/host/flash.js';
import { PowerLossError } from '../../simulator/host/power-cut.js';
import { seededRandom } from '../../simulator/platform/seeded-random.js';

function chip(blocks = 4, blockLength = 1024): FlashChip {
  return new FlashChip({ partitions: { settings: { size: blocks * blockLength, blockLength } } });
}

const open = (c: FlashChip) => new FlashStore({ partition: c.open({ path: 'settings' }) });

function reboot(c: FlashChip): FlashStore {
  c.reboot();
  return open(c);
}

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('flash settings store', () => {
  it('keeps values across a reboot; the newest set wins and a delete stays deleted', () => {
    const c = chip();
    let store = open(c);
    expect(store.get('cfg/trust')).toBeUndefined();
    store.set('cfg/trust', bytes(100, 1));
    store.set('state/trip', Uint8Array.of(1, 2, 3));
    store.set('cfg/trust', bytes(120, 2));
    store.set('车次', Uint8Array.of(9));
    store.set('gone', Uint8Array.of(7));
    store.delete('gone');
    store.set('empty', new Uint8Array(0));
    store = reboot(c);
    expect(store.get('cfg/trust')).toEqual(bytes(120, 2));
    expect(store.get('state/trip')).toEqual(Uint8Array.of(1, 2, 3));
    expect(store.get('车次')).toEqual(Uint8Array.of(9));
    expect(store.get('gone')).toBeUndefined();
    expect(store.get('empty')).toEqual(new Uint8Array(0));
  });

  it('hands out copies: changing a returned value changes nothing stored', () => {
    const store = open(chip());
    const value = Uint8Array.of(1, 2);
    store.set('k', value);
    value[0] = 9;
    store.get('k')![1] = 9;
    expect(store.get('k')).toEqual(Uint8Array.of(1, 2));
  });

  it('moves the live values to the other area when one fills, as often as needed, wearing both alike', () => {
    const c = chip();
    let store = open(c);
    for (let i = 0; i < 200; i++) {
      store.set('cfg/deny', bytes(300 + (i % 50), i & 0xff));
      store.set('state/trip', Uint8Array.of(i & 0xff));
    }
    store = reboot(c);
    expect(store.get('cfg/deny')).toEqual(bytes(300 + (199 % 50), 199));
    expect(store.get('state/trip')).toEqual(Uint8Array.of(199));
    const counts = Array.from(c.eraseCounts('settings'));
    expect(Math.min(...counts)).toBeGreaterThan(10);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    expect(c.wear('settings').conflictingBytes).toBe(0);
  });

  it('refuses a value that cannot fit and keeps everything it had', () => {
    const c = chip();
    const store = open(c);
    store.set('a', bytes(500, 1));
    expect(() => store.set('b', bytes(store.maxValueLength(1) + 1, 2))).toThrow(RangeError);
    expect(() => store.set('b', bytes(store.maxValueLength(1) - 400, 2))).toThrow(/full/);
    expect(reboot(c).get('a')).toEqual(bytes(500, 1));
    const alone = open(chip());
    alone.set('b', bytes(alone.maxValueLength(1), 3));
    expect(alone.get('b')!.length).toBe(alone.maxValueLength(1));
  });

  it('a set the power cut leaves the old value, and the store carries on after the reboot', () => {
    const c = chip();
    let store = open(c);
    store.set('cfg/trips', bytes(200, 1));
    c.powerCut.arm({ afterBytes: 150, random: seededRandom(5) });
    expect(() => store.set('cfg/trips', bytes(200, 2))).toThrow(PowerLossError);
    store = reboot(c);
    expect(store.get('cfg/trips')).toEqual(bytes(200, 1));
    store.set('cfg/trips', bytes(200, 3));
    expect(reboot(c).get('cfg/trips')).toEqual(bytes(200, 3));
    expect(c.wear('settings').conflictingBytes).toBe(0);
  });

  it("the board's 256 KiB partition holds a deny list of 15,000 revoked tickets beside the trust list and trips, through updates", () => {
    const c = new FlashChip({ partitions: { settings: { size: 256 * 1024 } } });
    let store = open(c);
    for (let version = 1; version <= 3; version++) {
      store.set('cfg/trust', bytes(2_000, version));
      store.set('cfg/trips', bytes(6_000, version));
      store.set('cfg/deny', bytes(15_000 * 8 + 200, version));
    }
    store = reboot(c);
    expect(store.get('cfg/deny')).toEqual(bytes(15_000 * 8 + 200, 3));
    expect(store.get('cfg/trust')).toEqual(bytes(2_000, 3));
  });

  it('needs an even number of blocks (two areas)', () => {
    expect(() => open(chip(3))).toThrow(RangeError);
  });
});
