/**
 * A QR scan engine on the far end of a UART, as the validator's scanner
 * module behaves: it decodes the codes passengers present, one at a time,
 * and sends each as a line of text.
 *
 * Realism that matters to the firmware: bytes come in bursts of random size
 * with small gaps (engine firmware and USB-serial bridges do this), some
 * engines prepend an AIM symbology id, the trigger input gates scanning, and
 * in 'ack' mode the engine holds the next code until the host acknowledges
 * the last one — which is what keeps a slow host from overrunning its FIFO.
 */
import type { ScannerHandshake } from '../../firmware/board/board.js';
import type { HostLoop, EventHandle } from '../host/loop.js';
import { ACK, NAK, type UartPort } from '../host/uart.js';

export interface ScannerChunking {
  readonly minBytes: number;
  readonly maxBytes: number;
  /** Gaps between bursts are uniform in [0, gapMs]. */
  readonly gapMs: number;
}

export interface ScannerEmulatorOptions {
  readonly loop: HostLoop;
  readonly uart: UartPort;
  readonly baud: number;
  readonly handshake: ScannerHandshake;
  readonly terminator?: '\r' | '\n' | '\r\n';
  /** Sent before every code, e.g. the AIM symbology id "]Q1". */
  readonly prefix?: string;
  /** Seeded; see ../platform/seeded-random.ts. */
  readonly random: () => number;
  /** Without it a code goes out in one burst. */
  readonly chunking?: ScannerChunking;
  /** Time to decode a code once it is in front of an enabled engine. Default 60 ms. */
  readonly decodeMs?: number;
  readonly ackTimeoutMs?: number;
  /** Resends after a NAK before giving up. Default 2. */
  readonly retries?: number;
  /** Initial trigger state; default true (an engine with no trigger wired scans all the time). */
  readonly enabled?: boolean;
}

type State = 'idle' | 'decoding' | 'sending' | 'awaiting';

interface Current {
  readonly text: string;
  /** Transmissions so far. */
  sends: number;
}

export class ScannerEmulator {
  /** Codes whose last byte went out on the wire, once per transmission (a resend appears again). */
  readonly sent: string[] = [];
  /** Codes abandoned: NAKed too often, or no answer within ackTimeoutMs. */
  readonly gaveUp: string[] = [];
  /** ACK and NAK bytes received from the host. */
  acks = 0;
  naks = 0;
  /** Acknowledgements not received in time. */
  timeouts = 0;

  readonly #loop: HostLoop;
  readonly #uart: UartPort;
  readonly #baud: number;
  readonly #handshake: ScannerHandshake;
  readonly #terminator: string;
  readonly #prefix: string;
  readonly #random: () => number;
  readonly #chunking: ScannerChunking | undefined;
  readonly #decodeMs: number;
  readonly #ackTimeoutMs: number;
  readonly #retries: number;
  #enabled: boolean;
  readonly #queue: string[] = [];
  #current: Current | undefined;
  #state: State = 'idle';
  #timer: EventHandle | undefined;
  #noiseInFlight = 0;

  constructor(options: ScannerEmulatorOptions) {
    const o = { ...options };
    this.#loop = o.loop;
    this.#uart = o.uart;
    this.#baud = o.baud;
    this.#handshake = o.handshake;
    this.#terminator = o.terminator ?? '\r';
    this.#prefix = o.prefix ?? '';
    this.#random = o.random;
    this.#decodeMs = o.decodeMs ?? 60;
    this.#ackTimeoutMs = o.ackTimeoutMs ?? 1000;
    this.#retries = o.retries ?? 2;
    this.#enabled = o.enabled ?? true;
    if (o.chunking) {
      const { minBytes, maxBytes, gapMs } = o.chunking;
      if (!(Number.isInteger(minBytes) && minBytes >= 1 && Number.isInteger(maxBytes) && maxBytes >= minBytes && gapMs >= 0)) {
        throw new RangeError('ScannerEmulator: chunking needs integers 1 <= minBytes <= maxBytes and gapMs >= 0');
      }
      this.#chunking = { minBytes, maxBytes, gapMs };
    }
    this.#uart.onTransmit = (bytes) => this.#fromHost(bytes);
  }

