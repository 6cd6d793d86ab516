/**
 * The QR scan engine on its UART, and its trigger line.
 *
 * On the ESP32 the serial port reads the 128-byte hardware FIFO directly: at
 * 115200 baud it fills in 11 ms, while checking a ticket signature takes far
 * longer. So the scanner never verifies anything itself. Each time data is
 * readable it empties the FIFO completely and frames everything read, and
 * only then hands the finished codes to `onCode`, one by one, emptying the
 * FIFO again before each. Bytes of the next scan that share a read with the
 * end of the previous one are already in the framer when `onCode` runs.
 *
 * Even so, a slow `onCode` leaves the FIFO unread for its whole duration; the
 * board therefore sets the engine to the 'ack' handshake, in which the
 * engine sends nothing more until acknowledge() is called.
 *
 * A code damaged on the wire (noise inside it, bytes lost) is never passed
 * on as a code: with the handshake the scanner answers NAK and the engine
 * sends it again; without one, `onMisread` tells the owner to ask the
 * passenger to scan again.
 */
import { LINE_MAX_LENGTH, LineFramer } from './line-framer.js';
import type { ScannerWiring } from '../board/board.js';
import type { Digital, DigitalConstructor, Serial, SerialConstructor } from '../types/ecma419.js';

const ACK = 0x06;
const NAK = 0x15;
/** Where a ticket starts; engines may put a symbology id such as "]Q1" before it. */
const TICKET_START = /TK[0-9]+:/;
/** A line without a ticket prefix and shorter than this is line noise, not a code worth reporting. */
const MIN_FOREIGN_LENGTH = 8;

export interface ScannerOptions {
  readonly Serial: SerialConstructor;
  readonly Digital: DigitalConstructor;
  readonly wiring: ScannerWiring;
  /** A framed code: a ticket (prefix trimmed to "TKn:") or another code's text, for the owner to judge. */
  readonly onCode: (this: Scanner, text: string) => void;
  /** A line was damaged on the wire and there is no handshake to get it again. */
  readonly onMisread?: (this: Scanner) => void;
  /** Longest line accepted; default QR_MAX_LENGTH plus room for a symbology id. */
  readonly maxLength?: number;
}

export interface ScannerStats {
  /** Bytes read from the UART. */
  readonly bytes: number;
  /** Lines framed. */
  readonly lines: number;
  /** Codes handed to onCode. */
  readonly codes: number;
  /** Short lines without a ticket prefix, dropped as noise. */
  readonly noiseLines: number;
  /** Non-printable bytes seen (each discards the line it is in). */
  readonly noiseBytes: number;
  /** Lines dropped for being too long. */
  readonly overlong: number;
  /** Lines dropped because noise hit them. */
  readonly damaged: number;
  /** Codes framed and not yet handed to onCode. */
  readonly queued: number;
  readonly acks: number;
  readonly naks: number;
}

export class Scanner {
  readonly #onCode: ScannerOptions['onCode'];
  readonly #onMisread: ScannerOptions['onMisread'];
  readonly #onDrop: () => void;
  readonly #handshake: ScannerWiring['handshake'];
  readonly #activeLevel: number;
  readonly #framer: LineFramer;
  readonly #queue: string[] = [];
  readonly #onLine: (line: string) => void;
  #serial: Serial | undefined;
  #trigger: Digital | undefined;
  #enabled = false;
  #delivering = false;
  #bytes = 0;
  #codes = 0;
  #noiseLines = 0;
  #acks = 0;
  #naks = 0;

