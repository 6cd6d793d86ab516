/**
 * The validator's Clock on the device, over Moddable's `time` module.
 *
 * - ticks(): Time.ticks is the FreeRTOS millisecond count as a signed 32-bit
 *   integer: it goes negative after 24.8 days and wraps after 49.7. The clock
 *   unwraps it (each reading adds the unsigned 32-bit difference from the
 *   last), so it must be read at least once every 49 days; the app reads it
 *   on every scan, button and screen.
 * - now(): wall time is whatever it was last set to plus the ticks since.
 *   Nothing sets it at power-up (the board has no RTC), so until set() the
 *   source is NONE, the uncertainty unbounded, and the validator says so.
 * - set(): whoever learns the time (network, GNSS, an RTC driver) calls it;
 *   it also sets the system time, which TLS certificate checks read.
 * - uncertainty(): what the time was set with, growing by the crystal's
 *   drift (ESP32 main crystal: within ±10 ppm; 20 ppm by default here).
 */
import { ClockSource, type Clock } from '../platform/clock.js';

/** The part of Moddable's `time` module the clock uses. */
export interface ModdableTime {
  /** Milliseconds since boot, as a signed 32-bit integer. */
  readonly ticks: number;
  /** Sets the system time, seconds since the epoch. */
  set(seconds: number): void;
}

export interface DeviceClockOptions {
  readonly time: ModdableTime;
  /** Drift of the time base, parts per million; default 20. */
  readonly driftPpm?: number;
}

export class DeviceClock implements Clock {
  readonly #time: ModdableTime;
  readonly #drift: number;
  #lastRaw: number;
  #elapsed = 0;
  #source: ClockSource = ClockSource.NONE;
  #epochAtSet = 0;
  #ticksAtSet = 0;
  #uncertaintyAtSet = Number.POSITIVE_INFINITY;

  constructor(options: DeviceClockOptions) {
    const o = { ...options };
    this.#time = o.time;
    this.#drift = (o.driftPpm ?? 20) / 1e6;
    this.#lastRaw = o.time.ticks;
  }

  ticks(): number {
    const raw = this.#time.ticks;
    this.#elapsed += (raw - this.#lastRaw) >>> 0;
    this.#lastRaw = raw;
    return this.#elapsed;
  }

  now(): number {
    return this.#epochAtSet + (this.ticks() - this.#ticksAtSet);
  }

  uncertainty(): number {
    if (this.#source === ClockSource.NONE) return Number.POSITIVE_INFINITY;
    return this.#uncertaintyAtSet + ((this.ticks() - this.#ticksAtSet) / 1000) * this.#drift;
  }

  source(): ClockSource {
    return this.#source;
  }

  /** The time is now `epochMs`, known to within `uncertainty` seconds, from `source`. */
  set(epochMs: number, source: ClockSource, uncertainty: number): void {
    if (!Number.isFinite(epochMs) || epochMs < 0) throw new RangeError('epochMs must be a time since the epoch');
    if (!(uncertainty >= 0)) throw new RangeError('uncertainty must be zero or more seconds');
    this.#ticksAtSet = this.ticks();
    this.#epochAtSet = epochMs;
    this.#source = source;
    this.#uncertaintyAtSet = source === ClockSource.NONE ? Number.POSITIVE_INFINITY : uncertainty;
    this.#time.set(Math.floor(epochMs / 1000));
  }
}
