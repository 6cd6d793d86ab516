import { describe, expect, it } from 'vitest';
import type { ScannerHandshake } from '../../firmware/board/board.js';
import { HostLoop } from '../../simulator/host/loop.js';
import { UartPort, type UartConnection } from '../../simulator/host/uart.js';
import { ScannerEmulator, type ScannerEmulatorOptions } from '../../simulator/scanner/emulator.js';
import { seededRandom } from '../../simulator/platform/seeded-random.js';

const BAUD = 115200;
const text = (bytes: number[]): string => String.fromCharCode(...bytes);

/** An engine on UART 2 and a host that reads everything as soon as it is told to. */
function rig(handshake: ScannerHandshake, extra: Partial<ScannerEmulatorOptions> = {}) {
  const loop = new HostLoop();
  const uart = new UartPort(loop, { port: 2 });
  const received: number[] = [];
  const reads: number[] = [];
  const host: UartConnection = uart.open({
    baud: BAUD,
    onReadable: () => {
      const b = host.read();
      reads.push(b.length);
      received.push(...b);
    },
  });
  const engine = new ScannerEmulator({ loop, uart, baud: BAUD, handshake, random: seededRandom(42), ...extra });
  const answer = (byte: number): void => host.write(Uint8Array.of(byte));
  return { loop, uart, engine, received, reads, answer, got: () => text(received) };
}

const code = (n: number, len = 300): string => `TK1:${String(n).repeat(len).slice(0, len)}`;

describe('ScannerEmulator', () => {
  it('sends a presented code after decoding it, with prefix and terminator', () => {
    const { loop, engine, got } = rig('none', { prefix: ']Q1', terminator: '\r\n' });
    engine.present('TK1:ABC');
    loop.runFor(59);
    expect(got()).toBe(''); // still decoding
    loop.runUntilIdle();
    expect(got()).toBe(']Q1TK1:ABC\r\n');
    expect(engine.sent).toEqual(['TK1:ABC']);
    expect(engine.idle()).toBe(true);
  });

  it('sends in bursts of random size with gaps, content intact and reproducible', () => {
    const chunking = { minBytes: 4, maxBytes: 40, gapMs: 2 };
    const codes = [code(1), code(2), code(3)];
    const run = () => {
      const r = rig('none', { chunking });
      for (const c of codes) r.engine.present(c);
      r.loop.runUntilIdle();
      return r;
    };
    const { engine, reads, got, loop } = run();
    expect(got()).toBe(codes.map((c) => c + '\r').join(''));
    expect(engine.sent).toEqual(codes);
    // Gaps longer than the RX timeout split every code into many small reads.
    expect(reads.length).toBeGreaterThan(3 * 8);
    expect(Math.max(...reads)).toBeLessThan(120);
    // Slower than one unbroken burst a code: 3 decodes plus 3 x 301 bytes on the wire.
    expect(loop.now()).toBeGreaterThan(3 * 60 + (3 * 301 * 10) / 115.2 + 5);
    expect(run().reads).toEqual(reads); // same seed, same bursts
  });

  it("in 'ack' mode holds the next code until the host acknowledges", () => {
    const { loop, engine, got, answer } = rig('ack');
    engine.present('TK1:ONE');
    engine.present('TK1:TWO');
    loop.runFor(500);
    expect(got()).toBe('TK1:ONE\r');
    expect(engine.pending).toBe(2);
    answer(0x06);
    loop.runFor(100);
    expect(got()).toBe('TK1:ONE\rTK1:TWO\r');
    answer(0x06);
    loop.runUntilIdle();
    expect(engine.acks).toBe(2);
    expect(engine.idle()).toBe(true);
  });

  it('resends on NAK up to `retries` times, then gives up and moves on', () => {
    const { loop, engine, got, answer } = rig('ack', { retries: 2 });
    engine.present('TK1:BAD');
    engine.present('TK1:NEXT');
    for (let i = 0; i < 3; i++) {
      loop.runUntil(() => engine.sent.length === i + 1);
      answer(0x15);
    }
    loop.runUntil(() => engine.sent.length === 4);
    loop.runFor(1); // the host reads on the RX timeout after the last byte
    expect(engine.sent).toEqual(['TK1:BAD', 'TK1:BAD', 'TK1:BAD', 'TK1:NEXT']);
    expect(engine.gaveUp).toEqual(['TK1:BAD']);
    expect(engine.naks).toBe(3);
    expect(got()).toBe('TK1:BAD\r'.repeat(3) + 'TK1:NEXT\r');
  });

  it('gives up on a code nobody acknowledges within the timeout', () => {
    const { loop, engine, got } = rig('ack', { ackTimeoutMs: 1000 });
    engine.present('TK1:LOST');
    engine.present('TK1:AFTER');
    loop.runFor(60 + 1 + 999);
    expect(got()).toBe('TK1:LOST\r');
    loop.runFor(100);
    expect(got()).toBe('TK1:LOST\rTK1:AFTER\r');
    expect(engine.timeouts).toBe(1);
    expect(engine.gaveUp).toEqual(['TK1:LOST']);
  });

  it('holds codes while the trigger is released and restarts an interrupted decode', () => {
    const { loop, engine, got } = rig('none', { enabled: false });
    engine.present('TK1:WAIT');
    loop.runFor(1000);
    expect(got()).toBe('');
    expect(engine.pending).toBe(1);
    engine.setEnabled(true);
    loop.runFor(30);
    engine.setEnabled(false); // mid-decode
    loop.runFor(1000);
    expect(got()).toBe('');
    const enabledAt = loop.now();
    engine.setEnabled(true);
    loop.runUntil(() => engine.sent.length === 1);
    loop.runFor(1);
    expect(got()).toBe('TK1:WAIT\r');
    expect(loop.now() - enabledAt).toBeGreaterThanOrEqual(60); // a full decode again
  });

  it('puts noise on the wire at once, bypassing trigger and handshake', () => {
    const { loop, engine, received } = rig('ack', { enabled: false });
    engine.noise(Uint8Array.of(0x00, 0xff, 0x1b));
    expect(engine.idle()).toBe(false);
    loop.runFor(1);
    expect(received).toEqual([0x00, 0xff, 0x1b]);
    expect(engine.idle()).toBe(true);
    expect(engine.sent).toEqual([]);
  });
});
