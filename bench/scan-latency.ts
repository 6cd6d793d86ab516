/**
 * Scan-to-decision latency of the firmware in the simulator: from the code
 * being framed off the UART to the LEDs, display and boarding record being
 * done, for 1,000 distinct tickets (no verify cache hits). Printed beside the
 * signature check alone and validate() alone, measured on the same tickets in
 * the same run, so the firmware's own overhead shows.
 * Target (DESIGN §10): p99 under 50 ms on Node.
 */
import { performance } from 'node:perf_hooks';
import { CoseAlg, decodeSign1, decodeQrText, nobleVerifier, sigStructure, validate, type IssuedTicket } from '../protocol/index.js';
import { busIssuer, context } from '../tests/protocol/fixtures.js';
import { passenger, validator } from '../tests/e2e/fixtures.js';
import { printTable, summarize } from './harness.js';

const WARMUP = 100;
const SAMPLES = 1000;
const TARGET_P99_MS = 50;

function timeEach<T>(items: readonly T[], fn: (item: T) => void): number[] {
  return items.map((item) => {
    const t0 = performance.now();
    fn(item);
    return performance.now() - t0;
  });
}

export function run(): void {
  const tickets: IssuedTicket[] = Array.from({ length: WARMUP + SAMPLES }, () => passenger({ trip: undefined }));
  const measured = tickets.slice(WARMUP);

  const signed = tickets.map((t) => {
    const msg = decodeSign1(decodeQrText(t.qrText));
    return { data: sigStructure(msg.protectedBytes, msg.payload), signature: msg.signature };
  });
  timeEach(signed.slice(0, WARMUP), (s) => nobleVerifier.verify(CoseAlg.ES256, busIssuer.publicKey, s.data, s.signature));
  const verify = summarize('ES256 verify alone (@noble/curves)', timeEach(signed.slice(WARMUP), (s) => {
    if (!nobleVerifier.verify(CoseAlg.ES256, busIssuer.publicKey, s.data, s.signature)) throw new Error('verify failed');
  }));

  const ctx = context();
  const validateOnly = summarize('validate() alone', timeEach(measured, (t) => {
    if (validate(t.qrText, ctx).decision !== 'accept') throw new Error('not accepted');
  }));

  // The firmware's own latency figure, with real time as its tick source.
  const v = validator({ clock: { ticks: () => performance.now() }, seed: 9 });
  const latencies: number[] = [];
  tickets.forEach((t, i) => {
    const e = v.scan(t.qrText);
    if (e.decision !== 'accept' || !e.signatureChecked) throw new Error(`scan ${i}: ${e.reason}`);
    if (i >= WARMUP) latencies.push(e.latencyMs);
    v.run(1000);
  });
  v.shutdown();
  const scan = summarize('scan-to-decision in the simulator (firmware)', latencies);

  printTable(`Scan to decision, ${SAMPLES} distinct tickets, Node ${process.version}`, ['what', 'median ms', 'p99 ms', 'x verify (median)'], [
    [verify.name, verify.median, verify.p99, 1],
    [validateOnly.name, validateOnly.median, validateOnly.p99, validateOnly.median / verify.median],
    [scan.name, scan.median, scan.p99, scan.median / verify.median],
  ]);
  const overhead = scan.median - validateOnly.median;
  console.log(`\nfirmware overhead beyond validate(): ${overhead.toFixed(3)} ms at the median (feedback, display, record)`);
  console.log(`target: p99 under ${TARGET_P99_MS} ms -> ${scan.p99 < TARGET_P99_MS ? 'met' : 'NOT met'} (${scan.p99.toFixed(2)} ms)`);
}
