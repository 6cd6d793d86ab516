/**
 * Small named blobs the validator keeps across reboots: the last good copy
 * of each signed configuration document and the driver's chosen trip.
 * FlashStore (flash-store.ts) keeps them on the board's settings partition.
 */
export interface KeyValueStore {
  get(key: string): Uint8Array | undefined;
  /** Replaces the value as a whole: a reader sees the old or the new, never a mix. */
  set(key: string, value: Uint8Array): void;
  delete(key: string): void;
}