  /** With a trigger wired the engine starts disabled: call enable() when ready for passengers. */
  constructor(options: ScannerOptions) {
    const o = { ...options };
    const wiring = o.wiring;
    this.#onCode = o.onCode;
    this.#handshake = wiring.handshake;
    this.#activeLevel = wiring.trigger?.activeLow ? 0 : 1;
    this.#framer = new LineFramer({ maxLength: o.maxLength ?? LINE_MAX_LENGTH });
    this.#onMisread = o.onMisread;
    this.#onLine = (line) => this.#line(line);
    this.#onDrop = () => this.#dropped();
    const self = this;
    this.#serial = new o.Serial({
      port: wiring.port,
      receive: wiring.receive,
      transmit: wiring.transmit,
      baud: wiring.baud,
      format: 'buffer',
      onReadable() {
        self.#service();
      },
    });
    if (wiring.trigger) {
      try {
        this.#trigger = new o.Digital({ pin: wiring.trigger.pin, mode: o.Digital.Output });
        this.#trigger.write(this.#activeLevel ^ 1);
      } catch (e) {
        this.close();
        throw e;
      }
    } else this.#enabled = true;
  }

  /** Asserts the trigger: the engine scans. No-op without a trigger line. */
  enable(): void {
    if (!this.#trigger) return;
    this.#trigger.write(this.#activeLevel);
    this.#enabled = true;
  }

  /** Releases the trigger: the engine stops reading codes. No-op without a trigger line. */
  disable(): void {
    if (!this.#trigger) return;
    this.#trigger.write(this.#activeLevel ^ 1);
    this.#enabled = false;
  }

  /** Whether the engine is scanning (always, without a trigger line). */
  get enabled(): boolean {
    return this.#enabled && this.#serial !== undefined;
  }

  /**
   * Answers the last code in 'ack' mode: ACK lets the engine send the next,
   * NAK makes it resend this one. No-op with no handshake or once closed.
   */
  acknowledge(ok: boolean): void {
    if (this.#handshake !== 'ack' || !this.#serial) return;
    this.#serial.write(Uint8Array.of(ok ? ACK : NAK));
    if (ok) this.#acks++;
    else this.#naks++;
  }

  close(): void {
    const serial = this.#serial;
    const trigger = this.#trigger;
    this.#serial = undefined;
    this.#trigger = undefined;
    this.#queue.length = 0;
    serial?.close();
    if (trigger) {
      // Leave the engine idle rather than scanning into a closed port.
      try {
        trigger.write(this.#activeLevel ^ 1);
      } finally {
        trigger.close();
      }
    }
  }

  get stats(): ScannerStats {
    const f = this.#framer;
    return {
      bytes: this.#bytes,
      lines: f.lines,
      codes: this.#codes,
      noiseLines: this.#noiseLines,
      noiseBytes: f.noiseBytes,
      overlong: f.overlong,
      damaged: f.damaged,
      queued: this.#queue.length,
      acks: this.#acks,
      naks: this.#naks,
    };
  }

  /** Empties the FIFO into the framer, then delivers codes, emptying it again before each. */
  #service(): void {
    this.#drain();
    // onCode runs inside this loop; anything it does that leads back here only drains.
    if (this.#delivering) return;
    this.#delivering = true;
    try {
      for (;;) {
        const code = this.#queue.shift();
        if (code === undefined || !this.#serial) return;
        this.#codes++;
        this.#onCode.call(this, code);
        this.#drain();
      }
    } finally {
      this.#delivering = false;
    }
  }

  #drain(): void {
    const serial = this.#serial;
    if (!serial) return;
    for (let chunk = serial.read(); chunk !== undefined; chunk = serial.read()) {
      const bytes = new Uint8Array(chunk as ArrayBuffer);
      this.#bytes += bytes.length;
      this.#framer.push(bytes, this.#onLine, this.#onDrop);
    }
  }

  #dropped(): void {
    if (this.#handshake === 'ack') this.acknowledge(false);
    else this.#onMisread?.call(this);
  }

  #line(line: string): void {
    const m = TICKET_START.exec(line);
    if (m) {
      this.#queue.push(m.index > 0 ? line.slice(m.index) : line);
    } else if (line.length < MIN_FOREIGN_LENGTH) {
      this.#noiseLines++;
    } else {
      this.#queue.push(line);
    }
  }
}
