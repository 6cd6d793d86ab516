/**
 * The rules code must follow to run unchanged on XS, as checks over source
 * files: which modules it may import and which host APIs it must not touch.
 * Shared by the protocol/ and firmware/ portability tests.
 */
import type { Plugin } from 'esbuild';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { XS_BUILD_OPTIONS } from '../../simulator/xs/bundle.js';

export const root = new URL('../..', import.meta.url).pathname;

/** TypeScript sources under `dir` (declaration files and test vectors excluded). */
export function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'vectors' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The pure-JS packages protocol/ may use. */
export const ALLOWED_PACKAGES = [/^cbor-x\/(encode|decode)$/, /^@noble\/curves\/[a-z0-9/]+\.js$/, /^@noble\/hashes\/[a-z0-9/]+\.js$/, /^@scure\/base$/];

export const FORBIDDEN: Array<[RegExp, string]> = [
  [/\bBuffer\b/, 'Buffer'],
  [/\beval\s*\(/, 'eval'],
  [/\bnew Function\b|\bFunction\s*\(/, 'Function constructor'],
  [/\bIntl\b/, 'Intl'],
  [/getRandomValues|randomBytes|Math\.random/, 'global randomness'],
  [/\bprocess\./, 'process'],
  [/\b(require|__dirname|__filename)\b/, 'CommonJS'],
  [/^await\b/m, 'top-level await'],
  [/\bTextEncoder\b|\bTextDecoder\b|\batob\b|\bbtoa\b/, 'host text/base64 APIs'],
  [/\bsetTimeout\b|\bsetInterval\b|\bqueueMicrotask\b/, 'host timers'],
  [/\bDate\.now\b|\bnew Date\b|\bperformance\./, 'host clock'],
];

/** Every module specifier a source file imports or re-exports, with the file. */
export function imports(files: readonly string[]): Array<{ file: string; spec: string; resolved?: string }> {
  const out: Array<{ file: string; spec: string; resolved?: string }> = [];
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]/g)) {
      const spec = m[1] ?? m[2];
      out.push({ file: relative(root, file), spec, resolved: spec.startsWith('.') ? relative(root, resolve(dirname(file), spec)) : undefined });
    }
  }
  return out;
}

/** Files using an API the rules forbid (comments may name them). */
export function forbiddenUses(files: readonly string[]): string[] {
  const bad: string[] = [];
  for (const f of files) {
    const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const [re, what] of FORBIDDEN) if (re.test(code)) bad.push(`${relative(root, f)}: ${what}`);
  }
  return bad;
}

/**
 * Bundles `entry` (a path under the repo) as XS would load it: every import
 * resolved, neutral platform, ES2020, one IIFE exposing its exports as
 * `globalName`. Returns the code and the input files that went in. The
 * settings are the XS harness's (simulator/xs/bundle.ts), which runs the
 * same bundles in the real engine; this one also takes esbuild plugins.
 */
export async function bundleNeutral(entry: string, globalName: string, options: { stub?: readonly string[] } = {}): Promise<{ code: string; inputs: string[] }> {
  const { build } = await import('esbuild');
  // Host modules the simulator needs only for features a scenario does not use (file-backed flash).
  const stub = options.stub ?? [];
  const stubs: Plugin = {
    name: 'stub-host-modules',
    setup(b) {
      b.onResolve({ filter: /^node:/ }, (args) => (stub.includes(args.path) ? { path: args.path, namespace: 'stub' } : undefined));
      b.onLoad({ filter: /.*/, namespace: 'stub' }, (args) => ({
        contents: `const unavailable = () => { throw new Error('${args.path} is not available here'); };
export const existsSync = unavailable, openSync = unavailable, closeSync = unavailable, fstatSync = unavailable,
  readFileSync = unavailable, readSync = unavailable, writeFileSync = unavailable, writeSync = unavailable;`,
        loader: 'js',
      }));
    },
  };
  const out = await build({
    ...XS_BUILD_OPTIONS,
    mainFields: [...XS_BUILD_OPTIONS.mainFields],
    entryPoints: [join(root, entry)],
    globalName,
    plugins: [stubs],
  });
  return { code: out.outputFiles[0].text, inputs: Object.keys(out.metafile.inputs) };
}
