/**
 * The hardware side of one UART on the simulated ESP32: the wire, the 128-byte
 * RX FIFO and the interrupts that tell the firmware to read it.
 *
 * The peer (a scan engine) calls send(); its bytes reach the FIFO one byte
 * time (10 bits / baud) apart. Moddable's ESP32 serial reads the hardware FIFO
 * directly, so a byte that arrives while the FIFO is full is lost: that is an
 * overrun, and it is what a firmware busy verifying a ticket would cause.
 *
 * Arrivals are applied lazily: the FIFO only shrinks when the firmware reads,
 * and every read first applies the arrivals due by then, in order, so each
 * byte meets the FIFO exactly as it would at its own arrival time. Hardware
 * events are only needed where something observable happens (an interrupt,
 * the end of a send), which keeps a long transmission to a handful of events.
 */
import type { EventHandle, HostLoop } from './loop.js';

/** ESP32 UART hardware FIFOs are 128 bytes each way. */
export const UART_FIFO_SIZE = 128;
/** Like the ESP-IDF default rxfifo_full_thresh: interrupt before the FIFO is full. */
export const UART_RX_THRESHOLD = 120;
/** RX timeout: the line idle this many byte times with data in the FIFO raises an interrupt. */
export const UART_RX_TIMEOUT_BYTES = 2;

export const ACK = 0x06;
export const NAK = 0x15;

/** Milliseconds one byte takes on the wire: start bit, 8 data bits, stop bit. */
export function byteTimeMs(baud: number): number {
  return 10_000 / baud;
}

export interface UartPortOptions {
  readonly port: number;
  /** RX FIFO capacity; default 128, the ESP32's. */
  readonly fifoSize?: number;
  /** FIFO fill level that raises the "readable" interrupt; default min(120, fifoSize). */
  readonly threshold?: number;
  /** TX FIFO capacity; default 128. */
  readonly txFifoSize?: number;
}

/** What the device-side driver (the Serial class) gives the port when it opens it. */
export interface UartClient {
  /** The firmware's configured baud; times the bytes it transmits. */
  readonly baud: number;
  /** Runs as a firmware task with the bytes in the FIFO then. */
  readonly onReadable?: (count: number) => void;
  /** Runs as a firmware task with the free TX FIFO space then. */
  readonly onWritable?: (count: number) => void;
}

/** The device side of an open port; dead after close(). */
export interface UartConnection {
  /** Bytes waiting in the RX FIFO. */
  readonly readable: number;
  /** Free space in the TX FIFO. */
  readonly writable: number;
  /** Takes up to `max` bytes (all when omitted) from the RX FIFO; empty when none. */
  read(max?: number): Uint8Array;
  /** Queues bytes for transmission; throws RangeError, writing nothing, if the TX FIFO cannot take them all. */
  write(bytes: Uint8Array): void;
  close(): void;
}

interface Segment {
  readonly bytes: Uint8Array;
  /** When byte 0 starts on the wire; byte i arrives at start + (i + 1) * byteTime. */
  readonly start: number;
  readonly byteTime: number;
  /** Next byte to arrive. */
  offset: number;
}

interface Session {
  readonly client: UartClient;
  readonly byteTime: number;
  readableQueued: boolean;
  writableQueued: boolean;
}

export class UartPort {
  readonly port: number;
  readonly fifoSize: number;
  readonly threshold: number;
  readonly txFifoSize: number;
  /** Peer side: called as a hardware event with the bytes the firmware wrote, once they are on the wire. */
  onTransmit?: (bytes: Uint8Array) => void;

  readonly #loop: HostLoop;
  // RX FIFO as a ring buffer.
  readonly #fifo: Uint8Array;
  #head = 0;
  #count = 0;
  // Bytes on their way in, oldest first.
  readonly #wire: Segment[] = [];
  #lineFreeAt = -Infinity;
  #lastArrival = -Infinity;
  #lastByteTime = 0;
  /** A byte arrived since the last readable interrupt: the RX timeout only fires after new data. */
  #armed = false;
  #check: EventHandle | undefined;
  #session: Session | undefined;
  #txPending = 0;
  #txFreeAt = -Infinity;
  #received = 0;
  #overruns = 0;
  #ignored = 0;
  #delivered = 0;
  #transmitted = 0;

