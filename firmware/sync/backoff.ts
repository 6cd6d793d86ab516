/**
 * How long to wait before the next connection attempt: exponential, capped,
 * with jitter, so a depot full of validators that lost the broker together
 * does not come back in lockstep. "Equal jitter": half the step is fixed and
 * half random, so a validator never retries at once in a tight loop.
 */
import type { Random } from '../platform/random.js';

export interface BackoffSettings {
  /** First retry after about this long, ms. */
  readonly initialMs: number;
  /** Never wait longer than this, ms. */
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = Object.freeze({ initialMs: 1000, maxMs: 60_000 });

/** Delay before retry number `attempt` (0 for the first retry after a failure). */
export function reconnectDelay(attempt: number, random: Random, settings: BackoffSettings = DEFAULT_BACKOFF): number {
  const step = Math.min(settings.maxMs, settings.initialMs * 2 ** Math.min(Math.max(attempt, 0), 30));
  const r = random.bytes(2);
  const fraction = ((r[0] << 8) | r[1]) / 65536;
  return Math.round(step / 2 + (step / 2) * fraction);
}
