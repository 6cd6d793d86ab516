/**
 * Runs simulated boards in real time, for when their peers are real: a
 * broker and a back office on real sockets and timers. Every tick advances
 * each HostLoop by the wall-clock time since the last tick, so firmware
 * timers fire roughly on time and the tasks sockets post (an incoming
 * message, onWritable) run within a tick.
 *
 * A firmware callback that throws stops the pump: a pending until() rejects
 * with the error; otherwise `onError` gets it, or it is thrown out of the
 * tick (an uncaught exception) so it cannot pass unseen.
 */
import { LoopError, type HostLoop } from './loop.js';

export interface RealtimePumpOptions {
  /** Milliseconds between ticks; default 5. */
  readonly intervalMs?: number;
  readonly onError?: (error: unknown) => void;
}

interface Waiter {
  readonly condition: () => boolean;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly timer: NodeJS.Timeout;
}

export class RealtimePump {
  readonly #intervalMs: number;
  readonly #onError: ((error: unknown) => void) | undefined;
  readonly #loops = new Set<HostLoop>();
  readonly #waiters = new Set<Waiter>();
  #timer: NodeJS.Timeout | undefined;
  #last = 0;

  constructor(options: RealtimePumpOptions = {}) {
    const intervalMs = options.intervalMs ?? 5;
    if (!(Number.isFinite(intervalMs) && intervalMs > 0)) throw new RangeError(`intervalMs must be a positive number (got ${intervalMs})`);
    this.#intervalMs = intervalMs;
    this.#onError = options.onError;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  add(loop: HostLoop): void {
    this.#loops.add(loop);
  }

  remove(loop: HostLoop): void {
    this.#loops.delete(loop);
  }

  /** Starts ticking. The timer keeps Node alive until stop(), which a CLI relies on. */
  start(): void {
    if (this.#timer) return;
    this.#last = performance.now();
    this.#timer = setInterval(() => this.#tick(), this.#intervalMs);
  }

  /** Stops ticking; pending until() calls reject. Idempotent. */
  stop(): void {
    this.#halt(new LoopError('the real-time pump was stopped'));
  }

  /**
   * Resolves once `condition()` holds, checked now and after every tick;
   * rejects if it does not within `timeoutMs` of real time, or if the pump
   * stops or a firmware callback throws first.
   */
  until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
    if (condition()) return Promise.resolve();
    if (!this.#timer) return Promise.reject(new LoopError('until(): the real-time pump is not running; call start() first'));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        condition,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          reject(new LoopError(`until(): condition not reached within ${timeoutMs} ms of real time`));
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  #tick(): void {
    const now = performance.now();
    const elapsed = now - this.#last;
    this.#last = now;
    try {
      for (const loop of this.#loops) loop.runFor(elapsed);
    } catch (error) {
      const handled = this.#waiters.size > 0 || this.#onError !== undefined;
      this.#halt(error);
      if (this.#onError) this.#onError(error);
      else if (!handled) throw error;
      return;
    }
    for (const waiter of this.#waiters) {
      let done: boolean;
      try {
        done = waiter.condition();
      } catch (error) {
        this.#settle(waiter);
        waiter.reject(error);
        continue;
      }
      if (done) {
        this.#settle(waiter);
        waiter.resolve();
      }
    }
  }

  #halt(reason: unknown): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const waiter of [...this.#waiters]) {
      this.#settle(waiter);
      waiter.reject(reason);
    }
  }

  #settle(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.#waiters.delete(waiter);
  }
}
