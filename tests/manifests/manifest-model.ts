/**
 * Our Moddable manifests as mcconfig combines them for one platform
 * (tools/mcmanifest.js): includes followed, the matching `platforms` entry
 * merged, build variables substituted, module entries expanded to module
 * names and files. Paths into the SDK stay symbolic ("sdk:<path>") and are
 * expanded against the record in moddable-sdk.ts.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { SDK_FILES, type Platform } from './moddable-sdk.js';

export const repoRoot = resolve(new URL('../..', import.meta.url).pathname);

/** One `modules` entry: a module name (or pattern) and where its source is. */
export interface ModuleEntry {
  readonly manifest: string;
  readonly key: string;
  readonly source: string;
  /** The files it matched: absolute paths, or "sdk:<path>". */
  readonly files: readonly string[];
}

export interface CombinedManifest {
  readonly platform: Platform;
  /** Module name -> source file (absolute path or "sdk:<path>"). */
  readonly modules: ReadonlyMap<string, string>;
  readonly entries: readonly ModuleEntry[];
  /** SDK manifests included, as paths under $(MODDABLE). */
  readonly sdkIncludes: ReadonlySet<string>;
  /** Our own manifests that went in, absolute paths. */
  readonly localManifests: readonly string[];
  readonly preload: readonly string[];
  readonly config: Readonly<Record<string, unknown>>;
  readonly creation: Readonly<Record<string, unknown>>;
  readonly defines: Readonly<Record<string, unknown>>;
  readonly build: Readonly<Record<string, string>>;
  readonly resources: Readonly<Record<string, unknown>>;
  readonly typescript: Readonly<Record<string, unknown>>;
  /** `error` entries of matched platforms: this manifest does not build for the platform. */
  readonly errors: readonly string[];
}

type Json = Record<string, unknown>;

/** The SDK's own build variables our manifests use (examples/manifest_base.json, modules/io/manifest.json). */
const SDK_VARIABLES: Readonly<Record<string, string>> = { MODDABLE: 'sdk:', MODULES: 'sdk:modules', COMMODETTO: 'sdk:modules/commodetto', IO: 'sdk:modules/io' };

const MODULE_EXTENSIONS = ['.ts', '.js', '.mjs', '.json', '.c', '.h'];

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeInto(target: Json, source: Json): void {
  for (const [k, v] of Object.entries(source)) {
    if (isObject(v) && isObject(target[k])) mergeInto(target[k] as Json, v);
    else target[k] = isObject(v) ? structuredClone(v) : v;
  }
}

function list(v: unknown): unknown[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** mcconfig's matchPlatform: the exact platform (or a prefix of a subplatform), else "...". */
function matchPlatform(platforms: Json, platform: string): Json | undefined {
  if (isObject(platforms[platform])) return platforms[platform] as Json;
  return isObject(platforms['...']) ? (platforms['...'] as Json) : undefined;
}

function sdkPath(path: string): string {
  return `sdk:${path.slice(4).replace(/^\/+/, '')}`;
}

/** Files a module source names: exact with an extension, else every file of that base name; `*` for a directory. */
function matchFiles(source: string): string[] {
  const sdk = source.startsWith('sdk:');
  const path = sdk ? source.slice(4) : source;
  const dir = dirname(path);
  const base = basename(path);
  const filesInDir: string[] = sdk
    ? SDK_FILES.filter((f) => dirname(f) === dir).map((f) => basename(f))
    : existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()) : [];
  const wanted = filesInDir.filter((f) => {
    if (f.startsWith('.') || f.startsWith('manifest') || f.endsWith('.d.ts')) return false;
    const ext = extname(f);
    if (base.endsWith('*')) return f.startsWith(base.slice(0, -1)) && MODULE_EXTENSIONS.includes(ext);
    if (extname(base)) return f === base;
    return f.slice(0, -ext.length) === base && MODULE_EXTENSIONS.includes(ext);
  });
  return wanted.map((f) => (sdk ? `sdk:${dir === '.' ? '' : `${dir}/`}${f}` : join(dir, f)));
}

