/**
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320): what every flash
 * record and header carries to tell a complete write from a torn one. The
 * same CRC as zlib's, so a dump can be checked with standard tools.
 */
const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 of bytes [start, end) of `bytes`, continuing from `crc` (start with 0). */
export function crc32(bytes: Uint8Array, start = 0, end: number = bytes.length, crc = 0): number {
  let c = ~crc;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
