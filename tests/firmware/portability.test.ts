/**
 * firmware/ must run unchanged on XS: it imports nothing but its own modules,
 * protocol/ and the embedded: modules the Moddable SDK provides, and uses no
 * host API. Bundled for a neutral platform at ES2020 together with the
 * simulator's host provider, a scripted shift gives the same LEDs, screens
 * and log records in a realm with only the ECMAScript built-ins as on Node.
 */
import { join } from 'node:path';
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { bundleNeutral, forbiddenUses, imports, root, sources } from '../support/xs-rules.js';
import { runScenario } from '../support/firmware-scenario.js';

const files = sources(join(root, 'firmware'));

/** Moddable SDK modules (not ECMA-419) the device adapters use; docs/device.md says why each. */
const MODDABLE_MODULES = ['mc/config', 'timer', 'time', 'rng', 'ec', 'ecp', 'modular', 'crypt', 'Resource', 'commodetto/Poco', 'commodetto/parseBMF', 'instrumentation'];

describe('firmware/ runs on XS', () => {
  it('imports only firmware/, protocol/ and embedded: modules, never the simulator, the fleet or Node', () => {
    expect(files.length).toBeGreaterThan(10);
    // Only the device entry point and its adapters may reach Moddable's own modules.
    const deviceOnly = (file: string) => file === 'firmware/main.ts' || file.startsWith('firmware/device/');
    const bad = imports(files)
      .filter(({ file, spec, resolved }) => {
        if (resolved) return !/^(firmware|protocol)\//.test(resolved);
        if (spec.startsWith('embedded:')) return false;
        return !(deviceOnly(file) && MODDABLE_MODULES.includes(spec));
      })
      .map(({ file, spec }) => `${file}: ${spec}`);
    expect(bad).toEqual([]);
  });

  it('uses none of the APIs XS lacks or the rules forbid', () => {
    expect(forbiddenUses(files)).toEqual([]);
  });

  it('runs a scripted shift in a realm without host APIs exactly as on Node', async () => {
    // The simulated flash chip can keep partitions in files; this scenario keeps them in memory.
    const { code, inputs } = await bundleNeutral('tests/support/firmware-scenario.ts', 'FW', { stub: ['node:fs'] });
    expect(inputs.filter((i) => i.startsWith('stub:') || i.startsWith('node:'))).toEqual(['stub:node:fs']);
    expect(inputs.some((i) => i.startsWith('firmware/log/flash-log'))).toBe(true);
    expect(inputs.some((i) => i.startsWith('firmware/app/'))).toBe(true);

    const realm = createContext({});
    runInContext(code, realm);
    const inRealm = runInContext('FW.runScenario()', realm) as string;
    const onNode = runScenario();
    expect(inRealm).toBe(onNode);

    const { steps, log } = JSON.parse(onNode) as { steps: Array<{ reason: string }>; log: unknown[] };
    expect(steps.map((s) => s.reason)).toEqual([
      'ACCEPTED', 'ALREADY_SCANNED', 'ACCEPTED_CONCESSION', 'MALFORMED', 'UNSUPPORTED_VERSION', 'UNKNOWN_ISSUER',
      'ISSUER_KEY_EXPIRED', 'ISSUER_NOT_ALLOWED', 'BAD_SIGNATURE', 'REVOKED', 'WRONG_LINE', 'WRONG_LINE', 'ALREADY_USED',
    ]);
    expect(log).toHaveLength(13);
  });
});
