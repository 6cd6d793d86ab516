/**
 * Bundled into XS by tests/xs/worker.test.ts: small operations that show
 * what crosses the channel and what XS itself reports.
 */
import { GuestChannel } from '../../../simulator/xs/guest/channel.js';

const channel = new GuestChannel();
const global = globalThis as unknown as Record<string, unknown>;

channel.serve({
  echo: (...values: unknown[]) => values,
  /** Asks the host, and reports what came back or what it threw. */
  askHost: (op: string, ...args: unknown[]) => {
    try {
      return { value: channel.callHost(op, ...args) };
    } catch (e) {
      return { threw: (e as Error).name, message: (e as Error).message, isRangeError: e instanceof RangeError };
    }
  },
  fail: (message: string) => {
    throw new RangeError(message);
  },
  typeOfGlobals: (names: string[]) => names.map((n) => typeof global[n]),
  recurse: (): number => {
    const down = (n: number): number => down(n + 1) + 1;
    return down(0);
  },
  spin: () => {
    for (;;);
  },
});
