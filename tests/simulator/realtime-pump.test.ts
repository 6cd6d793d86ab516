/** RealtimePump: simulated loops advanced by wall-clock time. */
import { afterEach, describe, expect, it } from 'vitest';
import { HostLoop, LoopError } from '../../simulator/host/loop.js';
import { RealtimePump } from '../../simulator/host/realtime.js';

describe('RealtimePump', () => {
  const pumps: RealtimePump[] = [];
  const pump = (options?: ConstructorParameters<typeof RealtimePump>[0]): RealtimePump => {
    const p = new RealtimePump(options);
    pumps.push(p);
    return p;
  };
  afterEach(() => {
    for (const p of pumps.splice(0)) p.stop();
  });

  it('fires a firmware timer once that much real time has passed', async () => {
    const loop = new HostLoop(1_000);
    const p = pump();
    p.add(loop);
    let firedAt: number | undefined;
    loop.timer(150, () => (firedAt = loop.now()));
    p.start();
    expect(p.running).toBe(true);
    await p.until(() => firedAt !== undefined);
    expect(firedAt).toBeGreaterThanOrEqual(1_150);
    expect(loop.now()).toBeGreaterThanOrEqual(1_150);
  });

  it('runs tasks posted from outside (a socket event) within a tick', async () => {
    const loop = new HostLoop();
    const p = pump({ intervalMs: 2 });
    p.add(loop);
    p.start();
    let busy: boolean | undefined;
    setTimeout(() => loop.post(() => (busy = loop.busy)), 10);
    await p.until(() => busy !== undefined);
    expect(busy).toBe(true);
  });

  it('advances several loops, and stops advancing one removed', async () => {
    const a = new HostLoop();
    const b = new HostLoop();
    const p = pump();
    p.add(a);
    p.add(b);
    p.start();
    await p.until(() => a.now() > 20 && b.now() > 20);
    p.remove(a);
    const frozen = a.now();
    const later = b.now() + 50;
    await p.until(() => b.now() > later);
    expect(a.now()).toBe(frozen);
  });

  it('rejects until() on timeout, when not running, and when stopped', async () => {
    const p = pump();
    p.add(new HostLoop());
    await expect(p.until(() => false, 10)).rejects.toThrow(/not running/);
    await expect(p.until(() => true)).resolves.toBeUndefined();
    p.start();
    await expect(p.until(() => false, 50)).rejects.toThrow(/not reached within 50 ms/);
    const pending = p.until(() => false);
    p.stop();
    p.stop();
    expect(p.running).toBe(false);
    await expect(pending).rejects.toThrow(/stopped/);
  });

  it('stops when a firmware callback throws, rejecting the pending until()', async () => {
    const loop = new HostLoop();
    const p = pump();
    p.add(loop);
    loop.timer(5, () => {
      throw new Error('firmware bug');
    });
    p.start();
    await expect(p.until(() => false)).rejects.toThrow('firmware bug');
    expect(p.running).toBe(false);
  });

  it('passes a firmware error to onError when given one', async () => {
    const errors: unknown[] = [];
    const loop = new HostLoop();
    const p = pump({ onError: (e) => errors.push(e) });
    p.add(loop);
    loop.timer(5, () => {
      throw new Error('firmware bug');
    });
    p.start();
    const deadline = Date.now() + 10_000;
    while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(errors).toHaveLength(1);
    expect(p.running).toBe(false);
  });

  it('checks its options', () => {
    expect(() => new RealtimePump({ intervalMs: 0 })).toThrow(RangeError);
    expect(new LoopError('x')).toBeInstanceOf(Error);
  });
});
