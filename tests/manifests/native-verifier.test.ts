/**
 * The device's ES256 verifier (firmware/device/native-verifier.ts) over
 * Node implementations of the Moddable classes it is built from, with the
 * SDK's contracts: `ec` mul2 returns u1·P1 + u2·P2 (an identity point at
 * infinity, its x meaningless), `ecp` holds x and y unchecked, `modular`
 * inverts, `crypt` Digest hashes exactly the bytes of the view it is given.
 * Every decision is compared with @noble/curves, the reference verifier.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { p256 } from '@noble/curves/nist.js';
import { invert } from '@noble/curves/abstract/modular.js';
import { describe, expect, it } from 'vitest';
import { nativeVerifier, onP256, type NativeCrypto, type NativePoint } from '../../firmware/device/native-verifier.js';
import {
  CoseAlg, bytesToHex, hexToBytes, nobleSigner, nobleVerifier, openDenyList, openTrustList, validate,
  type TicketUsage, type Trip, type UsageView, type ValidationContext, type Verifier,
} from '../../protocol/index.js';
import type { Vector } from '../vectors/generate.js';
import { NOW, OPERATOR, TRIP, busIssuer, issue, makeTrust, root, testSigner } from '../protocol/fixtures.js';
import { SimulatedValidator } from '../../simulator/validator/sim-validator.js';
import { tripsDoc } from '../e2e/fixtures.js';

const N = p256.Point.Fn.ORDER;

class NodePoint implements NativePoint {
  constructor(readonly x: bigint, readonly y: bigint, readonly identity = false) {}
  get X(): bigint {
    return this.x;
  }
  isZero(): boolean {
    return this.identity;
  }
}

/** The SDK classes' contracts, implemented on Node. */
const NODE_NATIVE: NativeCrypto = {
  EC: class {
    constructor(readonly a: bigint, readonly b: bigint, readonly m: bigint) {}
    mul2(p1: NativePoint, k1: bigint, p2: NativePoint, k2: bigint): NativePoint {
      const P = (p: NativePoint) => p256.Point.fromAffine({ x: (p as NodePoint).x, y: (p as NodePoint).y });
      const R = P(p1).multiplyUnsafe(k1).add(P(p2).multiplyUnsafe(k2));
      if (R.is0()) return new NodePoint(0n, 0n, true);
      const { x, y } = R.toAffine();
      return new NodePoint(x, y);
    }
  },
  ECPoint: NodePoint,
  Modular: class {
    constructor(readonly m: bigint) {}
    mulinv(a: bigint): bigint {
      return invert(a, this.m);
    }
  },
  Digest: class {
    readonly #hash = createHash('sha256');
    constructor(type: 'SHA256') {
      if (type !== 'SHA256') throw new Error('unsupported digest');
    }
    write(data: ArrayBuffer | ArrayBufferView): void {
      this.#hash.update(data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    }
    close(): ArrayBuffer {
      const d = this.#hash.digest();
      return d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength);
    }
  },
};

const native = nativeVerifier(NODE_NATIVE);
const ES256 = CoseAlg.ES256;
const be32 = (n: bigint) => hexToBytes(n.toString(16).padStart(64, '0'));
const sig = (r: bigint, s: bigint) => Uint8Array.from([...be32(r), ...be32(s)]);

function both(verifier: Verifier, key: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  return verifier.verify(ES256, key, data, signature);
}

