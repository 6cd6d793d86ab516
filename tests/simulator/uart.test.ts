import { describe, expect, it } from 'vitest';
import type { Serial } from '../../firmware/types/ecma419.js';
import { HostLoop } from '../../simulator/host/loop.js';
import { serialClass } from '../../simulator/host/serial.js';
import { UartPort, type UartConnection } from '../../simulator/host/uart.js';

const bytes = (n: number, seed = 0): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i + seed) & 0xff);

/** A port with a device that records each onReadable and, unless told otherwise, reads everything. */
function setup(options: { fifoSize?: number; read?: (c: UartConnection, count: number) => void } = {}) {
  const loop = new HostLoop();
  const uart = new UartPort(loop, { port: 2, fifoSize: options.fifoSize });
  const calls: Array<{ at: number; count: number }> = [];
  const got: number[] = [];
  const read = options.read ?? ((c) => got.push(...c.read()));
  const conn: UartConnection = uart.open({
    baud: 115200,
    onReadable: (count) => {
      calls.push({ at: loop.now(), count });
      read(conn, count);
    },
  });
  return { loop, uart, conn, calls, got };
}

describe('UartPort wire timing', () => {
  it('takes 10 bits a byte: 384 bytes at 115200 baud arrive over 33.3 ms', () => {
    const { loop, uart, got } = setup();
    let sentAt = -1;
    uart.send(bytes(384), 115200, () => (sentAt = loop.now()));
    loop.runFor(33.3); // byte 384 lands at 33.33 ms
    expect(uart.received).toBe(383); // the last byte is still on the wire
    loop.runUntilIdle();
    expect(sentAt).toBeCloseTo(33.333, 2);
    expect(uart.received).toBe(384);
    expect(got).toEqual([...bytes(384)]);
    expect(uart.overruns).toBe(0);
    expect(uart.idle()).toBe(true);
  });

  it('queues a send behind the one on the wire', () => {
    const { loop, uart, got } = setup();
    const done: number[] = [];
    uart.send(bytes(10), 9600, () => done.push(loop.now()));
    uart.send(bytes(10, 100), 9600, () => done.push(loop.now()));
    loop.runUntilIdle();
    expect(done[0]).toBeCloseTo(10.417, 2);
    expect(done[1]).toBeCloseTo(20.833, 2);
    expect(got).toEqual([...bytes(10), ...bytes(10, 100)]);
  });

  it('interrupts at the FIFO threshold and after the line goes idle', () => {
    const { loop, uart, calls } = setup();
    uart.send(bytes(150), 115200);
    loop.runUntilIdle();
    // 120 bytes reach the threshold at 10.4 ms; the last 30 are reported by the RX timeout 2 byte times after 13.0 ms.
    expect(calls.map((c) => c.count)).toEqual([120, 30]);
    expect(calls[0].at).toBeCloseTo(120 * (10 / 115.2), 3);
    expect(calls[1].at).toBeCloseTo(152 * (10 / 115.2), 3);
  });

  it('overruns the 128-byte FIFO while the firmware is busy, losing the excess', () => {
    const { loop, uart, calls, got } = setup({
      read: (c) => {
        loop.cpu(50); // say, verifying a signature before reading
        got.push(...c.read());
      },
    });
    uart.send(bytes(384), 115200);
    loop.runUntilIdle();
    expect(calls[0].count).toBe(120);
    expect(got).toEqual([...bytes(128)]); // what fitted in the FIFO; the rest never reached the firmware
    expect(uart.overruns).toBe(384 - 128);
    expect(uart.delivered).toBe(128);
  });

  it('queues no second onReadable while one is waiting for the JavaScript thread', () => {
    const { loop, uart, calls } = setup();
    uart.send(bytes(200), 115200);
    loop.post(() => {
      loop.cpu(40); // threshold (10 ms) and RX timeout (17 ms) both happen during this
      expect(loop.pendingTasks).toBe(1);
    });
    loop.runUntilIdle();
    expect(calls).toEqual([{ at: 40, count: 128 }]);
    expect(uart.overruns).toBe(72);
  });

  it('delivers what the firmware writes to the peer at wire time', () => {
    const { loop, uart, conn } = setup();
    const seen: Array<{ at: number; bytes: number[] }> = [];
    uart.onTransmit = (b) => seen.push({ at: loop.now(), bytes: [...b] });
    conn.write(Uint8Array.of(0x06));
    loop.runUntilIdle();
    expect(seen).toHaveLength(1);
    expect(seen[0].bytes).toEqual([0x06]);
    expect(seen[0].at).toBeCloseTo(10 / 115.2, 4);
  });

  it('ignores bytes while no driver has the port open', () => {
    const loop = new HostLoop();
    const uart = new UartPort(loop, { port: 1 });
    uart.send(bytes(20), 115200);
    loop.runUntilIdle();
    expect(uart.ignored).toBe(20);
    const conn = uart.open({ baud: 115200 });
    expect(conn.readable).toBe(0);
  });
});

