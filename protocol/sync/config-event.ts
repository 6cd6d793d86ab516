/**
 * What a validator did with a configuration document, on
 * `tk/v1/{op}/{v}/evt/config` (QoS 1, JSON):
 *
 *   {"kind": "deny", "outcome": "applied", "version": 42, "ts": ms}
 *   {"kind": "trust", "outcome": "rejected", "version": 7, "error": "ROLLBACK", "ts": ms}
 *
 * `version` is the version the validator holds afterwards; `error` is an
 * ErrorCode. A redelivered copy of the held version is not reported.
 */
import { ErrorCode, ProtocolError } from '../errors.js';
import { CONFIG_TOPICS } from './topics.js';
import { decodeJsonObject, encodeJson, jsonOptText, jsonOptUint, jsonText, jsonUint } from './json.js';

export interface ConfigEvent {
  readonly kind: string;
  readonly outcome: 'applied' | 'rejected';
  readonly version?: number;
  readonly error?: string;
  readonly ts: number;
}

export function encodeConfigEvent(e: ConfigEvent): Uint8Array {
  return encodeJson({ kind: e.kind, outcome: e.outcome, version: e.version ?? null, ...(e.error === undefined ? {} : { error: e.error }), ts: e.ts });
}

export function decodeConfigEvent(bytes: Uint8Array): ConfigEvent {
  const o = decodeJsonObject(bytes, 'config event', 1024);
  const outcome = jsonText(o, 'outcome', 'config event', 16);
  if (outcome !== 'applied' && outcome !== 'rejected') throw new ProtocolError(ErrorCode.MALFORMED, `config event.outcome ${JSON.stringify(outcome)} is not applied or rejected`);
  const kind = jsonText(o, 'kind', 'config event', 16);
  if (!(CONFIG_TOPICS as readonly string[]).includes(kind)) throw new ProtocolError(ErrorCode.MALFORMED, `config event.kind ${JSON.stringify(kind)} is not a configuration kind`);
  return {
    kind,
    outcome,
    version: jsonOptUint(o, 'version', 'config event'),
    error: jsonOptText(o, 'error', 'config event', 64),
    ts: jsonUint(o, 'ts', 'config event'),
  };
}
