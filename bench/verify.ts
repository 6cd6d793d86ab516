/**
 * ES256 verification on Node: the @noble/curves reference (what protocol/
 * uses by default) against node:crypto (OpenSSL) in the same run.
 * Target (DESIGN §10): within 10x of node:crypto.
 */
import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { CoseAlg, nobleVerifier, sec1ToJwk, sigStructure, decodeSign1, validate } from '../protocol/index.js';
import { busIssuer, context, issue } from '../tests/protocol/fixtures.js';
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
  const ticket = issue();
  const ctx = context();
  const full = measure('validate() with @noble/curves', () => {
    if (validate(ticket.qrText, ctx).reason !== 'ACCEPTED') throw new Error('not accepted');
  }, { samples: 300 });
  const ratio = noble.median / node.median;
  printTable('ES256 verify of a typical ticket on Node ' + process.version, ['implementation', 'median ms', 'p99 ms', 'x node:crypto'], [
    [node.name, node.median, node.p99, 1],
    [noble.name, noble.median, noble.p99, ratio],
    [full.name + ' (decode, checks, verify)', full.median, full.p99, full.median / node.median],
  ]);
  console.log(`\ntarget: @noble/curves within 10x of node:crypto -> ${ratio <= 10 ? 'met' : 'NOT met (fast path comes with the XS verifier issue)'} (${ratio.toFixed(1)}x)`);
}
