/**
 * A bounded cache of per-key values keyed by the key's bytes, least recently
 * used out first. Lookup must be cheap on XS, where building a hex string
 * of 65 bytes costs more than the rest of the lookup: entries are bucketed
 * by six bytes of the key (an x coordinate is uniformly random) and the
 * whole key is compared on a hit.
 */
interface Entry<T> {
  readonly key: Uint8Array;
  readonly value: T;
  used: number;
}

export class KeyCache<T> {
  readonly #capacity: number;
  readonly #buckets = new Map<number, Array<Entry<T>>>();
  #size = 0;
  #clock = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('cache capacity must be a positive integer');
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#size;
  }

  get(key: Uint8Array): T | undefined {
    const bucket = this.#buckets.get(bucketOf(key));
    if (bucket === undefined) return undefined;
    for (const entry of bucket) {
      if (sameBytes(entry.key, key)) {
        entry.used = ++this.#clock;
        return entry.value;
      }
    }
    return undefined;
  }

  /** Stores a copy of `key` with `value`, evicting the least recently used entry when full. */
  set(key: Uint8Array, value: T): void {
    const id = bucketOf(key);
    const bucket = this.#buckets.get(id) ?? [];
    const at = bucket.findIndex((e) => sameBytes(e.key, key));
    if (at >= 0) bucket.splice(at, 1);
    else this.#size++;
    bucket.push({ key: key.slice(), value, used: ++this.#clock });
    this.#buckets.set(id, bucket);
    if (this.#size > this.#capacity) this.#evictOldest();
  }

  clear(): void {
    this.#buckets.clear();
    this.#size = 0;
  }

  #evictOldest(): void {
    let oldestId = 0;
    let oldestAt = -1;
    let oldestUse = Infinity;
    for (const [id, bucket] of this.#buckets) {
      for (let i = 0; i < bucket.length; i++) {
        if (bucket[i].used < oldestUse) {
          oldestUse = bucket[i].used;
          oldestId = id;
          oldestAt = i;
        }
      }
    }
    const bucket = this.#buckets.get(oldestId);
    if (bucket === undefined || oldestAt < 0) return;
    bucket.splice(oldestAt, 1);
    if (bucket.length === 0) this.#buckets.delete(oldestId);
    this.#size--;
  }
}

/** Bytes 1..6 (after the SEC1 prefix) as a number below 2^48; short keys use what they have. */
function bucketOf(key: Uint8Array): number {
  let id = 0;
  for (let i = 1; i < 7 && i < key.length; i++) id = id * 256 + key[i];
  return id;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