  /** A passenger shows a QR code with this text. */
  present(text: string): void {
    this.#queue.push(text);
    this.#pump();
  }

  /** The trigger input. Codes presented while disabled wait; a decode in progress is abandoned and restarts. */
  setEnabled(on: boolean): void {
    this.#enabled = on;
    if (!on && this.#state === 'decoding') {
      this.#loop.cancel(this.#timer);
      this.#timer = undefined;
      this.#queue.unshift(this.#current!.text);
      this.#current = undefined;
      this.#state = 'idle';
    }
    this.#pump();
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /** Line noise (a loose connector, a power glitch): on the wire now, behind whatever is already on it. */
  noise(bytes: Uint8Array): void {
    this.#noiseInFlight++;
    this.#uart.send(bytes, this.#baud, () => {
      this.#noiseInFlight--;
    });
  }

  /** Codes presented and not yet done with (sent and, in 'ack' mode, acknowledged or given up). */
  get pending(): number {
    return this.#queue.length + (this.#current ? 1 : 0);
  }

  idle(): boolean {
    return this.pending === 0 && this.#noiseInFlight === 0;
  }

  #pump(): void {
    if (this.#state !== 'idle' || !this.#enabled || this.#queue.length === 0) return;
    this.#current = { text: this.#queue.shift()!, sends: 0 };
    this.#state = 'decoding';
    this.#timer = this.#loop.after(this.#decodeMs, () => {
      this.#timer = undefined;
      this.#transmit();
    });
  }

  #transmit(): void {
    const current = this.#current!;
    this.#state = 'sending';
    current.sends++;
    const line = this.#prefix + current.text + this.#terminator;
    const bytes = new Uint8Array(line.length);
    for (let i = 0; i < line.length; i++) bytes[i] = line.charCodeAt(i) & 0xff;
    let offset = 0;
    const burst = (): void => {
      const size = this.#chunkSize(bytes.length - offset);
      const chunk = bytes.subarray(offset, offset + size);
      offset += size;
      this.#uart.send(chunk, this.#baud, () => {
        if (offset < bytes.length) {
          const gap = this.#chunking ? this.#random() * this.#chunking.gapMs : 0;
          this.#loop.after(gap, burst);
        } else {
          this.#transmitted(current);
        }
      });
    };
    burst();
  }

  #chunkSize(left: number): number {
    const c = this.#chunking;
    if (!c) return left;
    const size = c.minBytes + Math.floor(this.#random() * (c.maxBytes - c.minBytes + 1));
    return Math.min(size, left);
  }

  #transmitted(current: Current): void {
    this.sent.push(current.text);
    if (this.#handshake !== 'ack') {
      this.#done();
      return;
    }
    this.#state = 'awaiting';
    this.#timer = this.#loop.after(this.#ackTimeoutMs, () => {
      this.#timer = undefined;
      this.timeouts++;
      this.gaveUp.push(current.text);
      this.#done();
    });
  }

  #fromHost(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (b === ACK) {
        this.acks++;
        // An ACK before the code is out (or with nothing outstanding) answers nothing.
        if (this.#state === 'awaiting') this.#done();
      } else if (b === NAK) {
        this.naks++;
        if (this.#state !== 'awaiting') continue;
        const current = this.#current!;
        this.#loop.cancel(this.#timer);
        this.#timer = undefined;
        if (current.sends <= this.#retries) this.#transmit();
        else {
          this.gaveUp.push(current.text);
          this.#done();
        }
      }
    }
  }

  #done(): void {
    this.#loop.cancel(this.#timer);
    this.#timer = undefined;
    this.#current = undefined;
    this.#state = 'idle';
    this.#pump();
  }
}
