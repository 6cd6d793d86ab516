/**
 * Runs first in every XsWorker (unless it keeps xsnap's globals): takes
 * away the globals xsnap adds for its own hosts. A Moddable device build has
 * none of them, so code that used one (TextEncoder, performance.now, print,
 * setImmediate) would pass in xsnap and fail on the validator. The harness
 * still needs a few: they are kept under a symbol only guest/host.ts reads.
 */
import { XSNAP_HOST } from './host-key.js';

const XSNAP_EXTRAS = [
  'issueCommand', 'print', 'performance', 'setImmediate', 'gc', 'currentMeterLimit', 'resetMeter',
  'TextEncoder', 'TextDecoder', 'Base64', 'harden',
] as const;

const global = globalThis as unknown as Record<string, unknown>;
const kept: Record<string, unknown> = {};
for (const name of XSNAP_EXTRAS) {
  kept[name] = global[name];
  if (!delete global[name]) throw new Error(`prelude: cannot remove ${name}`);
}
Object.defineProperty(globalThis, XSNAP_HOST, { value: Object.freeze(kept) });
