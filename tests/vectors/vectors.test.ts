/**
 * Runs every interoperability vector in protocol/vectors/ through our
 * validate(), and checks that the committed files are exactly what the
 * generator produces.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  REASONS, bytesToHex, decodeQrText, hexToBytes, nobleVerifier, openDenyList, openTrustList, validate,
  type Reason, type TicketUsage, type Trip, type UsageView, type ValidationContext,
} from '../../protocol/index.js';
import { VECTORS_DIR, VECTOR_FORMAT, generateVectorFiles, type Vector } from './generate.js';

const fileNames = readdirSync(VECTORS_DIR).sort();
const vectorFiles = fileNames.filter((f) => f.endsWith('.json'));
const loaded = vectorFiles.map((file) => ({ file, vector: JSON.parse(readFileSync(join(VECTORS_DIR, file), 'utf8')) as Vector }));
const vectors = loaded.map((l) => l.vector);

/** Usage state from the vector, keyed by hex ticket hash. */
class MapUsage implements UsageView {
  readonly #entries = new Map<string, TicketUsage>();

  constructor(entries: Vector['context']['usage']) {
    for (const u of entries) this.#entries.set(u.ticketHash.toLowerCase(), { boardings: u.boardings, lastTrip: u.lastTrip, lastTime: u.lastTime });
  }

  get(ticketHash: Uint8Array): TicketUsage | undefined {
    return this.#entries.get(bytesToHex(ticketHash));
  }
}

function contextOf(v: Vector): ValidationContext {
  const rootKeys = [hexToBytes(v.rootPublicKey)];
  const c = v.context;
  const trip: Trip | undefined = c.trip === null ? undefined : { ...c.trip, stops: [...c.trip.stops] };
  return {
    operator: c.operator,
    trust: openTrustList(hexToBytes(v.trustList), { rootKeys }),
    deny: v.denyList === null ? undefined : openDenyList(hexToBytes(v.denyList), { rootKeys }),
    trip,
    stop: c.stop ?? undefined,
    now: c.now,
    clockSkew: c.clockSkew,
    rescanGrace: c.rescanGrace,
    usage: new MapUsage(c.usage),
    verifier: nobleVerifier,
  };
}

describe('protocol/vectors', () => {
  it('has at least 30 vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(30);
  });

  it('covers every reason code', () => {
    const seen = new Set(vectors.map((v) => v.expected.reason));
    const missing = (Object.keys(REASONS) as Reason[]).filter((r) => !seen.has(r));
    expect(missing).toEqual([]);
  });

  it('matches a fresh generation byte for byte (run `npx tsx tests/vectors/generate.ts`)', () => {
    const generated = generateVectorFiles();
    expect(fileNames).toEqual([...generated.keys()].sort());
    for (const [name, text] of generated) {
      expect(readFileSync(join(VECTORS_DIR, name), 'utf8'), name).toBe(text);
    }
  });

  it('generates deterministically', () => {
    const a = generateVectorFiles();
    const b = generateVectorFiles();
    expect([...a.entries()]).toEqual([...b.entries()]);
  });

  it.each(loaded.map((l) => [l.file, l.vector] as const))('%s', (file, v) => {
    expect(v.format).toBe(VECTOR_FORMAT);
    expect(file).toBe(`${v.name}.json`);
    const info = REASONS[v.expected.reason];
    expect(info, `unknown reason ${v.expected.reason}`).toBeDefined();
    expect(v.expected.decision).toBe(info.decision);
    expect(v.expected.reasonId).toBe(info.id);
    if (v.cose !== null && v.qr.startsWith('TK1:') && v.qr.length <= 1200) {
      expect(bytesToHex(decodeQrText(v.qr))).toBe(v.cose);
    }

    const ctx = contextOf(v);
    // The fields repeated for reading agree with the signed documents.
    expect(v.issuers.map((i) => i.kid).sort()).toEqual([...ctx.trust.issuers.keys()].sort());
    for (const i of v.issuers) {
      const issuer = ctx.trust.issuers.get(i.kid)!;
      expect(i).toEqual({
        name: issuer.name, kid: bytesToHex(issuer.kid), publicKey: bytesToHex(issuer.publicKey), alg: issuer.alg,
        modes: [...issuer.modes], operators: [...issuer.operators], nbf: issuer.nbf, exp: issuer.exp,
      });
    }
    expect(v.denyHashes?.join('') ?? null).toBe(ctx.deny ? bytesToHex(ctx.deny.entries) : null);

    const result = validate(v.qr, ctx);
    expect({ decision: result.decision, reason: result.reason }).toEqual({ decision: v.expected.decision, reason: v.expected.reason });
    if (result.ticket) {
      // Once a signature has verified, the ticket hash is the one the vector states.
      expect(bytesToHex(result.ticket.hash)).toBe(v.ticketHash);
      expect(result.signatureChecked).toBe(true);
    }
  });
});
