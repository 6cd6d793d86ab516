/**
 * Remembers QR texts whose signature already verified, so a re-scan (the
 * passenger who did not see the green light) costs no ECDSA. Keyed by the
 * whole text, not the ticket id: a forged ticket reusing a genuine id must
 * still be verified. Bounded, least recently used out first.
 */
export class VerifiedCache {
  readonly #capacity: number;
  readonly #entries = new Map<string, true>();

  constructor(options: { capacity?: number } = {}) {
    this.#capacity = Math.max(1, options.capacity ?? 64);
  }

  has(qrText: string): boolean {
    if (!this.#entries.has(qrText)) return false;
    this.#entries.delete(qrText);
    this.#entries.set(qrText, true);
    return true;
  }

  add(qrText: string): void {
    this.#entries.delete(qrText);
    this.#entries.set(qrText, true);
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}