describe('nativeVerifier', () => {
  const signer = testSigner('native/a');
  const data = new TextEncoder().encode('Signature1 protected payload');
  const good = signer.sign(data);

  it('accepts a valid signature and both halves of the signature space (COSE has no low-S rule)', () => {
    expect(both(native, signer.publicKey, data, good)).toBe(true);
    const r = BigInt(`0x${bytesToHex(good.subarray(0, 32))}`);
    const s = BigInt(`0x${bytesToHex(good.subarray(32))}`);
    expect(both(native, signer.publicKey, data, sig(r, N - s))).toBe(true);
    expect(both(nobleVerifier, signer.publicKey, data, sig(r, N - s))).toBe(true);
  });

  it('refuses a changed message, signature or key', () => {
    const flip = (b: Uint8Array, i: number) => { const c = b.slice(); c[i] ^= 1; return c; };
    expect(both(native, signer.publicKey, flip(data, 3), good)).toBe(false);
    expect(both(native, signer.publicKey, data, flip(good, 5))).toBe(false);
    expect(both(native, signer.publicKey, data, flip(good, 40))).toBe(false);
    expect(both(native, testSigner('native/b').publicKey, data, good)).toBe(false);
  });

  it('refuses r or s of 0, n or more', () => {
    const r = BigInt(`0x${bytesToHex(good.subarray(0, 32))}`);
    const s = BigInt(`0x${bytesToHex(good.subarray(32))}`);
    for (const [rr, ss] of [[0n, s], [r, 0n], [N, s], [r, N], [r + N, s], [r, s + N], [2n ** 256n - 1n, s]] as const) {
      if (rr >= 2n ** 256n || ss >= 2n ** 256n) continue;
      expect(both(native, signer.publicKey, data, sig(rr, ss)), `${rr} ${ss}`).toBe(false);
      expect(both(nobleVerifier, signer.publicKey, data, sig(rr, ss))).toBe(false);
    }
  });

  it('refuses s + n, which the curve arithmetic alone would accept as s', () => {
    // A key made for a signature with a small s, so s + n still fits in 32 bytes.
    const message = new TextEncoder().encode('small s');
    const e = BigInt(`0x${createHash('sha256').update(message).digest('hex')}`) % N;
    const k = 0x5eed5eed5eed5eedn;
    const r = p256.Point.BASE.multiply(k).toAffine().x % N;
    const s = 5n;
    const d = (((s * k - e) % N + N) % N * invert(r, N)) % N;
    const key = p256.Point.BASE.multiply(d).toBytes(false);
    expect(both(native, key, message, sig(r, s))).toBe(true);
    expect(both(native, key, message, sig(r, s + N))).toBe(false);
    expect(both(nobleVerifier, key, message, sig(r, s + N))).toBe(false);
  });

  it('refuses keys that are not uncompressed P-256 points, without handing them to the native code', () => {
    const key = signer.publicKey;
    const offCurve = key.slice(); offCurve[64] ^= 1;
    const unreduced = key.slice(); unreduced.set(be32(p256.Point.Fp.ORDER + 1n), 1);
    const compressed = p256.Point.fromBytes(key).toBytes(true);
    const badPrefix = key.slice(); badPrefix[0] = 0x05;
    for (const k of [offCurve, unreduced, compressed, badPrefix, new Uint8Array(65), key.subarray(0, 64)]) {
      expect(both(native, k, data, good), bytesToHex(k).slice(0, 16)).toBe(false);
    }
    expect(onP256(BigInt(`0x${bytesToHex(key.subarray(1, 33))}`), BigInt(`0x${bytesToHex(key.subarray(33))}`))).toBe(true);
  });

  it('refuses a result at infinity', () => {
    // With d = -e/r, u1·G + u2·Q = (e + r·d)/s · G is the point at infinity for any s.
    const message = new TextEncoder().encode('crafted');
    const e = BigInt(`0x${createHash('sha256').update(message).digest('hex')}`) % N;
    const r = 0x1234567890abcdefn;
    const d = ((N - e) * invert(r, N)) % N;
    const key = p256.Point.BASE.multiply(d).toBytes(false);
    expect(both(native, key, message, sig(r, 7n))).toBe(false);
    expect(both(nobleVerifier, key, message, sig(r, 7n))).toBe(false);
  });

  it('hashes only the bytes of the view it is given', () => {
    const buffer = new Uint8Array(data.length + 20);
    buffer.set(data, 10);
    expect(both(native, signer.publicKey, buffer.subarray(10, 10 + data.length), good)).toBe(true);
  });

  it('answers false, never throws, for another algorithm, wrong lengths or things that are not bytes', () => {
    expect(native.verify(-35 as CoseAlg, signer.publicKey, data, good)).toBe(false);
    expect(native.verify(ES256, signer.publicKey, data, good.subarray(0, 63))).toBe(false);
    expect(native.verify(ES256, signer.publicKey, data, Uint8Array.from([...good, 0]))).toBe(false);
    const junk = [null, undefined, 'abc', [1, 2, 3], 42, {}] as unknown as Uint8Array[];
    for (const j of junk) {
      expect(() => native.verify(ES256, j, data, good)).not.toThrow();
      expect(native.verify(ES256, j, data, good)).toBe(false);
      expect(native.verify(ES256, signer.publicKey, j, good)).toBe(false);
      expect(native.verify(ES256, signer.publicKey, data, j)).toBe(false);
    }
    const failing = nativeVerifier({ ...NODE_NATIVE, Digest: class { constructor() { throw new Error('no memory'); } } as unknown as NativeCrypto['Digest'] });
    expect(failing.verify(ES256, signer.publicKey, data, good)).toBe(false);
  });

  it('agrees with @noble/curves on random keys, messages and damaged signatures (more keys than it caches)', () => {
    for (let i = 0; i < 80; i++) {
      const s = nobleSigner(p256.utils.randomSecretKey(randomBytes(48)));
      const message = randomBytes(1 + (i % 200));
      let signature = s.sign(message);
      if (i % 3 === 1) { signature = signature.slice(); signature[i % 64] ^= 1 << (i % 8); }
      if (i % 5 === 2) {
        const r = BigInt(`0x${bytesToHex(signature.subarray(0, 32))}`);
        const ss = BigInt(`0x${bytesToHex(signature.subarray(32))}`);
        signature = sig(r, N - ss);
      }
      expect(both(native, s.publicKey, message, signature), `case ${i}`).toBe(both(nobleVerifier, s.publicKey, message, signature));
    }
  });

  it('gives every protocol vector its expected decision and reason', () => {
    const dir = join(new URL('../..', import.meta.url).pathname, 'protocol/vectors');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(30);
    for (const file of files) {
      const v = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Vector;
      const rootKeys = [hexToBytes(v.rootPublicKey)];
      const usage = new Map(v.context.usage.map((u) => [u.ticketHash.toLowerCase(), { boardings: u.boardings, lastTrip: u.lastTrip, lastTime: u.lastTime } as TicketUsage]));
      const trip: Trip | undefined = v.context.trip === null ? undefined : { ...v.context.trip, stops: [...v.context.trip.stops] };
      const ctx: ValidationContext = {
        operator: v.context.operator,
        trust: openTrustList(hexToBytes(v.trustList), { rootKeys }),
        deny: v.denyList === null ? undefined : openDenyList(hexToBytes(v.denyList), { rootKeys }),
        trip,
        stop: v.context.stop ?? undefined,
        now: v.context.now,
        clockSkew: v.context.clockSkew,
        rescanGrace: v.context.rescanGrace,
        usage: { get: (hash: Uint8Array) => usage.get(bytesToHex(hash)) } satisfies UsageView,
        verifier: native,
      };
      const result = validate(v.qr, ctx);
      expect({ decision: result.decision, reason: result.reason }, file).toEqual({ decision: v.expected.decision, reason: v.expected.reason });
    }
  });

  it('decides scans in the validator app: a real ticket boards, a forged one is refused as BAD_SIGNATURE', () => {
    const v = new SimulatedValidator({
      provisioning: { validatorId: 'V-0042', operator: OPERATOR, rootKeys: [root.publicKey] },
      epochMs: NOW * 1000,
      verifier: native,
      config: { trust: makeTrust().bytes, trips: tripsDoc() },
    });
    v.boot();
    v.app.chooseTrip(TRIP.id, TRIP.serviceDate);
    const ticket = issue({ ticketNo: '370600010000000777' }, {}, busIssuer);
    expect(v.scan(ticket.qrText).reason).toBe('ACCEPTED');
    // Signed by someone else under the bus issuer's key id.
    const forged = issue({ ticketNo: '370600010000000778' }, {}, { ...testSigner('native/forger'), publicKey: busIssuer.publicKey });
    expect(v.scan(forged.qrText).reason).toBe('BAD_SIGNATURE');
    v.shutdown();
  });
});
