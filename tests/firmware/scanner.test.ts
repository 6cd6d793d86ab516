import { describe, expect, it } from 'vitest';
import { ScannerHandshake, type ScannerWiring } from '../../firmware/board/board.js';
import { Scanner } from '../../firmware/scanner/scanner.js';
import { encodeQrText } from '../../protocol/qr.js';
import { digitalClass, PinBank } from '../../simulator/host/digital.js';
import { HostLoop } from '../../simulator/host/loop.js';
import { serialClass } from '../../simulator/host/serial.js';
import { UartPort } from '../../simulator/host/uart.js';
import { ScannerEmulator, type ScannerEmulatorOptions } from '../../simulator/scanner/emulator.js';
import { seededRandom } from '../../simulator/platform/seeded-random.js';

const TRIGGER_PIN = 4;
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** Ticket-shaped QR texts: TK1: + base45, `chars` long or a little more. */
function tickets(count: number, chars = 400, seed = 7): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => encodeQrText(Uint8Array.from({ length: Math.ceil((chars * 2) / 3) }, () => (random() * 256) | 0)));
}

interface RigOptions {
  handshake?: ScannerHandshake;
  trigger?: boolean;
  engine?: Partial<ScannerEmulatorOptions> | false;
  onCode?: (this: Scanner, text: string) => void;
}

/** The firmware Scanner on a simulated board: UART 2 to a scan engine, trigger on GPIO 4 (active low). */
function rig(options: RigOptions = {}) {
  const loop = new HostLoop();
  const pins = new PinBank(loop);
  const uart = new UartPort(loop, { port: 2, fifoSize: 128 });
  const handshake = options.handshake ?? ScannerHandshake.ACK;
  const wiring: ScannerWiring = {
    port: 2,
    receive: 16,
    transmit: 17,
    baud: 115200,
    handshake,
    ...(options.trigger ? { trigger: { pin: TRIGGER_PIN, activeLow: true } } : {}),
  };
  const engine =
    options.engine === false
      ? undefined
      : new ScannerEmulator({ loop, uart, baud: 115200, handshake, random: seededRandom(1), enabled: !options.trigger, ...options.engine });
  // The board wires the trigger output to the engine's trigger input.
  if (engine && options.trigger) pins.onOutput(TRIGGER_PIN, (level) => engine.setEnabled(level === 0));
  const codes: string[] = [];
  const scanner = new Scanner({
    Serial: serialClass(loop, new Map([[2, uart]])),
    Digital: digitalClass(loop, pins),
    wiring,
    onCode:
      options.onCode ??
      function (text) {
        codes.push(text);
        this.acknowledge(text.startsWith('TK1:'));
      },
  });
  return { loop, pins, uart, engine, scanner, codes };
}

