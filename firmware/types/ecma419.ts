/**
 * The ECMA-419 I/O the validator uses, as TypeScript interfaces. The
 * published typings lag the Moddable SDK, so we keep our own, limited to
 * what the firmware calls. They follow Moddable's implementations:
 * modules/io/{serial,digital,pwm} and modules/io/flash (embedded:storage/flash).
 *
 * Type-only: this file emits nothing, so firmware can import it on XS.
 */

/** What write() accepts in "buffer" format. */
export type BufferSource = ArrayBuffer | ArrayBufferView;

/** Fields every I/O options object may carry. */
export interface IOOptions<T> {
  /** Passed back as `this.target` convenience by some hosts; we do not rely on it. */
  readonly target?: unknown;
  readonly onError?: (this: T, error?: unknown) => void;
}

// Serial (embedded:io/serial). On the ESP32 reads come straight from the
// 128-byte hardware FIFO: nothing buffers behind it.

export interface SerialOptions extends IOOptions<Serial> {
  readonly port?: number;
  readonly receive?: number;
  readonly transmit?: number;
  readonly baud: number;
  /** "buffer" reads and writes ArrayBuffers; "number" one byte at a time. Default "number". */
  readonly format?: 'buffer' | 'number';
  /** Called with the number of bytes available to read. */
  readonly onReadable?: (this: Serial, count: number) => void;
  /** Called with the number of bytes that may be written without overflow. */
  readonly onWritable?: (this: Serial, count: number) => void;
}

export interface Serial {
  format: 'buffer' | 'number';
  /** "buffer": up to `count` bytes (all available when omitted), undefined when none. "number": one byte or undefined. */
  read(count?: number): ArrayBuffer | number | undefined;
  /** Throws if the output FIFO cannot take all of it; never writes part. */
  write(data: BufferSource | number): void;
  close(): void;
}

export interface SerialConstructor {
  new (options: SerialOptions): Serial;
}

// Digital (embedded:io/digital)

export interface DigitalOptions extends IOOptions<Digital> {
  readonly pin: number;
  readonly mode: number;
  /** Digital.Rising, Digital.Falling or both; required with onReadable. */
  readonly edge?: number;
  readonly onReadable?: (this: Digital) => void;
}

export interface Digital {
  readonly format: 'number';
  /** Inputs only: 0 or 1. */
  read(): number;
  /** Outputs only: 0 or 1. */
  write(value: number): void;
  close(): void;
}

export interface DigitalConstructor {
  new (options: DigitalOptions): Digital;
  readonly Input: number;
  readonly InputPullUp: number;
  readonly InputPullDown: number;
  readonly InputPullUpDown: number;
  readonly Output: number;
  readonly OutputOpenDrain: number;
  readonly Rising: number;
  readonly Falling: number;
}

// PWM (embedded:io/pwm)

export interface PWMOptions extends IOOptions<PWM> {
  readonly pin: number;
  readonly hz?: number;
  readonly resolution?: number;
}

export interface PWM {
  readonly format: 'number';
  /** Bits of duty-cycle resolution: write() takes 0 .. 2^resolution - 1. */
  readonly resolution: number;
  readonly hz: number;
  write(value: number): void;
  close(): void;
}

export interface PWMConstructor {
  new (options: PWMOptions): PWM;
}

// Flash (embedded:storage/flash): a partition opened by name, byte-granular
// read and write, erase by block. NOR: erase sets bytes to 0xFF and a write
// can only clear bits.

export interface FlashOpenOptions {
  /** Partition name, e.g. "boardings" from partitions.csv. */
  readonly path: string;
  /** "r" read-only, "r+" read-write (default). */
  readonly mode?: 'r' | 'r+';
}

export interface FlashStatus {
  /** Partition size in bytes. */
  readonly size: number;
  /** Erase block size in bytes. */
  readonly blockLength: number;
  readonly blocks: number;
}

export interface FlashPartition {
  readonly format: 'buffer';
  /** Reads `byteLength` bytes at `byteOffset` into a new ArrayBuffer. */
  read(byteLength: number, byteOffset: number): ArrayBuffer;
  /** Reads into `buffer` (its whole length) at `byteOffset`; returns the byte count. */
  read(buffer: ArrayBuffer | ArrayBufferView, byteOffset: number): number;
  write(data: BufferSource, byteOffset: number): void;
  /** Erases blocks [start, end); `end` defaults to start + 1. */
  eraseBlock(start: number, end?: number): void;
  status(): FlashStatus;
  close(): void;
}

export interface FlashProvider {
  open(options: FlashOpenOptions): FlashPartition;
}

/**
 * The board provider (`device` in Moddable's host provider.js): the I/O
 * classes and named pins. The validator only ever gets its I/O from here.
 */
export interface DeviceProvider {
  readonly io: {
    readonly Serial: SerialConstructor;
    readonly Digital: DigitalConstructor;
    readonly PWM: PWMConstructor;
  };
  readonly flash?: FlashProvider;
  readonly pin?: Readonly<Record<string, number>>;
}
