/**
 * ES256 verification on Node: the @noble/curves reference (what protocol/
 * uses by default), the project's fast verifier (protocol/crypto/p256) and
 * node:crypto (OpenSSL), in the same run.
 * Target (DESIGN §10): within 10x of node:crypto. The fast verifier's XS
 * target (5x faster than @noble/curves in XS) is measured by bench/xs.ts.
 */
import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { CoseAlg, nobleVerifier, sec1ToJwk, sigStructure, decodeSign1, validate, type Signer } from '../protocol/index.js';
import { createFastVerifier } from '../protocol/crypto/p256/fast-verifier.js';
import { busIssuer, context, issue, testSigner } from '../tests/protocol/fixtures.js';
import { measure, printTable } from './harness.js';

export function run(): void {
  const msg = decodeSign1(issue().cose);
  const data = sigStructure(msg.protectedBytes, msg.payload);
  const key: KeyObject = createPublicKey({ key: sec1ToJwk(busIssuer.publicKey), format: 'jwk' });
  const node = measure('node:crypto (OpenSSL)', () => {
    if (!nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, msg.signature)) throw new Error('verify failed');
  });
  const noble = measure('@noble/curves p256.verify', () => {
    if (!nobleVerifier.verify(CoseAlg.ES256, busIssuer.publicKey, data, msg.signature)) throw new Error('verify failed');
  }, { samples: 300 });

  const fast = createFastVerifier();
  const fastSteady = measure('fast verifier, key table cached', () => {
    if (!fast.verify(CoseAlg.ES256, busIssuer.publicKey, data, msg.signature)) throw new Error('verify failed');
  }, { samples: 1000 });
  // Each call meets a key it has not seen: the cost of a ticket from an
  // issuer whose key was not prepared when the trust list loaded.
  const fresh: Array<{ signer: Signer; signature: Uint8Array }> = [];
  for (let i = 0; i < 25; i++) {
    const signer = testSigner(`bench/fresh key ${i}`);
    fresh.push({ signer, signature: signer.sign(data) });
  }
  let next = 0;
  const fastFirst = measure('fast verifier, first verify of a new key (builds its table)', () => {
    const { signer, signature } = fresh[next++];
    if (!fast.verify(CoseAlg.ES256, signer.publicKey, data, signature)) throw new Error('verify failed');
  }, { warmup: 5, samples: 20 });

  const ticket = issue();
  const ctx = context();
  const full = measure('validate() with @noble/curves', () => {
    if (validate(ticket.qrText, ctx).reason !== 'ACCEPTED') throw new Error('not accepted');
  }, { samples: 300 });
  const fastCtx = context({ verifier: fast });
  const fullFast = measure('validate() with the fast verifier', () => {
    if (validate(ticket.qrText, fastCtx).reason !== 'ACCEPTED') throw new Error('not accepted');
  }, { samples: 1000 });

  const ratio = noble.median / node.median;
  const fastRatio = fastSteady.median / node.median;
  const row = (s: typeof node, extra = ''): Array<string | number> => [s.name + extra, s.median, s.p99, s.median / node.median, noble.median / s.median];
  printTable('ES256 verify of a typical ticket on Node ' + process.version, ['implementation', 'median ms', 'p99 ms', 'x node:crypto', '@noble/curves / this'], [
    row(node),
    row(noble),
    row(fastSteady),
    row(fastFirst),
    row(full, ' (decode, checks, verify)'),
    row(fullFast, ' (decode, checks, verify)'),
  ]);
  // DESIGN §10: ES256 verify on Node within 10x of node:crypto. The project's pure-JS verifier is the fast one; noble is the reference.
  console.log(`\ntarget: ES256 verify on Node (the fast verifier) within 10x of node:crypto -> ${fastRatio <= 10 ? 'met' : 'NOT met'} (${fastRatio.toFixed(1)}x); ${(noble.median / fastSteady.median).toFixed(1)}x faster than @noble/curves, which is ${ratio.toFixed(1)}x node:crypto`);
}
