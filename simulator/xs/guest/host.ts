/**
 * xsnap's host functions, for the harness only: where the prelude put them,
 * or the globals when the worker kept them. Firmware and protocol code never
 * import this.
 */
import { XSNAP_HOST } from './host-key.js';

export interface XsnapHost {
  /** Sends bytes to Node and blocks until its answer. */
  readonly issueCommand: (request: ArrayBuffer) => ArrayBuffer;
  /** A line on the worker's stdout. */
  readonly print: (...values: unknown[]) => void;
  /** Wall-clock milliseconds with microsecond resolution (gettimeofday). */
  readonly now: () => number;
}

interface XsnapGlobals {
  readonly issueCommand?: XsnapHost['issueCommand'];
  readonly print?: XsnapHost['print'];
  readonly performance?: { now(): number };
}

export function xsnapHost(): XsnapHost {
  const g = ((globalThis as unknown as Record<symbol, XsnapGlobals | undefined>)[XSNAP_HOST] ?? globalThis) as XsnapGlobals;
  const { issueCommand, print, performance } = g;
  if (typeof issueCommand !== 'function' || typeof print !== 'function' || !performance) throw new Error('not running in an xsnap worker');
  return Object.freeze({ issueCommand, print, now: () => performance.now() });
}
