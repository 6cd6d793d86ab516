/**
 * The fast verifier as XS would load it: bundled for a neutral platform at
 * ES2020 and run in a realm without host APIs, where it gives the
 * published vectors' results.
 */
import { readFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { bundleNeutral } from '../../support/xs-rules.js';

interface WycheproofFile {
  testGroups: Array<{ publicKey: string; tests: Array<{ tcId: number; msg: string; sig: string; result: string }> }>;
}

describe('fast ES256 verifier without a host', () => {
  it('bundles at ES2020 with no Node modules and verifies Wycheproof vectors in a bare realm', async () => {
    const { code, inputs } = await bundleNeutral('tests/protocol/p256/sandbox-entry.ts', 'FAST');
    expect(inputs.filter((i) => i.startsWith('node:') || i.includes('@noble/curves'))).toEqual([]);
    const realm = createContext({});
    expect(runInContext('[typeof Buffer, typeof TextEncoder, typeof crypto, typeof process].join()', realm)).toBe('undefined,undefined,undefined,undefined');
    runInContext(code, realm);

    const file = JSON.parse(readFileSync(new URL('./wycheproof-ecdsa-p256-sha256-p1363.json', import.meta.url), 'utf8')) as WycheproofFile;
    // The first group's key with all its cases, and one case of every tenth other group
    // (each new key costs a table; published-vectors.test.ts runs them all).
    const cases = file.testGroups.flatMap((g, i) => (i === 0 ? g.tests : i % 10 === 0 ? g.tests.slice(0, 1) : []).map((t) => ({ key: g.publicKey, ...t })));
    const wrong: string[] = [];
    for (const c of cases) {
      const got = runInContext(`FAST.verifyHex(${JSON.stringify(c.key)}, ${JSON.stringify(c.msg)}, ${JSON.stringify(c.sig)})`, realm) as string;
      if (got !== String(c.result === 'valid')) wrong.push(`tcId ${c.tcId}: ${got}`);
    }
    expect(cases.length).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
  });
});
