/**
 * embedded:io/serial for the simulator, shaped like Moddable's ESP32
 * implementation: one class per board, options read once at construction,
 * callbacks run as firmware tasks with `this` the Serial instance, and reads
 * straight from the UART's hardware FIFO (see uart.ts).
 */
import type { BufferSource, Serial, SerialConstructor, SerialOptions } from '../../firmware/types/ecma419.js';
import { bufferBytes } from './buffer-bytes.js';
import type { HostLoop } from './loop.js';
import type { UartConnection, UartPort } from './uart.js';

type Format = 'buffer' | 'number';

function checkFormat(format: unknown): Format {
  if (format !== 'buffer' && format !== 'number') throw new RangeError(`Serial: unsupported format ${String(format)}`);
  return format;
}

function toBytes(data: BufferSource): Uint8Array {
  const bytes = bufferBytes(data);
  if (!bytes) throw new TypeError('Serial: write() in "buffer" format takes an ArrayBuffer or a view');
  return bytes;
}

export function serialClass(loop: HostLoop, ports: ReadonlyMap<number, UartPort>): SerialConstructor {
  // The loop is the board's; the ports schedule on it themselves. Kept in the
  // signature so every host class is made the same way.
  void loop;

  return class SimSerial implements Serial {
    #connection: UartConnection | undefined;
    #format: Format;
    readonly #onReadable: SerialOptions['onReadable'];
    readonly #onWritable: SerialOptions['onWritable'];

    constructor(options: SerialOptions) {
      const o = { ...options };
      const port = o.port ?? 0;
      const uart = ports.get(port);
      if (!uart) throw new Error(`Serial: no UART ${port} on this board`);
      if (typeof o.baud !== 'number' || !(o.baud > 0)) throw new RangeError('Serial: baud is required');
      // A baud that differs from the peer's would garble bytes on a real board;
      // the simulator times incoming bytes by the sender's baud and keeps this
      // one for what the firmware transmits.
      this.#format = checkFormat(o.format ?? 'number');
      this.#onReadable = o.onReadable;
      this.#onWritable = o.onWritable;
      const self = this;
      this.#connection = uart.open({
        baud: o.baud,
        // Only hook what the firmware asked for, so the port does not queue
        // callbacks nobody listens to.
        onReadable: o.onReadable ? (count) => self.#onReadable?.call(self, count) : undefined,
        onWritable: o.onWritable ? (count) => self.#onWritable?.call(self, count) : undefined,
      });
    }

    get format(): Format {
      return this.#format;
    }

    set format(format: Format) {
      this.#format = checkFormat(format);
    }

    read(count?: number): ArrayBuffer | number | undefined {
      const c = this.#open();
      if (this.#format === 'number') {
        const b = c.read(1);
        return b.length > 0 ? b[0] : undefined;
      }
      if (count !== undefined && !(Number.isInteger(count) && count > 0)) throw new RangeError(`Serial: bad read count ${count}`);
      const bytes = c.read(count);
      return bytes.length > 0 ? (bytes.buffer as ArrayBuffer) : undefined;
    }

    write(data: BufferSource | number): void {
      const c = this.#open();
      if (this.#format === 'number') {
        if (typeof data !== 'number' || !Number.isInteger(data) || data < 0 || data > 255) throw new TypeError('Serial: write() in "number" format takes a byte 0-255');
        c.write(Uint8Array.of(data));
        return;
      }
      if (typeof data === 'number') throw new TypeError('Serial: write() in "buffer" format takes an ArrayBuffer or a view');
      c.write(toBytes(data));
    }

    close(): void {
      this.#connection?.close();
      this.#connection = undefined;
    }

    #open(): UartConnection {
      if (!this.#connection) throw new Error('Serial: closed');
      return this.#connection;
    }
  };
}
