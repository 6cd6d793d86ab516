/**
 * Small named blobs the validator keeps across reboots: the last good copy
 * of each signed configuration document and the driver's chosen trip. The
 * device backs it with flash; MemoryStore serves until then and in tests.
 */
export interface KeyValueStore {
  get(key: string): Uint8Array | undefined;
  /** Replaces the value as a whole: a reader sees the old or the new, never a mix. */
  set(key: string, value: Uint8Array): void;
  delete(key: string): void;
}

export class MemoryStore implements KeyValueStore {
  readonly #values = new Map<string, Uint8Array>();

  get(key: string): Uint8Array | undefined {
    return this.#values.get(key)?.slice();
  }

  set(key: string, value: Uint8Array): void {
    this.#values.set(key, value.slice());
  }

  delete(key: string): void {
    this.#values.delete(key);
  }
}