/** The module name a file gets under a `modules` key (a name, a `prefix/*` pattern, or `*`). */
function moduleName(key: string, file: string): string {
  const name = basename(file).slice(0, -extname(file).length);
  if (key === '*') return name;
  if (key.endsWith('*')) return key.slice(0, -1) + name;
  return key;
}

export function combineManifest(manifestPath: string, platform: Platform): CombinedManifest {
  const environment: Record<string, string> = { ...SDK_VARIABLES };
  const raw: Array<{ dir: string; manifest: string; modules: Json }> = [];
  const sdkIncludes = new Set<string>();
  const localManifests: string[] = [];
  const preload: string[] = [];
  const config: Json = {};
  const creation: Json = {};
  const defines: Json = {};
  const resources: Json = {};
  const typescript: Json = {};
  const errors: string[] = [];

  const substitute = (value: string): string => value.replace(/\$\(([^)]+)\)/g, (_, name: string) => environment[name] ?? `$(${name})`);

  function parseBuild(build: unknown, dir: string): void {
    if (!isObject(build)) return;
    for (const [rawName, rawValue] of Object.entries(build)) {
      if (typeof rawValue !== 'string') continue;
      const conditional = rawName.endsWith(' ?=');
      const name = conditional ? rawName.slice(0, -3) : rawName;
      if (conditional && name in environment) continue;
      let value = substitute(rawValue);
      // mcconfig resolves "./" in build values against the manifest's directory.
      if (value.startsWith('./')) value = resolve(dir, value);
      environment[name] = value;
    }
  }

  function include(path: string, fromDir: string): void {
    const target = substitute(path);
    if (target.startsWith('sdk:')) {
      sdkIncludes.add(sdkPath(target).slice(4));
      return;
    }
    const file = resolve(fromDir, target);
    if (localManifests.includes(file)) return;
    localManifests.push(file);
    parse(JSON.parse(readFileSync(file, 'utf8')) as Json, file);
  }

  function parsePart(part: Json, dir: string, manifest: string): void {
    parseBuild(part.build, dir);
    for (const inc of list(part.include)) include(String(inc), dir);
    if (isObject(part.modules)) raw.push({ dir, manifest, modules: part.modules });
    for (const p of list(part.preload)) preload.push(String(p));
    if (isObject(part.config)) mergeInto(config, part.config);
    if (isObject(part.creation)) mergeInto(creation, part.creation);
    if (isObject(part.defines)) mergeInto(defines, part.defines);
    if (isObject(part.resources)) mergeInto(resources, part.resources);
    if (isObject(part.typescript)) mergeInto(typescript, part.typescript);
    if (typeof part.error === 'string') errors.push(part.error);
  }

  function parse(manifest: Json, file: string): void {
    const dir = dirname(file);
    parsePart(manifest, dir, file);
    if (isObject(manifest.platforms)) {
      const matched = matchPlatform(manifest.platforms, platform);
      if (matched) parsePart(matched, dir, file);
    }
  }

  const top = resolve(manifestPath);
  localManifests.push(top);
  parse(JSON.parse(readFileSync(top, 'utf8')) as Json, top);

  const entries: ModuleEntry[] = [];
  const modules = new Map<string, string>();
  for (const { dir, manifest, modules: block } of raw) {
    for (const [key, value] of Object.entries(block)) {
      for (const item of list(value)) {
        const substituted = substitute(String(item));
        const source = substituted.startsWith('sdk:') ? sdkPath(substituted) : resolve(dir, substituted);
        const files = matchFiles(source);
        entries.push({ manifest, key, source, files });
        for (const f of files) {
          if (['.c', '.h'].includes(extname(f))) continue;
          modules.set(moduleName(key, f), f);
        }
      }
    }
  }

  return {
    platform, modules, entries, sdkIncludes, localManifests, preload, config, creation, defines, resources, typescript, errors,
    build: { ...environment },
  };
}
