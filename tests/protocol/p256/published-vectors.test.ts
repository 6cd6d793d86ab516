/**
 * Published ECDSA P-256 / SHA-256 verification vectors: Project Wycheproof's
 * IEEE P1363 set (range checks, arithmetic edge cases, Shamir-trick
 * infinities, special keys such as G itself, truncated signatures) and the
 * NIST CAVP SigVer cases. The fast verifier must give each expected result,
 * as @noble/curves and node:crypto do.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CoseAlg } from '../../../protocol/index.js';
import { createFastVerifier } from '../../../protocol/crypto/p256/fast-verifier.js';
import { hex, nobleVerify, nodeVerify } from './reference.js';

interface WycheproofFile {
  numberOfTests: number;
  testGroups: Array<{ publicKey: string; tests: Array<{ tcId: number; comment: string; flags: string[]; msg: string; sig: string; result: 'valid' | 'invalid' | 'acceptable' }> }>;
}

interface CavpFile {
  tests: Array<{ msg: string; qx: string; qy: string; r: string; s: string; result: 'P' | 'F'; reason?: string }>;
}

const wycheproof = JSON.parse(readFileSync(new URL('./wycheproof-ecdsa-p256-sha256-p1363.json', import.meta.url), 'utf8')) as WycheproofFile;
const cavp = JSON.parse(readFileSync(new URL('./cavp-sigver-p256-sha256.json', import.meta.url), 'utf8')) as CavpFile;

const wycheproofCases = wycheproof.testGroups.flatMap((g) =>
  g.tests.map((t) => ({ name: `tcId ${t.tcId} ${t.comment} [${t.flags.join(',')}]`, key: hex(g.publicKey), msg: hex(t.msg), sig: hex(t.sig), valid: t.result === 'valid' })),
);

const cavpCases = cavp.tests.map((t, i) => ({
  name: `#${i} ${t.result}${t.reason ? ` (${t.reason})` : ''}`,
  key: hex('04' + t.qx + t.qy),
  msg: hex(t.msg),
  sig: hex(t.r + t.s),
  valid: t.result === 'P',
}));

describe('fast ES256 verifier on published vectors', () => {
  const fast = createFastVerifier({ maxKeys: 8 });

  it('has the whole Wycheproof set, valid and invalid', () => {
    expect(wycheproofCases.length).toBe(wycheproof.numberOfTests);
    expect(wycheproofCases.some((c) => c.valid)).toBe(true);
    expect(wycheproofCases.some((c) => !c.valid)).toBe(true);
  });

  it.each(wycheproofCases.map((c) => [c.name, c] as const))('Wycheproof %s', (_name, c) => {
    expect(fast.verify(CoseAlg.ES256, c.key, c.msg, c.sig)).toBe(c.valid);
    expect(nobleVerify(c.key, c.msg, c.sig)).toBe(c.valid);
    expect(nodeVerify(c.key, c.msg, c.sig)).toBe(c.valid);
  });

  it.each(cavpCases.map((c) => [c.name, c] as const))('CAVP SigVer [P-256,SHA-256] %s', (_name, c) => {
    expect(fast.verify(CoseAlg.ES256, c.key, c.msg, c.sig)).toBe(c.valid);
    expect(nobleVerify(c.key, c.msg, c.sig)).toBe(c.valid);
    expect(nodeVerify(c.key, c.msg, c.sig)).toBe(c.valid);
  });
});
