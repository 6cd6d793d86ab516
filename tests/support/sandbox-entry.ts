/**
 * Entry point bundled into an engine realm that has only the ECMAScript
 * built-ins (no Buffer, no TextEncoder, no crypto, no process), to show that
 * protocol/ needs nothing from its host. It takes and returns plain strings so
 * no object crosses between realms.
 */
import { hexToBytes, nobleVerifier, openDenyList, openTrustList, validate, type TicketUsage, type Verifier } from '../../protocol/index.js';

interface VectorJson {
  qr: string;
  rootPublicKey: string;
  trustList: string;
  denyList: string | null;
  context: {
    operator: string;
    now: number;
    clockSkew: number;
    rescanGrace: number;
    trip: { id: string; line: string; serviceDate: number; departure: number; stops: string[]; expected: number } | null;
    stop: string | null;
    usage: Array<{ ticketHash: string; boardings: number; lastTrip: string; lastTime: number }>;
  };
}

/** Runs one vector (JSON text); returns "decision reason". The reference verifier unless told otherwise. */
export function runVector(text: string, verifier: Verifier = nobleVerifier): string {
  const v = JSON.parse(text) as VectorJson;
  const rootKeys = [hexToBytes(v.rootPublicKey)];
  const usage = new Map<string, TicketUsage>(v.context.usage.map((u) => [u.ticketHash, u]));
  const hex = (b: Uint8Array) => Array.from(b, (x) => (x < 16 ? '0' : '') + x.toString(16)).join('');
  const r = validate(v.qr, {
    operator: v.context.operator,
    trust: openTrustList(hexToBytes(v.trustList), { rootKeys }),
    deny: v.denyList === null ? undefined : openDenyList(hexToBytes(v.denyList), { rootKeys }),
    trip: v.context.trip ?? undefined,
    stop: v.context.stop ?? undefined,
    now: v.context.now,
    clockSkew: v.context.clockSkew,
    rescanGrace: v.context.rescanGrace,
    usage: { get: (h) => usage.get(hex(h)) },
    verifier,
  });
  return `${r.decision} ${r.reason}`;
}
