/**
 * The back office's acknowledgement, on `tk/v1/{op}/{v}/ack` (QoS 1):
 *
 *   {"upToSeq": 1234, "log": 3735928559, "ts": 1764072000000}
 *
 * Every record of log `log` up to and including `upToSeq` is stored durably;
 * the validator may reclaim them. It is cumulative and idempotent, so a
 * repeated or late ack does no harm. A validator ignores an ack for another
 * log id (its partition was formatted since) and an ack beyond what it has
 * sent. `ts` is the back office's clock (ms), from which the validator
 * estimates its own clock offset.
 */
import { decodeJsonObject, encodeJson, jsonOptUint, jsonUint } from './json.js';

export interface Ack {
  readonly upToSeq: number;
  readonly log: number;
  /** Back office time, ms since the epoch. */
  readonly ts?: number;
}

export function encodeAck(ack: Ack): Uint8Array {
  return encodeJson({ upToSeq: ack.upToSeq, log: ack.log, ...(ack.ts === undefined ? {} : { ts: ack.ts }) });
}

export function decodeAck(bytes: Uint8Array): Ack {
  const o = decodeJsonObject(bytes, 'ack', 256);
  return { upToSeq: jsonUint(o, 'upToSeq', 'ack'), log: jsonUint(o, 'log', 'ack'), ts: jsonOptUint(o, 'ts', 'ack') };
}
