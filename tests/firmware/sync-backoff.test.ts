import { describe, expect, test } from 'vitest';
import { reconnectDelay } from '../../firmware/sync/backoff.js';
import { seededRandom } from '../../simulator/platform/seeded-random.js';

const randomFrom = (seed: number) => {
  const r = seededRandom(seed);
  return { bytes: (n: number) => Uint8Array.from({ length: n }, () => Math.floor(r() * 256)) };
};
const fixed = (byte: number) => ({ bytes: (n: number) => new Uint8Array(n).fill(byte) });
const settings = { initialMs: 1000, maxMs: 60_000 };

describe('reconnect backoff', () => {
  test('waits at least half the step and at most the step, doubling up to the cap', () => {
    expect(reconnectDelay(0, fixed(0), settings)).toBe(500);
    expect(reconnectDelay(0, fixed(255), settings)).toBeLessThanOrEqual(1000);
    expect(reconnectDelay(3, fixed(0), settings)).toBe(4000);
    expect(reconnectDelay(10, fixed(0), settings)).toBe(30_000);
    expect(reconnectDelay(10, fixed(255), settings)).toBeLessThanOrEqual(60_000);
    // However long it has been down, it keeps trying at the cap.
    expect(reconnectDelay(10_000, fixed(255), settings)).toBeLessThanOrEqual(60_000);
    expect(reconnectDelay(10_000, fixed(0), settings)).toBe(30_000);
  });

  test('a depot of validators that lost the broker together does not retry in lockstep', () => {
    const delays = Array.from({ length: 200 }, (_, i) => reconnectDelay(4, randomFrom(i + 1), settings));
    const distinct = new Set(delays.map((d) => Math.floor(d / 100)));
    // 200 validators spread over the 8-16 s window: no 100 ms slot holds more than a handful.
    expect(distinct.size).toBeGreaterThan(50);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(8000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(16_000);
  });
});
