/**
 * ECMA-419's "buffer" format takes an ArrayBuffer or any view of one. The
 * bytes it names, without copying; undefined for anything else, so each
 * class can refuse it in its own words.
 */
export function bufferBytes(source: unknown): Uint8Array | undefined {
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  return undefined;
}
