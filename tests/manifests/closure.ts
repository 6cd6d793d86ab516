/**
 * The modules XS loads when an entry module runs: every static import,
 * followed with esbuild the way our sources resolve on Node. Imports of
 * modules the SDK provides (anything bare that is not an npm package in
 * node_modules) are left as they are, to be checked against the manifest.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import { repoRoot } from './manifest-model.js';

export interface ImportEdge {
  /** Absolute path of the importing file. */
  readonly from: string;
  /** The specifier as written. */
  readonly specifier: string;
  /** Absolute path it resolved to; undefined for a module left to the SDK. */
  readonly to?: string;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const sdkModulesExternal: Plugin = {
  name: 'sdk-modules-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (existsSync(join(repoRoot, 'node_modules', packageName(args.path)))) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** Every import edge reachable from `entries` (absolute paths). */
export async function importEdges(entries: readonly string[]): Promise<ImportEdge[]> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [...entries],
    absWorkingDir: repoRoot,
    bundle: true,
    write: false,
    outdir: join(repoRoot, '.closure-out'),
    platform: 'neutral',
    mainFields: ['module', 'main'],
    format: 'esm',
    target: 'es2020',
    metafile: true,
    logLevel: 'silent',
    plugins: [sdkModulesExternal],
  });
  const edges: ImportEdge[] = [];
  for (const [input, info] of Object.entries(out.metafile.inputs)) {
    for (const imp of info.imports) {
      if (imp.original === undefined) continue;
      edges.push({ from: resolve(repoRoot, input), specifier: imp.original, to: imp.external ? undefined : resolve(repoRoot, imp.path) });
    }
  }
  return edges;
}

/** XS's resolution of a module specifier against the importing module's name (xs/platforms/mc/xsHosts.c fxFindModule). */
export function xsResolve(referrer: string, specifier: string): string {
  let name = specifier.startsWith('moddable:') ? specifier.slice(9) : specifier;
  const last = name.slice(name.lastIndexOf('/') + 1);
  const dot = last.lastIndexOf('.');
  if (dot >= 0 && ['.js', '.mjs'].includes(last.slice(dot))) name = name.slice(0, name.length - last.length + dot);
  if (!name.startsWith('./') && !name.startsWith('../')) return name;
  const path = referrer.split('/');
  path.pop();
  const segments = name.split('/');
  // XS only understands leading "./" and "../" steps.
  while (segments[0] === '.' || segments[0] === '..') {
    const step = segments.shift();
    if (step === '..') {
      if (path.length === 0) throw new Error(`${specifier} climbs above ${referrer}`);
      path.pop();
    }
  }
  return [...path, ...segments].join('/');
}
