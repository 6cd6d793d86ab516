/**
 * Bundled into XS by bench/xs.ts: times signature checks and validate()
 * inside the engine, one call at a time, with xsnap's clock (gettimeofday,
 * microsecond resolution). Node only sends the inputs and reads the times,
 * so the channel costs nothing that is measured.
 */
import { FlashBoardingLog } from '../../../firmware/log/flash-log.js';
import { RamFlash } from '../../../firmware/device/ram-flash.js';
import { nobleVerifier } from '../../../protocol/crypto/noble.js';
import { Decision } from '../../../protocol/validate/reasons.js';
import { createFastVerifier } from '../../../protocol/crypto/p256/fast-verifier.js';
import type { Verifier } from '../../../protocol/crypto/verifier.js';
import { openTrustList, validate, type CoseAlg, type Trip } from '../../../protocol/index.js';
import { GuestChannel } from '../guest/channel.js';
import { xsnapHost } from '../guest/host.js';

const now = xsnapHost().now;
const verifiers: Readonly<Record<string, Verifier>> = Object.freeze({ noble: nobleVerifier, fast: createFastVerifier() });

function verifier(name: string): Verifier {
  const v = verifiers[name];
  if (!v) throw new Error(`no verifier ${name}`);
  return v;
}

/** Runs `fn` `warmup` times untimed, then `samples` times timed; milliseconds per call. */
function time(fn: () => void, warmup: number, samples: number): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = now();
    fn();
    times.push(now() - t0);
  }
  return times;
}

export interface ValidateInputs {
  readonly qrText: string;
  readonly trustList: Uint8Array;
  readonly rootKey: Uint8Array;
  readonly operator: string;
  readonly trip: Trip;
  readonly now: number;
}

new GuestChannel().serve({
  /** What reading the clock twice costs: the floor under every time reported. */
  timeNothing: (samples: number) => time(() => {}, 0, samples),

  timeVerify(name: string, alg: CoseAlg, key: Uint8Array, data: Uint8Array, signature: Uint8Array, warmup: number, samples: number): number[] {
    const v = verifier(name);
    return time(() => {
      if (!v.verify(alg, key, data, signature)) throw new Error(`${name}: verify failed`);
    }, warmup, samples);
  },

  /** A new verifier and a key it has not seen: the tables of G and of the key are built on the way. */
  timeFirstVerify(alg: CoseAlg, key: Uint8Array, data: Uint8Array, signature: Uint8Array, samples: number): number[] {
    return time(() => {
      if (!createFastVerifier().verify(alg, key, data, signature)) throw new Error('fast: verify failed');
    }, 0, samples);
  },

  /** Boot recovery of a boarding log holding `records` records, on 1 MiB of flash in RAM. */
  timeLogRecovery(records: number, samples: number): number[] {
    const flash = new RamFlash({ boardings: { blocks: 256, blockLength: 4096 } });
    const log = new FlashBoardingLog({ partition: flash.open({ path: 'boardings' }) });
    const ticket = new Uint8Array(8);
    for (let i = 0; i < records; i++) {
      ticket[0] = i & 0xff;
      ticket[1] = (i >> 8) & 0xff;
      ticket[2] = i >> 16;
      const stored = log.append({ time: 1_790_000_000 + i, ticket, trip: `K${100 + Math.floor(i / 40)}-0830`, serviceDate: 20261125, decision: Decision.ACCEPT, reason: 0, override: 0, passengers: 1 });
      if (!stored) throw new Error(`log full at ${i}`);
    }
    log.close();
    return time(() => {
      new FlashBoardingLog({ partition: flash.open({ path: 'boardings' }) }).close();
    }, 0, samples);
  },

  timeValidate(name: string, inputs: ValidateInputs, warmup: number, samples: number): number[] {
    const context = {
      operator: inputs.operator,
      trust: openTrustList(inputs.trustList, { rootKeys: [inputs.rootKey] }),
      trip: inputs.trip,
      now: inputs.now,
      verifier: verifier(name),
    };
    return time(() => {
      const r = validate(inputs.qrText, context);
      if (r.reason !== 'ACCEPTED') throw new Error(`${name}: ${r.reason}`);
    }, warmup, samples);
  },
});
