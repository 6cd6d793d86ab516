/**
 * Timers, shaped like Moddable's Timer module (Timer.set / Timer.clear) so
 * the device passes it straight through; the simulator drives them from its
 * virtual clock.
 */
export type TimerId = unknown;

export interface Timers {
  /** Calls `callback` once after `ms` milliseconds. */
  set(callback: () => void, ms: number): TimerId;
  /** Cancels a pending timer; a timer that has fired or was cleared is ignored. */
  clear(id: TimerId): void;
}
