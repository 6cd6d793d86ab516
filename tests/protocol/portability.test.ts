/**
 * protocol/ must run unchanged on the XS engine: no Node built-ins, no
 * Buffer, no eval or Function, no Intl, no global randomness, no top-level
 * await, ES2020 output. This checks the sources, bundles them for a neutral
 * platform at ES2020, and runs every test vector in a realm that has only the
 * ECMAScript built-ins, frozen as Moddable freezes them after preload.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ALLOWED_PACKAGES, bundleNeutral, forbiddenUses, imports, root, sources } from '../support/xs-rules.js';

const protocolDir = join(root, 'protocol');

describe('protocol/ runs on XS', () => {
  const files = sources(protocolDir);

  it('imports only modules inside protocol/ and the chosen pure-JS packages', () => {
    const bad = imports(files)
      .filter(({ spec, resolved }) => (resolved ? !resolved.startsWith('protocol/') : !ALLOWED_PACKAGES.some((re) => re.test(spec))))
      .map(({ file, spec }) => `${file}: ${spec}`);
    expect(bad).toEqual([]);
  });

  it('uses none of the APIs XS lacks or the rules forbid', () => {
    expect(forbiddenUses(files)).toEqual([]);
  });

  it('bundles for a neutral platform at ES2020 and gives every vector the same result in a realm without host APIs', async () => {
    const { code, inputs } = await bundleNeutral('tests/support/sandbox-entry.ts', 'TK');
    expect(inputs.filter((i) => i.startsWith('node:') || /(^|\/)node_modules\/(buffer|process|crypto)\//.test(i))).toEqual([]);

    // Only the ECMAScript built-ins: V8 adds no Buffer, TextEncoder, crypto or process to a new context.
    const realm = createContext({});
    expect(runInContext('[typeof Buffer, typeof TextEncoder, typeof crypto, typeof process].join()', realm)).toBe('undefined,undefined,undefined,undefined');
    // Moddable freezes the built-ins after preload: assigning a property an object
    // inherits read-only (error.name = ...) then throws, so the bundle must not.
    runInContext(`for (const name of Object.getOwnPropertyNames(globalThis)) {
      const v = globalThis[name];
      if (v === globalThis) continue;
      if (typeof v === 'function' || (typeof v === 'object' && v !== null)) { Object.freeze(v); if (v.prototype) Object.freeze(v.prototype); }
    }`, realm);
    runInContext(code, realm);

    const dir = join(protocolDir, 'vectors');
    const vectors = readdirSync(dir).filter((n) => n.endsWith('.json'));
    expect(vectors.length).toBeGreaterThanOrEqual(30);
    const mismatches: string[] = [];
    for (const name of vectors) {
      const text = readFileSync(join(dir, name), 'utf8');
      const v = JSON.parse(text) as { expected: { decision: string; reason: string } };
      const got = runInContext(`TK.runVector(${JSON.stringify(text)})`, realm) as string;
      if (got !== `${v.expected.decision} ${v.expected.reason}`) mismatches.push(`${name}: ${got}`);
    }
    expect(mismatches).toEqual([]);
  });
});
