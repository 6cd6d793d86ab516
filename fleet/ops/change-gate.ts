/**
 * "On change, at most once an interval": a retained dashboard message is
 * published at once when the last one is old enough, otherwise held back
 * and published by a later tick. Keeps a busy fleet from flooding the broker
 * with retained copies nobody has time to read.
 */
export class ChangeGate {
  readonly #intervalMs: number;
  #last = Number.NEGATIVE_INFINITY;
  #pending = false;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** Something changed: true when it may be published now. */
  changed(now: number): boolean {
    this.mark();
    return this.due(now);
  }

  /** Something changed; the caller asks due() afterwards. */
  mark(): void {
    this.#pending = true;
  }

  /** True when a held-back change may be published now; the caller then publishes. */
  due(now: number): boolean {
    if (!this.#pending || now - this.#last < this.#intervalMs) return false;
    this.#pending = false;
    this.#last = now;
    return true;
  }
}
