/**
 * Simulated PWM, shaped like Moddable's embedded:io/pwm (LEDC on the ESP32).
 * The validator drives its buzzer with it; tests read the beeps back from the
 * PinBank's pwmHistory.
 *
 * Duty is value / (2^resolution - 1), so the largest value is fully on (1)
 * and 0 is off. Every open, write and close is recorded, even when the duty
 * does not change, so a test sees exactly what the firmware asked for.
 */
import type { PWM as PWMInstance, PWMConstructor, PWMOptions } from '../../firmware/types/ecma419.js';
import type { PinBank, PinUser } from './digital.js';
import type { HostLoop } from './loop.js';

export const PWMDefaults = Object.freeze({
  hz: 1000,
  /** Bits. */
  resolution: 10,
  /** The ESP32 LEDC timer goes up to 20 bits (at low frequencies). */
  maxResolution: 20,
} as const);

/** An ECMA-419 PWM class for one simulated board. */
export function pwmClass(loop: HostLoop, pins: PinBank): PWMConstructor {
  if (pins.loop !== loop) throw new Error('pwmClass: the PinBank belongs to another loop');

  class PWM implements PWMInstance {
    readonly #pin: number;
    readonly #hz: number;
    readonly #resolution: number;
    readonly #max: number;
    readonly #user: PinUser = { kind: 'pwm' };
    #closed = false;

    constructor(options: PWMOptions) {
      if (typeof options !== 'object' || options === null) throw new TypeError('PWM: options object required');
      const { pin, hz = PWMDefaults.hz, resolution = PWMDefaults.resolution } = options;
      if (pin === undefined) throw new TypeError('PWM: pin required');
      if (typeof pin !== 'number' || !Number.isInteger(pin) || pin < 0) throw new RangeError(`PWM: invalid pin ${String(pin)}`);
      if (typeof hz !== 'number' || !Number.isFinite(hz) || hz <= 0) throw new RangeError(`PWM: invalid hz ${String(hz)}`);
      if (typeof resolution !== 'number' || !Number.isInteger(resolution) || resolution < 1 || resolution > PWMDefaults.maxResolution) {
        throw new RangeError(`PWM: resolution must be 1..${PWMDefaults.maxResolution} bits, got ${String(resolution)}`);
      }
      this.#pin = pin;
      this.#hz = hz;
      this.#resolution = resolution;
      this.#max = 2 ** resolution - 1;
      pins.claim(pin, this.#user);
      pins.setDuty(pin, this.#user, 0, hz);
    }

    get format(): 'number' {
      return 'number';
    }

    get resolution(): number {
      return this.#resolution;
    }

    get hz(): number {
      return this.#hz;
    }

    write(value: number): void {
      if (this.#closed) throw new Error('PWM: write() after close');
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > this.#max) {
        throw new RangeError(`PWM: value must be an integer 0..${this.#max}, got ${String(value)}`);
      }
      pins.setDuty(this.#pin, this.#user, value / this.#max, this.#hz);
    }

    close(): void {
      if (this.#closed) return;
      this.#closed = true;
      // The LEDC channel stops: the pin goes quiet.
      pins.setDuty(this.#pin, this.#user, 0, this.#hz);
      pins.unclaim(this.#pin, this.#user);
    }
  }

  return PWM;
}
