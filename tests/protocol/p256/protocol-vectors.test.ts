/**
 * Every protocol vector in protocol/vectors/ decides the same with the fast
 * verifier as with @noble/curves, and every signature in them (tickets,
 * trust lists, deny lists) checks the same under every key the vector knows.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bytesToHex, decodeQrText, decodeSign1, hexToBytes, nobleVerifier, openDenyList, openTrustList, toBeSigned, validate,
  type Sign1, type TicketUsage, type UsageView, type ValidationContext, type Verifier,
} from '../../../protocol/index.js';
import { createFastVerifier } from '../../../protocol/crypto/p256/fast-verifier.js';
import { VECTORS_DIR, type Vector } from '../../vectors/generate.js';

const vectors: Vector[] = readdirSync(VECTORS_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(join(VECTORS_DIR, f), 'utf8')) as Vector);

class MapUsage implements UsageView {
  readonly #entries: Map<string, TicketUsage>;

  constructor(entries: Vector['context']['usage']) {
    this.#entries = new Map(entries.map((u) => [u.ticketHash.toLowerCase(), { boardings: u.boardings, lastTrip: u.lastTrip, lastTime: u.lastTime }]));
  }

  get(ticketHash: Uint8Array): TicketUsage | undefined {
    return this.#entries.get(bytesToHex(ticketHash));
  }
}

function contextOf(v: Vector, verifier: Verifier): ValidationContext {
  const rootKeys = [hexToBytes(v.rootPublicKey)];
  const c = v.context;
  return {
    operator: c.operator,
    trust: openTrustList(hexToBytes(v.trustList), { rootKeys, verifier }),
    deny: v.denyList === null ? undefined : openDenyList(hexToBytes(v.denyList), { rootKeys, verifier }),
    trip: c.trip === null ? undefined : { ...c.trip, stops: [...c.trip.stops] },
    stop: c.stop ?? undefined,
    now: c.now,
    clockSkew: c.clockSkew,
    rescanGrace: c.rescanGrace,
    usage: new MapUsage(c.usage),
    verifier,
  };
}

/** The COSE messages a vector carries: its ticket (when it decodes) and its signed documents. */
function messagesOf(v: Vector): Sign1[] {
  const out: Sign1[] = [decodeSign1(hexToBytes(v.trustList))];
  if (v.denyList !== null) out.push(decodeSign1(hexToBytes(v.denyList)));
  try {
    out.push(decodeSign1(decodeQrText(v.qr)));
  } catch {
    // Malformed tickets carry no signature to check.
  }
  return out;
}

describe('fast ES256 verifier on the protocol vectors', () => {
  const fast = createFastVerifier();

  it('reads every vector', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(100);
  });

  it.each(vectors.map((v) => [v.name, v] as const))('%s: same decision as @noble/curves and as the vector states', (_name, v) => {
    const withFast = validate(v.qr, contextOf(v, fast));
    const withNoble = validate(v.qr, contextOf(v, nobleVerifier));
    expect({ decision: withFast.decision, reason: withFast.reason }).toEqual({ decision: withNoble.decision, reason: withNoble.reason });
    expect({ decision: withFast.decision, reason: withFast.reason }).toEqual({ decision: v.expected.decision, reason: v.expected.reason });
  });

  it('checks every signature in the vectors the same as @noble/curves under every key they name', () => {
    let valid = 0;
    let checked = 0;
    // Vectors share documents and keys: each (message, key) pair once.
    const seen = new Set<string>();
    for (const v of vectors) {
      const keys = [v.rootPublicKey, ...v.issuers.map((i) => i.publicKey), ...v.testKeys.keys.map((k) => k.publicKey)].map(hexToBytes);
      for (const msg of messagesOf(v)) {
        const data = toBeSigned(msg);
        for (const key of keys) {
          const pair = bytesToHex(data) + bytesToHex(msg.signature) + bytesToHex(key);
          if (seen.has(pair)) continue;
          seen.add(pair);
          const expected = nobleVerifier.verify(msg.alg, key, data, msg.signature);
          expect(fast.verify(msg.alg, key, data, msg.signature), `${v.name} under ${bytesToHex(key).slice(0, 16)}`).toBe(expected);
          checked++;
          if (expected) valid++;
        }
      }
    }
    // Both outcomes are exercised: genuine signatures and all the others.
    expect(valid).toBeGreaterThan(50);
    expect(checked - valid).toBeGreaterThan(100);
  });
});
