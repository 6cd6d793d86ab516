/**
 * A validator's counters, on `tk/v1/{op}/{v}/tele` (QoS 0) every telemetry
 * interval:
 *
 *   {"ts": ms, "uptime": s, "session": n,
 *    "accepted": n, "rejected": {"BAD_SIGNATURE": n, ...}, "repeats": n,
 *    "backlog": n, "logUsed": n, "logCapacity": n, "logFull": false, "notStored": n,
 *    "clockSource": "network", "clockOffset": ms or null,
 *    "heap": {"used": bytes, "free": bytes} or null,
 *    "config": {"trust": v, "deny": v, "trips": v}, "trip": id or null,
 *    "sync": {"sent": n, "acked": n, "reconnects": n, "malformed": n}}
 *
 * Counts are since boot; `logUsed`/`logCapacity` are records. `clockOffset`
 * is the validator's clock minus the back office's, from the last ack, or
 * null before one. Nothing about passengers.
 */
import { decodeJsonObject, encodeJson, jsonUint, type JsonObject } from './json.js';

export interface Telemetry {
  readonly ts: number;
  readonly uptime: number;
  readonly session: number;
  readonly accepted: number;
  /** By reason name (Reason). */
  readonly rejected: Readonly<Record<string, number>>;
  readonly repeats: number;
  readonly backlog: number;
  readonly logUsed: number;
  readonly logCapacity: number;
  readonly logFull: boolean;
  readonly notStored: number;
  readonly clockSource: string;
  readonly clockOffset: number | null;
  readonly heap: { readonly used: number; readonly free: number } | null;
  readonly config: Readonly<Record<string, number | null>>;
  readonly trip: string | null;
  readonly sync: { readonly sent: number; readonly acked: number; readonly reconnects: number; readonly malformed: number };
}

export function encodeTelemetry(t: Telemetry): Uint8Array {
  return encodeJson(t);
}

/**
 * The back office's reading: the fields it acts on are checked (ts, backlog,
 * log use, clock offset); the rest passes through for dashboards.
 */
export function decodeTelemetry(bytes: Uint8Array): Telemetry {
  const o = decodeJsonObject(bytes, 'tele');
  for (const key of ['ts', 'uptime', 'backlog', 'logUsed', 'logCapacity']) jsonUint(o, key, 'tele');
  if (o.clockOffset !== null && o.clockOffset !== undefined && !Number.isFinite(o.clockOffset)) jsonUint(o, 'clockOffset', 'tele');
  return { ...(o as JsonObject), clockOffset: typeof o.clockOffset === 'number' ? o.clockOffset : null, logFull: o.logFull === true } as Telemetry;
}
