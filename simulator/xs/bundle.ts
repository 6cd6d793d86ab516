/**
 * Bundles TypeScript for the XS engine as a Moddable build would see it:
 * every import resolved into one script, neutral platform (no Node
 * built-ins resolve), ES2020, one IIFE. Synchronous, so the simulator can
 * build a validator in a constructor; cached per process, since tests load
 * the same entry many times.
 */
import { buildSync, type BuildOptions } from 'esbuild';
import { isAbsolute, join } from 'node:path';

/** The repository root. */
export const REPO_ROOT = new URL('../..', import.meta.url).pathname;

export interface XsBundle {
  readonly code: string;
  /** Every input file that went in, relative to the repository root (or `node:...` for a built-in). */
  readonly inputs: readonly string[];
}

export interface XsBundleOptions {
  /** Exposes the entry's exports as this global; without it the entry runs for its effects only. */
  readonly globalName?: string;
}

/** How XS sees a bundle; bundleNeutral (tests/support/xs-rules.ts) builds with the same settings. */
export const XS_BUILD_OPTIONS = Object.freeze({
  bundle: true,
  write: false,
  platform: 'neutral',
  mainFields: ['module', 'main'],
  format: 'iife',
  target: 'es2020',
  logLevel: 'silent',
  metafile: true,
} as const satisfies BuildOptions);

const cache = new Map<string, XsBundle>();

/** Bundles `entry` (relative to the repository root, or absolute). Throws with esbuild's messages if it does not build. */
export function bundleForXs(entry: string, options: XsBundleOptions = {}): XsBundle {
  const key = `${entry}\0${options.globalName ?? ''}`;
  let bundle = cache.get(key);
  if (!bundle) {
    const out = buildSync({
      ...XS_BUILD_OPTIONS,
      mainFields: [...XS_BUILD_OPTIONS.mainFields],
      entryPoints: [isAbsolute(entry) ? entry : join(REPO_ROOT, entry)],
      absWorkingDir: REPO_ROOT,
      globalName: options.globalName,
    });
    bundle = Object.freeze({ code: out.outputFiles[0].text, inputs: Object.freeze(Object.keys(out.metafile.inputs)) });
    cache.set(key, bundle);
  }
  return bundle;
}
