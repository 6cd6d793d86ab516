/**
 * Deny list: revoked tickets, as their 8-byte ticket hashes (ticket/hash.ts).
 * On the wire and in memory the list is one byte string of sorted, unique
 * hashes, so tens of thousands of entries cost 8 bytes each, load without
 * parsing, and are searched in place. A full list is sent now and then;
 * deltas (add/remove against a base version) keep updates small.
 */
import { compareBytes } from '../bytes.js';
import { intMap } from '../cbor.js';
import type { Signer } from '../crypto/verifier.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import { Fields } from '../fields.js';
import { TICKET_HASH_LENGTH } from '../ticket/hash.js';
import { DocumentType, openDocument, signDocument, type DocumentHeader, type OpenOptions } from './document.js';

const H = TICKET_HASH_LENGTH;

export const DenyKey = Object.freeze({ ENTRIES: 1 } as const);
export const DenyDeltaKey = Object.freeze({ BASE: 1, ADD: 2, REMOVE: 3 } as const);

export class DenyList {
  readonly version: number;
  readonly issuedAt: number;
  readonly operator: string;
  readonly #entries: Uint8Array;

  /** `entries` must be sorted, unique, 8 bytes each (checked). */
  constructor(header: Omit<DocumentHeader, 'type'>, entries: Uint8Array) {
    if (entries.length % H !== 0) throw new ProtocolError(ErrorCode.MALFORMED, `deny list entries must be a multiple of ${H} bytes`);
    for (let i = H; i < entries.length; i += H) {
      if (compareBytes(entries.subarray(i - H, i), entries.subarray(i, i + H)) >= 0) {
        throw new ProtocolError(ErrorCode.MALFORMED, 'deny list entries must be sorted and unique');
      }
    }
    this.version = header.version;
    this.issuedAt = header.issuedAt;
    this.operator = header.operator;
    this.#entries = entries.slice();
  }

  get size(): number {
    return this.#entries.length / H;
  }

  /** Sorted concatenated entries (a copy). */
  get entries(): Uint8Array {
    return this.#entries.slice();
  }

  has(hash: Uint8Array): boolean {
    if (hash.length !== H) return false;
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = compareBytes(this.#entries.subarray(mid * H, mid * H + H), hash);
      if (c === 0) return true;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}

/** Sorted, unique, concatenated hashes. */
export function packHashes(hashes: Iterable<Uint8Array>): Uint8Array {
  const list = Array.from(hashes, (h) => {
    if (!(h instanceof Uint8Array) || h.length !== H) throw new ProtocolError(ErrorCode.INVALID_ARGUMENT, `ticket hashes are ${H} bytes`);
    return h;
  }).sort(compareBytes);
  const out = new Uint8Array(list.length * H);
  let n = 0;
  for (const h of list) {
    if (n > 0 && compareBytes(out.subarray((n - 1) * H, n * H), h) === 0) continue;
    out.set(h, n * H);
    n++;
  }
  return out.slice(0, n * H);
}

function unpack(entries: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < entries.length; i += H) out.push(entries.subarray(i, i + H));
  return out;
}

export function signDenyList(header: Omit<DocumentHeader, 'type'>, hashes: Iterable<Uint8Array>, rootSigner: Signer): Uint8Array {
  return signDocument({ ...header, type: DocumentType.DENY }, intMap([[DenyKey.ENTRIES, packHashes(hashes)]]), rootSigner);
}

export function openDenyList(bytes: Uint8Array, options: OpenOptions): DenyList {
  const doc = openDocument(bytes, DocumentType.DENY, options);
  const f = new Fields(doc.body, 'deny list');
  return new DenyList(doc, f.bytes(DenyKey.ENTRIES, 'entries'));
}

export interface DenyDelta extends Omit<DocumentHeader, 'type'> {
  /** The version this delta applies to. */
  readonly base: number;
  readonly add: Uint8Array;
  readonly remove: Uint8Array;
}

export function signDenyDelta(
  header: Omit<DocumentHeader, 'type'>,
  base: number,
  change: { add?: Iterable<Uint8Array>; remove?: Iterable<Uint8Array> },
  rootSigner: Signer,
): Uint8Array {
  if (header.version <= base) throw new ProtocolError(ErrorCode.INVALID_ARGUMENT, 'a delta must produce a newer version than its base');
  const body = intMap([
    [DenyDeltaKey.BASE, base],
    [DenyDeltaKey.ADD, packHashes(change.add ?? [])],
    [DenyDeltaKey.REMOVE, packHashes(change.remove ?? [])],
  ]);
  return signDocument({ ...header, type: DocumentType.DENY_DELTA }, body, rootSigner);
}

export function openDenyDelta(bytes: Uint8Array, options: OpenOptions): DenyDelta {
  const doc = openDocument(bytes, DocumentType.DENY_DELTA, options);
  const f = new Fields(doc.body, 'deny delta');
  const base = f.uint(DenyDeltaKey.BASE, 'base');
  if (base >= doc.version) throw new ProtocolError(ErrorCode.MALFORMED, 'deny delta base must be older than its version');
  const add = f.bytes(DenyDeltaKey.ADD, 'add');
  const remove = f.bytes(DenyDeltaKey.REMOVE, 'remove');
  // Validate shape the same way a full list is validated.
  new DenyList(doc, add);
  new DenyList(doc, remove);
  return { version: doc.version, issuedAt: doc.issuedAt, operator: doc.operator, base, add, remove };
}

/** The list after a delta; the delta must be based on exactly this list's version. */
export function applyDenyDelta(list: DenyList, delta: DenyDelta): DenyList {
  if (delta.base !== list.version) {
    throw new ProtocolError(ErrorCode.ROLLBACK, `delta is based on version ${delta.base}, the held list is version ${list.version}`);
  }
  if (delta.operator !== list.operator) throw new ProtocolError(ErrorCode.WRONG_DOCUMENT, 'delta is for another operator');
  const removed = new DenyList(delta, delta.remove);
  const kept = unpack(list.entries).filter((h) => !removed.has(h));
  return new DenyList(delta, packHashes([...kept, ...unpack(delta.add)]));
}
