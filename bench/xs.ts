/**
 * ES256 verification and validate() inside the real XS engine (xsnap, built
 * by @agoric/xsnap): @noble/curves' default p256.verify against the
 * project's fast verifier, in the same engine in the same run, and a whole
 * validate() of a typical ticket with each.
 * Target (DESIGN §10): the fast verifier at least 5x faster than @noble/curves in XS.
 *
 * Timing: each call is timed inside XS with xsnap's performance.now()
 * (gettimeofday, microsecond resolution); Node sends the inputs once and
 * reads the times back, so the command channel is not in any figure.
 */
import { decodeSign1, sigStructure, CoseAlg } from '../protocol/index.js';
import { bundleForXs } from '../simulator/xs/bundle.js';
import type { ValidateInputs } from '../simulator/xs/entries/bench.js';
import { XsWorker } from '../simulator/xs/worker.js';
import { NOW, OPERATOR, TRIP, busIssuer, issue, makeTrust, root } from '../tests/protocol/fixtures.js';
import { printTable, summarize } from './harness.js';

const TARGET_RATIO = 5;

export function run(): void {
  const ticket = issue();
  const msg = decodeSign1(ticket.cose);
  const data = sigStructure(msg.protectedBytes, msg.payload);
  const inputs: ValidateInputs = { qrText: ticket.qrText, trustList: makeTrust().bytes, rootKey: root.publicKey, operator: OPERATOR, trip: TRIP, now: NOW };

  const worker = new XsWorker({ name: 'xs-bench' });
  try {
    worker.evaluate(bundleForXs('simulator/xs/entries/bench.ts').code);
    const times = (op: string, ...args: unknown[]) => worker.call(op, ...args) as number[];
    const clock = summarize('reading the clock twice (floor)', times('timeNothing', 1000));
    const noble = summarize('@noble/curves p256.verify', times('timeVerify', 'noble', CoseAlg.ES256, busIssuer.publicKey, data, msg.signature, 5, 40));
    const fast = summarize('fast verifier (protocol/crypto/p256), key table cached', times('timeVerify', 'fast', CoseAlg.ES256, busIssuer.publicKey, data, msg.signature, 5, 200));
    const first = summarize('fast verifier, first verify after start (builds the tables of G and the key)', times('timeFirstVerify', CoseAlg.ES256, busIssuer.publicKey, data, msg.signature, 5));
    const validateNoble = summarize('validate() of a typical ticket, @noble/curves', times('timeValidate', 'noble', inputs, 3, 40));
    const validateFast = summarize('validate() of a typical ticket, fast verifier', times('timeValidate', 'fast', inputs, 3, 200));

    const ratio = noble.median / fast.median;
    printTable('ES256 verify and validate() in the real XS engine (xsnap), times taken inside XS', ['what', 'median ms', 'p99 ms', 'x fast verify (median)'], [
      [noble.name, noble.median, noble.p99, ratio],
      [fast.name, fast.median, fast.p99, 1],
      [first.name, first.median, first.p99, first.median / fast.median],
      [validateNoble.name, validateNoble.median, validateNoble.p99, validateNoble.median / fast.median],
      [validateFast.name, validateFast.median, validateFast.p99, validateFast.median / fast.median],
      [clock.name, clock.median, clock.p99, clock.median / fast.median],
    ]);
    const recovery = summarize('boot recovery of a full 1 MiB boarding log (30,000 records)', times('timeLogRecovery', 30_000, 3));
    printTable('Flash boarding log in the real XS engine (flash in RAM: the engine, not the SPI bus)', ['what', 'median ms', 'max ms'], [
      [recovery.name, recovery.median, Math.max(...[recovery.p99, recovery.median])],
    ]);
    console.log('\nhow: each call timed inside XS with xsnap\'s performance.now() (gettimeofday); Node is not in the figures');
    console.log(`target: fast verifier at least ${TARGET_RATIO}x faster than @noble/curves in XS -> ${ratio >= TARGET_RATIO ? 'met' : 'NOT met'} (${ratio.toFixed(1)}x)`);
  } finally {
    worker.close();
  }
}