  constructor(loop: HostLoop, options: UartPortOptions) {
    this.#loop = loop;
    this.port = options.port;
    this.fifoSize = options.fifoSize ?? UART_FIFO_SIZE;
    if (!(Number.isInteger(this.fifoSize) && this.fifoSize > 0)) throw new RangeError(`UART ${this.port}: bad fifoSize ${this.fifoSize}`);
    this.threshold = Math.min(options.threshold ?? UART_RX_THRESHOLD, this.fifoSize);
    this.txFifoSize = options.txFifoSize ?? UART_FIFO_SIZE;
    this.#fifo = new Uint8Array(this.fifoSize);
  }

  // Peer side

  /**
   * Transmits `bytes` toward the device at `baud`, starting when the line is
   * free. `onSent`, if given, runs as a hardware event once the last byte has
   * arrived.
   */
  send(bytes: Uint8Array, baud: number, onSent?: () => void): void {
    if (!(baud > 0)) throw new RangeError(`UART ${this.port}: bad baud ${baud}`);
    this.#sync();
    const byteTime = byteTimeMs(baud);
    const start = Math.max(this.#loop.now(), this.#lineFreeAt);
    const copy = bytes.slice(); // the caller may reuse its buffer
    const end = start + copy.length * byteTime;
    this.#lineFreeAt = end;
    if (copy.length > 0) this.#wire.push({ bytes: copy, start, byteTime, offset: 0 });
    this.#loop.at(end, () => {
      this.#sync();
      this.#reschedule();
      onSent?.();
    });
    this.#reschedule();
  }

  /** Bytes that came off the wire while the port was open, stored or not. */
  get received(): number {
    this.#sync();
    return this.#received;
  }

  /** Bytes lost because they arrived with the RX FIFO full. */
  get overruns(): number {
    this.#sync();
    return this.#overruns;
  }

  /** Bytes that arrived while no driver had the port open (the receiver is off). */
  get ignored(): number {
    this.#sync();
    return this.#ignored;
  }

  /** Bytes the firmware has read. */
  get delivered(): number {
    return this.#delivered;
  }

  /** Bytes the firmware has written that are on the wire. */
  get transmitted(): number {
    return this.#transmitted;
  }

  /** Bytes in the RX FIFO now. */
  get buffered(): number {
    this.#sync();
    return this.#count;
  }

  /** When the inbound line will be free: the end of the last send. */
  get lineFreeAt(): number {
    return Math.max(this.#lineFreeAt, this.#loop.now());
  }

  get isOpen(): boolean {
    return this.#session !== undefined;
  }

  /** Nothing in flight either way. */
  idle(): boolean {
    this.#sync();
    return this.#wire.length === 0 && this.#txPending === 0;
  }

  // Device side

  /** Opens the port for a driver; throws if one has it already. The FIFO starts empty. */
  open(client: UartClient): UartConnection {
    if (this.#session) throw new Error(`UART ${this.port} is already open`);
    if (!(client.baud > 0)) throw new RangeError(`UART ${this.port}: bad baud ${client.baud}`);
    this.#sync();
    // Whatever sat in the FIFO from before belongs to nobody.
    this.#head = 0;
    this.#count = 0;
    this.#armed = false;
    const session: Session = { client, byteTime: byteTimeMs(client.baud), readableQueued: false, writableQueued: false };
    this.#session = session;
    this.#queueWritable(session); // ECMA-419: onWritable once the port is ready
    this.#reschedule();
    const port = this;
    return {
      get readable() {
        port.#live(session);
        port.#sync();
        return port.#count;
      },
      get writable() {
        port.#live(session);
        return port.txFifoSize - port.#txPending;
      },
      read: (max) => {
        this.#live(session);
        return this.#read(max);
      },
      write: (bytes) => {
        this.#live(session);
        this.#write(session, bytes);
      },
      close: () => {
        if (this.#session !== session) return;
        this.#sync();
        this.#session = undefined;
        this.#reschedule();
      },
    };
  }

  #live(session: Session): void {
    if (this.#session !== session) throw new Error(`UART ${this.port} is closed`);
  }

  #read(max = Infinity): Uint8Array {
    this.#sync();
    const n = Math.min(this.#count, Math.max(0, Math.floor(max)));
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      out[i] = this.#fifo[this.#head];
      this.#head = (this.#head + 1) % this.fifoSize;
    }
    this.#count -= n;
    this.#delivered += n;
    if (n > 0) this.#reschedule();
    return out;
  }

  #write(session: Session, bytes: Uint8Array): void {
    const n = bytes.length;
    if (n === 0) return;
    if (this.#txPending + n > this.txFifoSize) {
      throw new RangeError(`UART ${this.port}: TX FIFO full (${this.#txPending} pending, ${n} more, ${this.txFifoSize} max)`);
    }
    const copy = bytes.slice();
    this.#txPending += n;
    const start = Math.max(this.#loop.now(), this.#txFreeAt);
    this.#txFreeAt = start + n * session.byteTime;
    // The peer gets the whole write when its last byte is out: exact for
    // single-byte ACK/NAK, close enough for anything longer.
    this.#loop.at(this.#txFreeAt, () => {
      this.#txPending -= n;
      this.#transmitted += n;
      this.onTransmit?.(copy);
      if (this.#session === session) this.#queueWritable(session);
    });
  }

  #queueWritable(session: Session): void {
    if (!session.client.onWritable || session.writableQueued) return;
    session.writableQueued = true;
    this.#loop.post(() => {
      session.writableQueued = false;
      if (this.#session !== session) return;
      session.client.onWritable?.(this.txFifoSize - this.#txPending);
    });
  }

  /** Applies every arrival due by now, in order. */
  #sync(): void {
    const now = this.#loop.now();
    const wire = this.#wire;
    while (wire.length > 0) {
      const s = wire[0];
      const n = s.bytes.length;
      while (s.offset < n) {
        const at = s.start + (s.offset + 1) * s.byteTime;
        if (at > now) return;
        this.#arrive(s.bytes[s.offset], at, s.byteTime);
        s.offset++;
      }
      wire.shift();
    }
  }

  #arrive(byte: number, at: number, byteTime: number): void {
    if (!this.#session) {
      this.#ignored++;
      return;
    }
    this.#received++;
    this.#armed = true;
    this.#lastArrival = at;
    this.#lastByteTime = byteTime;
    if (this.#count === this.fifoSize) {
      this.#overruns++;
      return;
    }
    this.#fifo[(this.#head + this.#count) % this.fifoSize] = byte;
    this.#count++;
  }

  /**
   * Whether an interrupt is due now: new data with the FIFO at the threshold,
   * or new data followed by an idle line (RX timeout). Like the ESP32, an
   * interrupt needs new arrivals, so a firmware that leaves bytes unread
   * hears about them again only when more come.
   */
  #due(): boolean {
    if (!this.#armed || this.#count === 0) return false;
    if (this.#count >= this.threshold) return true;
    return this.#lastArrival + UART_RX_TIMEOUT_BYTES * this.#lastByteTime <= this.#loop.now();
  }

  /** Re-plans the one hardware event that checks for an interrupt. */
  #reschedule(): void {
    this.#loop.cancel(this.#check);
    this.#check = undefined;
    const session = this.#session;
    if (!session || session.readableQueued) return; // the callback, when it runs, re-plans
    if (this.#due()) {
      this.#interrupt(session);
      return;
    }
    const at = Math.min(this.#thresholdTime(), this.#timeoutTime());
    if (at === Infinity) return;
    this.#check = this.#loop.at(at, () => {
      this.#check = undefined;
      this.#sync();
      this.#reschedule();
    });
  }

  /** Arrival time of the byte that will (re)raise the threshold interrupt. */
  #thresholdTime(): number {
    let k = Math.max(1, this.threshold - this.#count);
    for (const s of this.#wire) {
      const left = s.bytes.length - s.offset;
      if (k <= left) return s.start + (s.offset + k) * s.byteTime;
      k -= left;
    }
    return Infinity;
  }

  /** When the line will next have been idle for the RX timeout with data waiting. */
  #timeoutTime(): number {
    let at = this.#armed && this.#count > 0 ? this.#lastArrival + UART_RX_TIMEOUT_BYTES * this.#lastByteTime : Infinity;
    for (const s of this.#wire) {
      const next = s.start + (s.offset + 1) * s.byteTime;
      if (next > at) break; // the line goes quiet long enough before this segment
      // Contiguous with what came before (or the first data at all): the quiet starts after it.
      at = s.start + s.bytes.length * s.byteTime + UART_RX_TIMEOUT_BYTES * s.byteTime;
    }
    return at;
  }

  #interrupt(session: Session): void {
    this.#armed = false;
    session.readableQueued = true;
    this.#loop.post(() => {
      session.readableQueued = false;
      if (this.#session !== session) return;
      this.#sync();
      const count = this.#count;
      if (count > 0) session.client.onReadable?.(count);
      // Re-plan after the callback: it may have read, or left data for the next arrival to report.
      if (this.#session === session) {
        this.#sync();
        this.#reschedule();
      }
    });
  }
}