describe('Scanner', () => {
  it('frames codes that arrive in random bursts with gaps, intact', () => {
    const sent = tickets(4);
    const { loop, engine, scanner, codes, uart } = rig({ engine: { chunking: { minBytes: 3, maxBytes: 50, gapMs: 2 } } });
    for (const t of sent) engine!.present(t);
    loop.runUntilIdle();
    expect(codes).toEqual(sent);
    expect(uart.overruns).toBe(0);
    expect(scanner.stats.codes).toBe(4);
  });

  it('ignores noise before a scan and re-reads a scan that noise hit, via NAK', () => {
    const [first, second] = tickets(2);
    const { loop, engine, scanner, codes, uart } = rig({ engine: { chunking: { minBytes: 20, maxBytes: 40, gapMs: 1 } } });
    engine!.noise(Uint8Array.of(0x00, 0xff, 0x13, 0x80));
    engine!.present(first);
    loop.runUntilIdle();
    expect(codes).toEqual([first]);
    // Noise lands in the middle of the next code: the scanner drops the damaged
    // line and answers NAK itself, the engine resends, the ticket gets through.
    engine!.present(second);
    loop.runFor(60 + 5);
    engine!.noise(Uint8Array.of(0xfe));
    loop.runUntilIdle();
    expect(codes).toEqual([first, second]);
    expect(engine!.naks).toBe(1);
    expect(scanner.stats.damaged).toBe(1);
    expect(scanner.stats.noiseBytes).toBe(5);
    expect(uart.overruns).toBe(0);
  });

  it('trims an AIM symbology id in front of the ticket', () => {
    const [ticket] = tickets(1);
    const { loop, engine, codes } = rig({ engine: { prefix: ']Q1', terminator: '\r\n' } });
    engine!.present(ticket);
    loop.runUntilIdle();
    expect(codes).toEqual([ticket]);
  });

  it('drops short non-ticket lines as noise and passes longer foreign codes on for the owner to reject', () => {
    const { loop, uart, scanner, codes } = rig({ handshake: ScannerHandshake.NONE, engine: false });
    uart.send(ascii('x1\r]Q1\rhttps://example.com/menu\r'), 115200);
    loop.runUntilIdle();
    expect(codes).toEqual(['https://example.com/menu']);
    expect(scanner.stats.noiseLines).toBe(2);
  });

  it('delivers both of two scans that arrive in one read, even when the first is slow to verify', () => {
    const [a, b] = tickets(2, 40);
    const { loop, uart, scanner, codes } = rig({
      handshake: ScannerHandshake.NONE,
      engine: false,
      onCode(text) {
        codes.push(text);
        loop.cpu(150);
      },
    });
    uart.send(ascii(`${a}\r${b}\r`), 115200); // under the FIFO threshold: one RX-timeout read gets both
    loop.runUntilIdle();
    expect(codes).toEqual([a, b]);
    expect(scanner.stats.bytes).toBe(a.length + b.length + 2);
  });

  it('drives the trigger (active low) and gets no scans while it is released', () => {
    const [ticket] = tickets(1);
    const { loop, pins, engine, scanner, codes } = rig({ trigger: true });
    expect(pins.value(TRIGGER_PIN)).toBe(1); // starts released
    engine!.present(ticket);
    loop.runFor(2000);
    expect(codes).toEqual([]);
    scanner.enable();
    expect(pins.value(TRIGGER_PIN)).toBe(0);
    loop.runUntilIdle();
    expect(codes).toEqual([ticket]);
    scanner.disable();
    expect(pins.value(TRIGGER_PIN)).toBe(1);
    expect(scanner.enabled).toBe(false);
  });

  it('writes ACK or NAK in ack mode, nothing without a handshake', () => {
    for (const [handshake, expected] of [
      [ScannerHandshake.ACK, [0x06, 0x15]],
      [ScannerHandshake.NONE, []],
    ] as const) {
      const { loop, uart, scanner } = rig({ handshake, engine: false });
      const out: number[] = [];
      uart.onTransmit = (b) => out.push(...b);
      scanner.acknowledge(true);
      scanner.acknowledge(false);
      loop.runUntilIdle();
      expect(out).toEqual(expected);
    }
  });

  describe('with a 128-byte FIFO and a 150 ms verification in onCode', () => {
    function slowRun(handshake: ScannerHandshake) {
      const sent = tickets(5, 400, 11);
      const codes: string[] = [];
      const r = rig({
        handshake,
        engine: { chunking: { minBytes: 16, maxBytes: 64, gapMs: 0.5 } },
        onCode(text) {
          r.loop.cpu(150); // ECDSA on the ESP32, say
          codes.push(text);
          this.acknowledge(text.startsWith('TK1:'));
        },
      });
      for (const t of sent) r.engine!.present(t);
      r.loop.runUntilIdle();
      return { ...r, sent, codes };
    }

    it("loses nothing in 'ack' mode: the engine waits for each acknowledgement", () => {
      const { sent, codes, uart, engine } = slowRun(ScannerHandshake.ACK);
      expect(codes).toEqual(sent);
      expect(uart.overruns).toBe(0);
      expect(engine!.acks).toBe(5);
    });

    it("overruns without the handshake: why the board uses 'ack'", () => {
      const { sent, codes, uart } = slowRun(ScannerHandshake.NONE);
      expect(uart.overruns).toBeGreaterThan(0);
      expect(codes).not.toEqual(sent);
    });
  });

  it('closes idempotently, releasing the port and the trigger pin', () => {
    const { loop, uart, pins, scanner, codes } = rig({ trigger: true, engine: false });
    scanner.close();
    scanner.close();
    expect(pins.inUse(TRIGGER_PIN)).toBeUndefined();
    expect(uart.isOpen).toBe(false);
    uart.send(ascii('TK1:AFTERCLOSE\r'), 115200);
    loop.runUntilIdle();
    expect(codes).toEqual([]);
    expect(() => scanner.acknowledge(true)).not.toThrow();
  });
});
