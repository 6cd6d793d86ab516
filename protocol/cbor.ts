/**
 * The protocol's CBOR codec: cbor-x configured for COSE-style data.
 *
 * - Maps decode to `Map` (integer keys are the norm here, and plain objects
 *   would turn them into strings).
 * - `tagUint8Array: false`: cbor-x on Node otherwise wraps byte strings in tag
 *   64, which would change signed bytes on Node but not on XS.
 * - No records, no structured clone, no bundled strings: plain RFC 8949.
 * - Size limits are lowered for the whole process (cbor-x keeps them in
 *   module state): no document we read has more than a few thousand items,
 *   and a hostile length prefix must not make the engine allocate a huge array.
 */
import { Encoder } from 'cbor-x/encode';
import * as cborDecode from 'cbor-x/decode';
import { ErrorCode, ProtocolError, guard } from './errors.js';
import { checkCborProfile, type ProfileOptions } from './cbor-profile.js';

/** A CBOR tag and its content, as cbor-x decodes tags it has no extension for. */
export interface Tag {
  readonly value: unknown;
  readonly tag: number;
}
interface TagClass {
  new (value: unknown, tag: number): Tag;
}
// cbor-x exports Tag from its decoder at run time, but its decode.d.ts omits it.
export const Tag = (cborDecode as unknown as { Tag: TagClass }).Tag;
const { Decoder, setSizeLimits } = cborDecode;

export const MAX_ARRAY_ITEMS = 65536;
export const MAX_MAP_ENTRIES = 1024;

setSizeLimits({ maxArraySize: MAX_ARRAY_ITEMS, maxMapSize: MAX_MAP_ENTRIES, maxObjectSize: MAX_MAP_ENTRIES });

const options = {
  mapsAsObjects: false,
  // 64-bit integers as numbers (callers check they are safe), not BigInt.
  int64AsNumber: true,
  useRecords: false,
  structuredClone: false,
  bundleStrings: false,
  tagUint8Array: false,
  variableMapSize: true,
  useTag259ForMaps: false,
  pack: false,
} as const;

const encoder = new Encoder(options as never);
const decoder = new Decoder(options as never);

/**
 * CBOR-encodes a value. Maps must be `Map`s inserted in canonical key order.
 * Integers always encode as CBOR integers: cbor-x would write those of 2^32
 * and above as float64, which the profile (and any strict decoder) refuses.
 * Non-integer numbers have no place in TK1 and are refused.
 */
export function encodeCbor(value: unknown): Uint8Array {
  const out = encoder.encode(integersAsIntegers(value)) as Uint8Array;
  // cbor-x hands out a view into its shared output buffer (a Buffer on Node):
  // copy, so callers own exactly their bytes and keep no large buffer alive.
  return new Uint8Array(out);
}

function integersAsIntegers(value: unknown): unknown {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new ProtocolError(ErrorCode.INVALID_ARGUMENT, `cannot encode ${value}: TK1 numbers are safe integers`);
    return value >= 0x100000000 || value < -0x100000000 ? BigInt(value) : value;
  }
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    value.forEach((v, k) => out.set(integersAsIntegers(k), integersAsIntegers(v)));
    return out;
  }
  if (Array.isArray(value)) return value.map(integersAsIntegers);
  if (value instanceof Tag) return new Tag(integersAsIntegers(value.value), value.tag);
  return value;
}

/**
 * Decodes exactly one CBOR item filling all of `bytes`, in the TK1 profile
 * (cbor-profile.ts); anything else is MALFORMED.
 */
export function decodeCbor(bytes: Uint8Array, options: ProfileOptions = {}): unknown {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) {
    throw new ProtocolError(ErrorCode.MALFORMED, 'empty CBOR input');
  }
  checkCborProfile(bytes, options);
  return guard(ErrorCode.MALFORMED, 'CBOR', () => decoder.decode(bytes));
}

/** A `Map` with integer keys in canonical (RFC 8949 §4.2.1) order, skipping undefined values. */
export function intMap(entries: ReadonlyArray<readonly [number, unknown]>): Map<number, unknown> {
  const sorted = entries.filter(([, v]) => v !== undefined).slice().sort((a, b) => compareIntKeys(a[0], b[0]));
  return new Map(sorted);
}

/** Bytewise order of the encoded keys: unsigned before negative, shorter before longer. */
function compareIntKeys(a: number, b: number): number {
  if (a >= 0 && b >= 0) return a - b;
  if (a < 0 && b < 0) return b - a;
  return a >= 0 ? -1 : 1;
}
