/**
 * Simulated time for one board, as a discrete-event loop.
 *
 * Two kinds of work, as on a microcontroller running XS:
 * - hardware events (a byte reaching the UART FIFO, a button edge) happen at
 *   their time, even while JavaScript is busy;
 * - callbacks into the firmware (onReadable, timers) are tasks: they run one
 *   at a time, only when no other JavaScript is running.
 *
 * JavaScript costs no simulated time unless a model says so with cpu(ms):
 * a simulated slow operation (an ECDSA verify on the ESP32, say) advances the
 * clock and lets the hardware run meanwhile. That is what makes it visible
 * whether the firmware loses scanner bytes while it verifies.
 */

interface HardwareEvent {
  readonly at: number;
  readonly order: number;
  readonly run: () => void;
  cancelled: boolean;
}

/** A scheduled hardware event or timer; pass it to cancel(). */
export type EventHandle = object;

export class LoopError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LoopError';
  }
}

export class HostLoop {
  #now: number;
  #order = 0;
  /** Sorted by (at, order). */
  #events: HardwareEvent[] = [];
  #tasks: Array<() => void> = [];
  #running = false;

  /** `start` is the simulated time at power-up, in milliseconds. */
  constructor(start = 0) {
    this.#now = start;
  }

  /** Simulated milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Whether a firmware callback is running now. */
  get busy(): boolean {
    return this.#running;
  }

  /** Number of callbacks waiting for the JavaScript thread. */
  get pendingTasks(): number {
    return this.#tasks.length;
  }

  /** A hardware event at an absolute time (not before now). */
  at(time: number, run: () => void): EventHandle {
    const event: HardwareEvent = { at: Math.max(time, this.#now), order: this.#order++, run, cancelled: false };
    const events = this.#events;
    // Binary search for the insertion point; most events go at the end.
    let lo = 0;
    let hi = events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const e = events[mid];
      if (e.at < event.at || (e.at === event.at && e.order < event.order)) lo = mid + 1;
      else hi = mid;
    }
    events.splice(lo, 0, event);
    return event;
  }

  /** A hardware event `ms` from now. */
  after(ms: number, run: () => void): EventHandle {
    return this.at(this.#now + ms, run);
  }

  /** A firmware callback: runs when the JavaScript thread is next idle. */
  post(task: () => void): void {
    this.#tasks.push(task);
  }

  /** A timer: after `ms`, its callback is queued as a task. */
  timer(ms: number, callback: () => void): EventHandle {
    return this.after(ms, () => this.post(callback));
  }

  cancel(handle: EventHandle | undefined): void {
    if (handle) (handle as HardwareEvent).cancelled = true;
  }

  /**
   * Called from inside a firmware callback by a cost model: the CPU is busy
   * for `ms`. Hardware events due meanwhile happen; callbacks they queue wait.
   */
  cpu(ms: number): void {
    if (!(ms > 0)) return;
    const until = this.#now + ms;
    this.#runHardwareUntil(until);
    this.#now = until;
  }

  /**
   * One step: run the next queued callback, or else advance to the next
   * hardware event. Returns false when nothing is left to do.
   */
  step(limit = Infinity): boolean {
    if (this.#tasks.length > 0) {
      this.#runTask(this.#tasks.shift()!);
      return true;
    }
    const next = this.#nextEvent();
    if (!next || next.at > limit) return false;
    this.#events.shift();
    this.#now = next.at;
    next.run();
    return true;
  }

  /** Runs everything due within the next `ms`, then sets the clock to that time. */
  runFor(ms: number): void {
    const until = this.#now + ms;
    while (this.step(until));
    if (this.#now < until) this.#now = until;
  }

  /**
   * Runs until `done()` holds, checked after every step. Throws if it does not
   * within `limitMs` of simulated time, so a stuck test fails instead of hanging.
   */
  runUntil(done: () => boolean, limitMs = 60_000): void {
    const until = this.#now + limitMs;
    while (!done()) {
      if (!this.step(until)) {
        if (done()) return;
        throw new LoopError(`condition not reached within ${limitMs} ms of simulated time`);
      }
    }
  }

  /** Runs until no callback is queued and no hardware event is due within `limitMs`. */
  runUntilIdle(limitMs = 60_000): void {
    const until = this.#now + limitMs;
    while (this.step(until));
  }

  #nextEvent(): HardwareEvent | undefined {
    const events = this.#events;
    while (events.length > 0 && events[0].cancelled) events.shift();
    return events[0];
  }

  #runHardwareUntil(until: number): void {
    for (let next = this.#nextEvent(); next && next.at <= until; next = this.#nextEvent()) {
      this.#events.shift();
      if (next.at > this.#now) this.#now = next.at;
      next.run();
    }
  }

  #runTask(task: () => void): void {
    if (this.#running) throw new LoopError('a firmware callback ran inside another');
    this.#running = true;
    try {
      task();
    } finally {
      this.#running = false;
    }
  }
}
