/**
 * Timers over Moddable's `timer` module. The firmware's Timers interface
 * was shaped after it, so this only narrows the types: Timer.set calls back
 * once, and Timer.clear ignores a timer that has fired or was cleared
 * (modules/base/timer/modTimer.c), which is what Timers promises.
 */
import type { TimerId, Timers } from '../platform/timers.js';

/** The part of Moddable's `timer` module the firmware uses. */
export interface ModdableTimer {
  set(callback: () => void, delay: number): unknown;
  clear(id: unknown): void;
}

export function moddableTimers(timer: ModdableTimer): Timers {
  return Object.freeze({
    set(callback: () => void, ms: number): TimerId {
      // Timer passes the timer id as an argument; the firmware's callbacks take none.
      return timer.set(() => callback(), ms);
    },
    clear(id: TimerId): void {
      timer.clear(id);
    },
  });
}
