/**
 * Cuts the scan engine's byte stream into lines. Scan engines end each code
 * with CR, LF or CR LF; a code is QR alphanumeric text, so printable ASCII.
 *
 * Anything else is noise (a glitch, a baud mismatch, a partial byte at
 * power-up). Noise between lines is skipped, so garbage before a scan never
 * spoils that scan. Noise inside a line means bytes of that code were lost
 * or damaged: the whole line is dropped, up to its terminator, and reported
 * through `onDrop` so the owner can ask the engine to send it again. Lines
 * longer than the cap are not ours and are dropped the same way, without
 * growing any buffer.
 *
 * Pure ES2020 for XS: one preallocated buffer, no host APIs.
 */
import { QR_MAX_LENGTH } from '../../protocol/qr.js';

/** Room for a symbology prefix such as "]Q1" in front of the longest code. */
export const LINE_MAX_LENGTH = QR_MAX_LENGTH + 16;

const CR = 0x0d;
const LF = 0x0a;
const FIRST_PRINTABLE = 0x20;
const LAST_PRINTABLE = 0x7e;
/** Well under any engine's limit on arguments to String.fromCharCode. */
const CHARS_PER_CALL = 1024;

export interface LineFramerOptions {
  /** Longest line kept, in bytes; default LINE_MAX_LENGTH. */
  readonly maxLength?: number;
}

export class LineFramer {
  readonly #line: Uint8Array;
  #length = 0;
  /** Inside a line that went over the cap or was hit by noise: drop until the next terminator. */
  #dropping = false;
  #damaged = 0;
  #lines = 0;
  #noiseBytes = 0;
  #overlong = 0;

  constructor(options: LineFramerOptions = {}) {
    const maxLength = options.maxLength ?? LINE_MAX_LENGTH;
    if (!(Number.isInteger(maxLength) && maxLength > 0)) throw new RangeError(`LineFramer: bad maxLength ${maxLength}`);
    this.#line = new Uint8Array(maxLength);
  }

  /**
   * Frames `bytes`, calling `onLine` for each line they complete and `onDrop`
   * for each line dropped (at its terminator). A line may span any number of
   * pushes. The partial line is cleared before a callback runs, so a
   * throwing callback loses only the rest of this push.
   */
  push(bytes: Uint8Array, onLine: (line: string) => void, onDrop?: () => void): void {
    const line = this.#line;
    const max = line.length;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === CR || b === LF) {
        // CR LF ends a line at the CR; the LF then ends an empty line, which is ignored.
        if (this.#dropping) {
          this.#dropping = false;
          onDrop?.();
        } else if (this.#length > 0) {
          const text = this.#text();
          this.#length = 0;
          this.#lines++;
          onLine(text);
        }
      } else if (b >= FIRST_PRINTABLE && b <= LAST_PRINTABLE) {
        if (this.#dropping) continue;
        if (this.#length === max) {
          this.#dropping = true;
          this.#length = 0;
          this.#overlong++;
        } else line[this.#length++] = b;
      } else {
        this.#noiseBytes++;
        if (this.#length > 0) {
          this.#damaged++;
          this.#dropping = true;
          this.#length = 0;
        }
      }
    }
  }

  /** Forgets any partial line, e.g. when the scanner is re-enabled. */
  reset(): void {
    this.#length = 0;
    this.#dropping = false;
  }

  /** Lines delivered. */
  get lines(): number {
    return this.#lines;
  }

  /** Bytes outside printable ASCII and the terminators. */
  get noiseBytes(): number {
    return this.#noiseBytes;
  }

  /** Lines dropped because noise hit them. */
  get damaged(): number {
    return this.#damaged;
  }

  /** Lines dropped for exceeding maxLength. */
  get overlong(): number {
    return this.#overlong;
  }

  /** Bytes of the line in progress. */
  get partial(): number {
    return this.#length;
  }

  #text(): string {
    const line = this.#line;
    const n = this.#length;
    let s = '';
    for (let i = 0; i < n; i += CHARS_PER_CALL) {
      // apply takes any array-like, typed arrays included (ES5), and XS supports it.
      s += String.fromCharCode.apply(null, line.subarray(i, Math.min(n, i + CHARS_PER_CALL)) as unknown as number[]);
    }
    return s;
  }
}
