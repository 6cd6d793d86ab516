/**
 * A validator's presence, retained on `tk/v1/{op}/{v}/state` (QoS 1):
 *
 *   {"online": true, "session": 17, "fw": "0.1.0", "trip": "G1234-0830", "ts": 1764072000000}
 *
 * The same topic carries the Last Will with `online: false`, set at connect,
 * so the broker announces a validator that vanished. `session` goes up on
 * every connect, so a reader can tell a stale will from a fresh one and
 * count reconnects. `ts` is the validator's clock (ms) when it connected or
 * changed state.
 */
import { decodeJsonObject, encodeJson, jsonBool, jsonOptText, jsonUint, jsonText } from './json.js';

export interface StateMessage {
  readonly online: boolean;
  readonly session: number;
  readonly fw: string;
  readonly trip?: string;
  readonly ts: number;
}

export function encodeState(s: StateMessage): Uint8Array {
  return encodeJson({ online: s.online, session: s.session, fw: s.fw, trip: s.trip ?? null, ts: s.ts });
}

export function decodeState(bytes: Uint8Array): StateMessage {
  const o = decodeJsonObject(bytes, 'state', 1024);
  return {
    online: jsonBool(o, 'online', 'state'),
    session: jsonUint(o, 'session', 'state'),
    fw: jsonText(o, 'fw', 'state', 64),
    trip: jsonOptText(o, 'trip', 'state', 96),
    ts: jsonUint(o, 'ts', 'state'),
  };
}
