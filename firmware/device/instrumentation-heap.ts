/**
 * Memory for telemetry from Moddable's `instrumentation` module
 * (modules/base/instrumentation): the XS heap in use (slots plus chunks) and
 * the system's free memory. The SDK fills these only in instrumented builds
 * (debug builds, or `INSTRUMENT=1`); in a release build `map()` and `get()`
 * answer undefined and the reading is null, which telemetry reports as
 * unknown.
 */
import type { HeapReading } from '../sync/telemetry.js';

/** The part of Moddable's `instrumentation` module used here. */
export interface ModdableInstrumentation {
  /** The index of a named counter, undefined when the build has none. */
  map(name: string): number | undefined;
  get(index: number): number | undefined;
}

/** The names as modInstrumentation.c has them. */
export const HEAP_COUNTERS = Object.freeze({
  SLOTS: 'XS Slot Heap Used',
  CHUNKS: 'XS Chunk Heap Used',
  FREE: 'System Free Memory',
} as const);

export function instrumentationHeap(instrumentation: ModdableInstrumentation): () => HeapReading | null {
  let slots: number | undefined;
  let chunks: number | undefined;
  let free: number | undefined;
  try {
    slots = instrumentation.map(HEAP_COUNTERS.SLOTS);
    chunks = instrumentation.map(HEAP_COUNTERS.CHUNKS);
    free = instrumentation.map(HEAP_COUNTERS.FREE);
  } catch {
    // Not a build with instrumentation: nothing to read.
  }
  if (slots === undefined || chunks === undefined || free === undefined) return () => null;
  const indices = { slots, chunks, free };
  return () => {
    const s = instrumentation.get(indices.slots);
    const c = instrumentation.get(indices.chunks);
    const f = instrumentation.get(indices.free);
    if (typeof s !== 'number' || typeof c !== 'number' || typeof f !== 'number') return null;
    return { used: s + c, free: f };
  };
}
