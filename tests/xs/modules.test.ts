/**
 * Every module of protocol/ and firmware/ loads in the real XS engine: it
 * bundles for a neutral platform at ES2020 (so it imports no Node built-in)
 * and its top level runs inside XS without the globals xsnap adds for its own
 * hosts (TextEncoder, performance, print...), which a device build lacks.
 * The source rules (tests/protocol and tests/firmware portability tests)
 * cover what a module does later; this is what XS itself says.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { transformSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForXs } from '../../simulator/xs/bundle.js';
import { XsWorker } from '../../simulator/xs/worker.js';
import { ALLOWED_PACKAGES, imports, root, sources } from '../support/xs-rules.js';

const files = [...sources(join(root, 'protocol')), ...sources(join(root, 'firmware'))].map((f) => relative(root, f)).sort();

/** Files that emit nothing: interfaces and types only. */
const typeOnly = (file: string) => transformSync(readFileSync(join(root, file), 'utf8'), { loader: 'ts' }).code.trim() === '';

/**
 * The device's entry points import Moddable SDK modules (timer, crypt,
 * commodetto/Poco...) that only a Moddable build provides; the manifest tests
 * check those. Everything they import from the project loads here on its own.
 */
const sdkImports = (file: string) =>
  imports([join(root, file)]).filter(({ spec, resolved }) => !resolved && !ALLOWED_PACKAGES.some((re) => re.test(spec)));

describe('every module of protocol/ and firmware/ loads in XS', () => {
  let worker: XsWorker;
  beforeAll(() => {
    worker = new XsWorker({ name: 'xs-modules' });
  });
  afterAll(() => worker?.close());

  const runtime = files.filter((f) => !typeOnly(f));
  const entryPoints = runtime.filter((f) => sdkImports(f).length > 0);
  const loadable = runtime.filter((f) => !entryPoints.includes(f));

  it('finds the modules', () => {
    expect(loadable.length).toBeGreaterThan(50);
    expect(loadable).toContain('firmware/app/validator.ts');
    expect(loadable).toContain('protocol/validate/validate.ts');
    expect(files.filter(typeOnly)).toContain('firmware/types/ecma419.ts');
  });

  it('leaves out only device entry points that nothing else imports', () => {
    const importedSomewhere = new Set(imports(files.map((f) => join(root, f))).map((i) => i.resolved?.replace(/\.js$/, '.ts')));
    expect(entryPoints.filter((f) => importedSomewhere.has(f))).toEqual([]);
  });

  it('bundles each without Node and runs its top level in XS', () => {
    const failures: string[] = [];
    for (const file of loadable) {
      try {
        const { code, inputs } = bundleForXs(file, { globalName: 'loaded' });
        const node = inputs.filter((i) => i.startsWith('node:'));
        if (node.length > 0) throw new Error(`imports ${node.join(', ')}`);
        worker.evaluate(code);
      } catch (e) {
        failures.push(`${file}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
