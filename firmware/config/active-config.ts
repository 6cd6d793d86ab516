/**
 * The configuration the validator decides with: trust list, deny list and
 * trips, each a document signed by the operator's root key. A new document
 * replaces the held one only if it verifies, is for this operator and is
 * newer; otherwise the validator keeps working on what it has. Accepted
 * documents are stored, so a reboot comes back with the last good copies.
 */
import { isNewerVersion } from '../../protocol/config/document.js';
import { openDenyList, type DenyList } from '../../protocol/config/deny.js';
import { openTripList, type TripList } from '../../protocol/config/trips.js';
import { openTrustList, type TrustList } from '../../protocol/config/trust.js';
import type { Verifier } from '../../protocol/crypto/verifier.js';
import { ErrorCode, ProtocolError, isProtocolError } from '../../protocol/errors.js';
import type { KeyValueStore } from '../store/key-value-store.js';

export const ConfigKind = Object.freeze({ TRUST: 'trust', DENY: 'deny', TRIPS: 'trips' } as const);
export type ConfigKind = (typeof ConfigKind)[keyof typeof ConfigKind];
export const CONFIG_KINDS: readonly ConfigKind[] = Object.freeze([ConfigKind.TRUST, ConfigKind.DENY, ConfigKind.TRIPS]);

export const ApplyOutcome = Object.freeze({
  APPLIED: 'applied',
  /** The same version again, e.g. a retained message redelivered. */
  UNCHANGED: 'unchanged',
  REJECTED: 'rejected',
} as const);
export type ApplyOutcome = (typeof ApplyOutcome)[keyof typeof ApplyOutcome];

export interface ApplyResult {
  readonly kind: ConfigKind;
  readonly outcome: ApplyOutcome;
  /** The version now held (unchanged on rejection). */
  readonly version: number | undefined;
  /** Why a document was rejected: an ErrorCode such as ROLLBACK or BAD_SIGNATURE. */
  readonly error?: string;
  readonly message?: string;
}

export interface ActiveConfigOptions {
  readonly operator: string;
  readonly rootKeys: readonly Uint8Array[];
  readonly verifier: Verifier;
  readonly store: KeyValueStore;
}

type Held = { trust?: TrustList; deny?: DenyList; trips?: TripList };

/** Where the last good copy of a document is kept. */
export const configStoreKey = (kind: ConfigKind): string => `cfg/${kind}`;

export class ActiveConfig {
  readonly #options: ActiveConfigOptions;
  #held: Held = {};

  constructor(options: ActiveConfigOptions) {
    this.#options = { ...options };
  }

  get trust(): TrustList | undefined {
    return this.#held.trust;
  }

  get deny(): DenyList | undefined {
    return this.#held.deny;
  }

  get trips(): TripList | undefined {
    return this.#held.trips;
  }

  version(kind: ConfigKind): number | undefined {
    return this.#held[kind]?.version;
  }

  /** Boot: the stored copies, each checked again (flash can rot; keys can change with a firmware update). */
  load(): ApplyResult[] {
    const results: ApplyResult[] = [];
    for (const kind of CONFIG_KINDS) {
      const bytes = this.#options.store.get(configStoreKey(kind));
      if (bytes) results.push(this.apply(kind, bytes, false));
    }
    return results;
  }

  /** Verifies and applies a document; on any failure the held copy stays. */
  apply(kind: ConfigKind, bytes: Uint8Array, persist = true): ApplyResult {
    const held = this.#held[kind];
    try {
      const doc = this.#open(kind, bytes);
      if (doc.operator !== this.#options.operator) {
        throw new ProtocolError(ErrorCode.WRONG_DOCUMENT, `document is for operator ${doc.operator}`);
      }
      if (!isNewerVersion(doc.version, held?.version)) {
        return { kind, outcome: ApplyOutcome.UNCHANGED, version: held?.version };
      }
      // Store first: a reboot right after must not bring back the older copy.
      if (persist) this.#options.store.set(configStoreKey(kind), bytes);
      this.#held = { ...this.#held, [kind]: doc };
      return { kind, outcome: ApplyOutcome.APPLIED, version: doc.version };
    } catch (e) {
      return {
        kind,
        outcome: ApplyOutcome.REJECTED,
        version: held?.version,
        error: isProtocolError(e) ? e.code : ErrorCode.MALFORMED,
        message: e instanceof Error ? e.message : String(e),
      };
    }
  }

  #open(kind: ConfigKind, bytes: Uint8Array): TrustList | DenyList | TripList {
    const options = { rootKeys: this.#options.rootKeys, verifier: this.#options.verifier };
    switch (kind) {
      case ConfigKind.TRUST:
        return openTrustList(bytes, options);
      case ConfigKind.DENY:
        return openDenyList(bytes, options);
      case ConfigKind.TRIPS:
        return openTripList(bytes, options);
    }
  }
}
