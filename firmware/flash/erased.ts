/** Erased NOR reads 0xFF; a slot is free only if every byte of it still does. */
export const ERASED = 0xff;

export function isErased(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (bytes[i] !== ERASED) return false;
  return true;
}
