/**
 * fast-check run parameters shared by the property tests: each property gets
 * its own fixed seed (the suite's base seed mixed with the test's name, so
 * filtering the suite does not change it), FC_SEED overrides the base seed
 * ("random" for a fresh one each run), FC_RUNS scales the run counts.
 */
import type fc from 'fast-check';
import { expect } from 'vitest';

/** FNV-1a of the running test's name. */
function nameSeed(): number {
  let h = 0x811c9dc5;
  for (const c of expect.getState().currentTestName ?? '') h = Math.imul(h ^ c.charCodeAt(0), 0x01000193);
  return h;
}

/** A `params(numRuns)` for a test file whose base seed is `defaultSeed`. */
export function propertyParams(defaultSeed: number): (numRuns: number) => fc.Parameters<unknown> {
  const env = process.env.FC_SEED;
  const base = env === undefined ? defaultSeed : env === 'random' ? undefined : Number(env);
  const factor = Number(process.env.FC_RUNS ?? 1);
  return (numRuns) => {
    const p: fc.Parameters<unknown> = { numRuns: Math.max(1, Math.round(numRuns * factor)) };
    if (base !== undefined) p.seed = (base ^ nameSeed()) | 0;
    return p;
  };
}