describe('Serial on the simulated UART', () => {
  function board() {
    const loop = new HostLoop();
    const uart = new UartPort(loop, { port: 2 });
    const Serial = serialClass(loop, new Map([[2, uart]]));
    return { loop, uart, Serial };
  }

  it('reads one byte at a time in "number" format, the default', () => {
    const { loop, uart, Serial } = board();
    const read: number[] = [];
    const serial = new Serial({
      port: 2,
      baud: 115200,
      onReadable(count) {
        expect(this).toBe(serial);
        for (let i = 0; i < count; i++) read.push(this.read() as number);
        expect(this.read()).toBeUndefined();
      },
    });
    expect(serial.format).toBe('number');
    uart.send(Uint8Array.of(1, 2, 3), 115200);
    loop.runUntilIdle();
    expect(read).toEqual([1, 2, 3]);
  });

  it('reads ArrayBuffers of at most `count` bytes in "buffer" format, undefined when empty', () => {
    const { loop, uart, Serial } = board();
    const serial = new Serial({ port: 2, baud: 115200, format: 'buffer' });
    expect(serial.read()).toBeUndefined();
    uart.send(bytes(10), 115200);
    loop.runUntilIdle();
    const first = serial.read(4) as ArrayBuffer;
    expect(first).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(first)]).toEqual([0, 1, 2, 3]);
    expect([...new Uint8Array(serial.read() as ArrayBuffer)]).toEqual([4, 5, 6, 7, 8, 9]);
    expect(serial.read()).toBeUndefined();
  });

  it('writes bytes in either format and refuses a write the TX FIFO cannot take', () => {
    const { loop, uart, Serial } = board();
    const out: number[] = [];
    uart.onTransmit = (b) => out.push(...b);
    const serial = new Serial({ port: 2, baud: 115200, format: 'buffer' });
    expect(() => serial.write(new Uint8Array(129))).toThrow(RangeError);
    serial.write(new Uint8Array(100));
    expect(() => serial.write(new Uint8Array(29))).toThrow(/TX FIFO full/);
    loop.runUntilIdle(); // on the wire now: room again
    serial.write(new Uint8Array(128).buffer);
    serial.format = 'number';
    expect(() => serial.write(new Uint8Array(1))).toThrow(TypeError);
    loop.runUntilIdle();
    serial.write(0x15);
    loop.runUntilIdle();
    expect(out.length).toBe(100 + 128 + 1);
    expect(out.at(-1)).toBe(0x15);
  });

  it('calls onWritable once ready and again when the TX FIFO drains', () => {
    const { loop, Serial } = board();
    const writable: number[] = [];
    const serial = new Serial({ port: 2, baud: 115200, format: 'buffer', onWritable: (n) => writable.push(n) });
    loop.runUntilIdle();
    expect(writable).toEqual([128]);
    serial.write(new Uint8Array(50));
    loop.runUntilIdle();
    expect(writable).toEqual([128, 128]);
  });

  it('refuses an unknown port, a port already open and a missing baud', () => {
    const { Serial } = board();
    expect(() => new Serial({ port: 7, baud: 115200 })).toThrow(/no UART 7/);
    expect(() => new Serial({ port: 2 } as never)).toThrow(/baud/);
    const first = new Serial({ port: 2, baud: 115200 });
    expect(() => new Serial({ port: 2, baud: 115200 })).toThrow(/already open/);
    first.close();
  });

  it('closes idempotently, calls nothing after close, and can be reopened', () => {
    const { loop, uart, Serial } = board();
    let calls = 0;
    const serial = new Serial({ port: 2, baud: 115200, format: 'buffer', onReadable: () => calls++ });
    uart.send(bytes(5), 115200);
    // Closed before the RX timeout would report the bytes.
    loop.runFor(0.3);
    serial.close();
    serial.close();
    expect(() => serial.read()).toThrow(/closed/);
    uart.send(bytes(5), 115200);
    loop.runUntilIdle();
    expect(calls).toBe(0);

    const again = new Serial({ port: 2, baud: 115200, format: 'buffer', onReadable() { calls++; this.read(); } });
    uart.send(bytes(5), 115200);
    loop.runUntilIdle();
    expect(calls).toBe(1);
    again.close();
  });
});
