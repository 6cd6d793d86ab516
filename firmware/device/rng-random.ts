/**
 * Random over Moddable's `rng` module (modules/crypt/etc/rng.c), the source
 * Moddable's own TLS and ECDSA signing draw from: an RC4 keystream keyed at
 * first use with 16 bytes from the ESP32's hardware generator (esp_random,
 * fully random while the radio or the bootloader's entropy source is on).
 *
 * RC4's first output bytes are measurably biased, so the first `discard`
 * bytes (3072, as RC4-drop[3072] recommends) are thrown away before any are
 * handed out. The firmware uses randomness for identifiers and jitter, not
 * for keys; a key would want esp_random directly, through a native module.
 */
import type { Random } from '../platform/random.js';

/** The part of Moddable's `rng` module the firmware uses. */
export interface ModdableRng {
  get(length: number): ArrayBuffer;
}

export interface RngRandomOptions {
  readonly rng: ModdableRng;
  /** Keystream bytes thrown away before the first use; default 3072. */
  readonly discard?: number;
}

export class RngRandom implements Random {
  readonly #rng: ModdableRng;
  #discard: number;

  constructor(options: RngRandomOptions) {
    const o = { ...options };
    this.#rng = o.rng;
    this.#discard = o.discard ?? 3072;
  }

  bytes(length: number): Uint8Array {
    if (!Number.isInteger(length) || length < 0) throw new RangeError('length must be a whole number of bytes');
    // Discarded at first use, not at construction: the generator keys itself on its first call.
    if (this.#discard > 0) {
      this.#rng.get(this.#discard);
      this.#discard = 0;
    }
    const out = new Uint8Array(this.#rng.get(length));
    if (out.length !== length) throw new Error('rng returned the wrong number of bytes');
    return out;
  }
}
