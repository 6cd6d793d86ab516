/**
 * ECMA-419 Digital, PWM and Serial with nothing attached, for hosts that
 * have no such hardware (Moddable's desktop simulators): outputs keep what
 * was written, inputs read their resting level and never call back, a
 * serial port without a device never receives. The validator boots and
 * decides on screen; LEDs, buzzer and buttons need the board.
 */
import { DigitalEdge, DigitalMode } from '../types/digital-modes.js';
import type {
  Digital, DigitalConstructor, DigitalOptions, PWM, PWMConstructor, PWMOptions, Serial, SerialConstructor, SerialOptions,
} from '../types/ecma419.js';


class UnwiredDigitalPin implements Digital {
  static readonly Input = DigitalMode.Input;
  static readonly InputPullUp = DigitalMode.InputPullUp;
  static readonly InputPullDown = DigitalMode.InputPullDown;
  static readonly InputPullUpDown = DigitalMode.InputPullUpDown;
  static readonly Output = DigitalMode.Output;
  static readonly OutputOpenDrain = DigitalMode.OutputOpenDrain;
  static readonly Rising = DigitalEdge.Rising;
  static readonly Falling = DigitalEdge.Falling;

  readonly format = 'number' as const;
  readonly #output: boolean;
  #level: number;
  #closed = false;

  constructor(options: DigitalOptions) {
    const o = { ...options };
    if (!Number.isInteger(o.pin) || o.pin < 0) throw new RangeError('invalid pin');
    this.#output = o.mode === DigitalMode.Output || o.mode === DigitalMode.OutputOpenDrain;
    // A pulled-up input rests high; everything else rests low.
    this.#level = o.mode === DigitalMode.InputPullUp ? 1 : 0;
  }

  read(): number {
    if (this.#closed) throw new Error('closed');
    return this.#level;
  }

  write(value: number): void {
    if (this.#closed) throw new Error('closed');
    if (!this.#output) throw new Error('not an output');
    this.#level = value ? 1 : 0;
  }

  close(): void {
    this.#closed = true;
  }
}

class UnwiredPWMPin implements PWM {
  readonly format = 'number' as const;
  readonly resolution: number;
  readonly hz: number;
  #closed = false;

  constructor(options: PWMOptions) {
    const o = { ...options };
    if (!Number.isInteger(o.pin) || o.pin < 0) throw new RangeError('invalid pin');
    this.hz = o.hz ?? 1000;
    this.resolution = o.resolution ?? 10;
  }

  write(value: number): void {
    if (this.#closed) throw new Error('closed');
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** this.resolution) throw new RangeError('duty cycle out of range');
  }

  close(): void {
    this.#closed = true;
  }
}

class UnwiredSerialPort implements Serial {
  format: 'buffer' | 'number';
  #closed = false;

  constructor(options: SerialOptions) {
    this.format = options.format ?? 'number';
  }

  read(): undefined {
    if (this.#closed) throw new Error('closed');
    return undefined;
  }

  write(): void {
    if (this.#closed) throw new Error('closed');
  }

  close(): void {
    this.#closed = true;
  }
}

export const UnwiredDigital: DigitalConstructor = UnwiredDigitalPin;
export const UnwiredPWM: PWMConstructor = UnwiredPWMPin;
export const UnwiredSerial: SerialConstructor = UnwiredSerialPort;
