/**
 * The validator's clock in the simulator: simulated time plus a settable
 * offset from true time, with the source and uncertainty the firmware reads.
 * Tests use it to put a validator's clock wrong, or unset.
 */
import { ClockSource, type Clock } from '../../firmware/platform/clock.js';
import type { HostLoop } from '../host/loop.js';

export interface SimClockOptions {
  /** True time at simulated time 0, ms since the epoch. */
  readonly epochMs: number;
  /** How far the validator's clock is ahead of true time, ms. */
  readonly offsetMs?: number;
  readonly source?: ClockSource;
  /** Seconds. */
  readonly uncertainty?: number;
  /**
   * Source of ticks() instead of simulated time; a benchmark passes
   * performance.now so the firmware's own latency figures are real time.
   */
  readonly ticks?: () => number;
}

export class SimClock implements Clock {
  readonly #loop: HostLoop;
  readonly #epochMs: number;
  #offsetMs: number;
  #source: ClockSource;
  #uncertainty: number;
  readonly #ticks: (() => number) | undefined;

  constructor(loop: HostLoop, options: SimClockOptions) {
    this.#loop = loop;
    this.#epochMs = options.epochMs;
    this.#offsetMs = options.offsetMs ?? 0;
    this.#source = options.source ?? ClockSource.NETWORK;
    this.#uncertainty = options.uncertainty ?? 1;
    this.#ticks = options.ticks;
  }

  now(): number {
    return this.#epochMs + this.#loop.now() + this.#offsetMs;
  }

  ticks(): number {
    return this.#ticks ? this.#ticks() : this.#loop.now();
  }

  uncertainty(): number {
    return this.#uncertainty;
  }

  source(): ClockSource {
    return this.#source;
  }

  /** True time, whatever the validator believes. */
  trueNow(): number {
    return this.#epochMs + this.#loop.now();
  }

  set(options: { offsetMs?: number; source?: ClockSource; uncertainty?: number }): void {
    if (options.offsetMs !== undefined) this.#offsetMs = options.offsetMs;
    if (options.source !== undefined) this.#source = options.source;
    if (options.uncertainty !== undefined) this.#uncertainty = options.uncertainty;
  }
}
