/**
 * protocol/ in the real XS engine: every test vector gives the same decision
 * and reason inside XS, verified there with the reference verifier
 * (@noble/curves), as on Node.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForXs } from '../../simulator/xs/bundle.js';
import { XsWorker } from '../../simulator/xs/worker.js';
import { runVector } from '../support/sandbox-entry.js';
import { root } from '../support/xs-rules.js';

const dir = join(root, 'protocol/vectors');
const vectors = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();

describe('protocol/ in XS', () => {
  let worker: XsWorker;
  beforeAll(() => {
    worker = new XsWorker({ name: 'xs-vectors' });
    worker.evaluate(bundleForXs('tests/xs/entries/vectors.ts').code);
  });
  afterAll(() => worker?.close());

  it('gives every vector the same decision and reason as on Node', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(100);
    const differences: string[] = [];
    const fromXs = new Set<string>();
    const expectedAll = new Set<string>();
    for (const name of vectors) {
      const text = readFileSync(join(dir, name), 'utf8');
      const expected = JSON.parse(text) as { expected: { decision: string; reason: string } };
      const inXs = worker.call('runVector', text) as string;
      const onNode = runVector(text);
      const want = `${expected.expected.decision} ${expected.expected.reason}`;
      fromXs.add(inXs);
      expectedAll.add(want);
      if (inXs !== onNode || onNode !== want) differences.push(`${name}: XS ${inXs}, Node ${onNode}, expected ${want}`);
    }
    expect(differences).toEqual([]);
    // Not one answer for everything: every decision and reason the vectors cover came out of XS.
    expect(expectedAll.size).toBeGreaterThan(15);
    expect([...fromXs].sort()).toEqual([...expectedAll].sort());
  });
});
