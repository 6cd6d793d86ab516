/**
 * The bytes of one message on xsnap's command channel, the same on both
 * sides: Node encodes what XS decodes and the other way round. Runs in XS,
 * so it uses nothing but ECMAScript (no TextEncoder, no Buffer).
 *
 * A message is a JSON header plus the binary data it names:
 *
 *   u32 (little endian) header length | header (ASCII JSON) | blobs
 *
 * JSON carries the structure; values JSON has no room for are small tagged
 * objects `{"$": tag, ...}`: undefined, non-finite numbers and -0, BigInt,
 * ArrayBuffer and typed-array bytes (by offset and length into the blobs),
 * and an object that itself has a "$" key. Non-ASCII characters travel as
 * \u escapes, so the header is one byte a character on both sides.
 * Functions and class instances are not data: encoding them throws.
 */

/** What crosses the channel. Objects must be plain (prototype Object.prototype or null). */
export type WireValue =
  | undefined
  | null
  | boolean
  | number
  | bigint
  | string
  | ArrayBuffer
  | ArrayBufferView
  | readonly WireValue[]
  | { readonly [key: string]: WireValue };

/** Typed arrays (and DataView) that keep their type across the channel. */
const VIEWS = Object.freeze({
  Uint8Array,
  Int8Array,
  Uint8ClampedArray,
  Uint16Array,
  Int16Array,
  Uint32Array,
  Int32Array,
  Float32Array,
  Float64Array,
  BigUint64Array,
  BigInt64Array,
  DataView,
} as const);
type ViewName = keyof typeof VIEWS;

const HEADER_LENGTH_BYTES = 4;

export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WireError';
  }
}

export function encodeWire(value: unknown): Uint8Array {
  const blobs: Uint8Array[] = [];
  let blobBytes = 0;
  const blob = (bytes: Uint8Array): { o: number; n: number } => {
    blobs.push(bytes);
    const at = blobBytes;
    blobBytes += bytes.byteLength;
    return { o: at, n: bytes.byteLength };
  };
  const seen: unknown[] = [];

  const toJson = (v: unknown, path: string): unknown => {
    switch (typeof v) {
      case 'undefined':
        return { $: 'u' };
      case 'boolean':
      case 'string':
        return v;
      case 'number':
        if (Number.isFinite(v) && !(v === 0 && 1 / v < 0)) return v;
        return { $: 'd', v: Number.isNaN(v) ? 'NaN' : v === 0 ? '-0' : String(v) };
      case 'bigint':
        return { $: 'i', v: v.toString() };
      case 'object':
        break;
      default:
        throw new WireError(`${path}: a ${typeof v} is not data`);
    }
    if (v === null) return null;
    if (v instanceof ArrayBuffer) return { $: 'a', ...blob(new Uint8Array(v.slice(0))) };
    if (ArrayBuffer.isView(v)) {
      const t = viewName(v);
      if (!t) throw new WireError(`${path}: unsupported view ${v.constructor?.name}`);
      return { $: 'v', t, ...blob(new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength))) };
    }
    if (seen.indexOf(v) >= 0) throw new WireError(`${path}: cycle`);
    seen.push(v);
    try {
      if (Array.isArray(v)) return v.map((item, i) => toJson(item, `${path}[${i}]`));
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw new WireError(`${path}: a ${(v as object).constructor?.name ?? 'class'} instance is not data`);
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v)) out[key] = toJson((v as Record<string, unknown>)[key], `${path}.${key}`);
      return '$' in out ? { $: 'o', v: out } : out;
    } finally {
      seen.pop();
    }
  };

  const header = asciiJson(toJson(value, 'value'));
  const out = new Uint8Array(HEADER_LENGTH_BYTES + header.length + blobBytes);
  new DataView(out.buffer).setUint32(0, header.length, true);
  for (let i = 0; i < header.length; i++) out[HEADER_LENGTH_BYTES + i] = header.charCodeAt(i);
  let at = HEADER_LENGTH_BYTES + header.length;
  for (const b of blobs) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}

export function decodeWire(bytes: Uint8Array): unknown {
  if (bytes.byteLength < HEADER_LENGTH_BYTES) throw new WireError('message too short');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const blobsAt = HEADER_LENGTH_BYTES + headerLength;
  if (blobsAt > bytes.byteLength) throw new WireError('header runs past the message');
  const header = asciiString(bytes.subarray(HEADER_LENGTH_BYTES, blobsAt));
  const blob = (o: number, n: number): ArrayBuffer => {
    if (!(o >= 0 && n >= 0 && blobsAt + o + n <= bytes.byteLength)) throw new WireError('blob runs past the message');
    const start = bytes.byteOffset + blobsAt + o;
    return bytes.buffer.slice(start, start + n) as ArrayBuffer;
  };

  const fromJson = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(fromJson);
    const o = v as Record<string, unknown>;
    if (!('$' in o)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(o)) out[key] = fromJson(o[key]);
      return out;
    }
    switch (o.$) {
      case 'u':
        return undefined;
      case 'd':
        return o.v === '-0' ? -0 : Number(o.v);
      case 'i':
        return BigInt(o.v as string);
      case 'a':
        return blob(o.o as number, o.n as number);
      case 'v': {
        const View = VIEWS[o.t as ViewName] as new (buffer: ArrayBuffer) => ArrayBufferView;
        if (!View) throw new WireError(`unknown view type ${String(o.t)}`);
        return new View(blob(o.o as number, o.n as number));
      }
      case 'o': {
        const inner = o.v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const key of Object.keys(inner)) out[key] = fromJson(inner[key]);
        return out;
      }
      default:
        throw new WireError(`unknown tag ${String(o.$)}`);
    }
  };
  return fromJson(JSON.parse(header));
}

function viewName(v: ArrayBufferView): ViewName | undefined {
  for (const name of Object.keys(VIEWS) as ViewName[]) {
    if (Object.getPrototypeOf(v) === VIEWS[name].prototype) return name;
  }
  return undefined;
}

/** JSON with every character above 0x7e escaped, so each character is one byte. */
function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => '\\u' + ('000' + c.charCodeAt(0).toString(16)).slice(-4));
}

/** Chunked: XS passes apply()'s arguments on its stack, which is small (4096 slots in xsnap, less on the ESP32). */
function asciiString(bytes: Uint8Array): string {
  let s = '';
  const CHUNK = 256;
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode.apply(null, Array.from(bytes.subarray(i, i + CHUNK)));
  return s;
}
