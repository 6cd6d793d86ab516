/** Randomness is injected: XS has no crypto.getRandomValues. */
export interface Random {
  /** `length` bytes from a cryptographically strong source. */
  bytes(length: number): Uint8Array;
}
