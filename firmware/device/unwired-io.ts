/**
 * ECMA-419 Digital, PWM and Serial with nothing attached, for hosts that
 * have no such hardware (Moddable's desktop simulators): outputs keep what
 * was written, inputs read their resting level and never call back, a
 * serial port without a device never receives. The validator boots and
 * decides on screen; LEDs, buzzer and buttons need the board.
 */
import type {
  Digital, DigitalConstructor, DigitalOptions, PWM, PWMConstructor, PWMOptions, Serial, SerialConstructor, SerialOptions,
} from '../types/ecma419.js';

/** Mode and edge constants as Moddable's embedded:io/digital defines them. */
const MODE = Object.freeze({ Input: 0, InputPullUp: 1, InputPullDown: 2, InputPullUpDown: 3, Output: 8, OutputOpenDrain: 9 });

class UnwiredDigitalPin implements Digital {
  static readonly Input = MODE.Input;
  static readonly InputPullUp = MODE.InputPullUp;
  static readonly InputPullDown = MODE.InputPullDown;
  static readonly InputPullUpDown = MODE.InputPullUpDown;
  static readonly Output = MODE.Output;
  static readonly OutputOpenDrain = MODE.OutputOpenDrain;
  static readonly Rising = 1;
  static readonly Falling = 2;

  readonly format = 'number' as const;
  readonly #output: boolean;
  #level: number;
  #closed = false;

  constructor(options: DigitalOptions) {
    const o = { ...options };
    if (!Number.isInteger(o.pin) || o.pin < 0) throw new RangeError('invalid pin');
    this.#output = o.mode === MODE.Output || o.mode === MODE.OutputOpenDrain;
    // A pulled-up input rests high; everything else rests low.
    this.#level = o.mode === MODE.InputPullUp ? 1 : 0;
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
