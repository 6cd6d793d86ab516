/** Firmware timers on simulated time: each fires as a callback task of the host loop. */
import type { Timers, TimerId } from '../../firmware/platform/timers.js';
import type { EventHandle, HostLoop } from '../host/loop.js';

export function loopTimers(loop: HostLoop): Timers {
  return {
    set(callback: () => void, ms: number): TimerId {
      return loop.timer(ms, callback);
    },
    clear(id: TimerId): void {
      loop.cancel(id as EventHandle);
    },
  };
}
