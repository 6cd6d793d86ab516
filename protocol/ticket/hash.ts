/**
 * The ticket hash: first 8 bytes of SHA-256 over the ticket id (cti). It is
 * what deny lists, boarding records and usage state key on, so none of them
 * carry the ticket id itself; 64 bits keep collisions negligible at the scale
 * of one operator's tickets while deny lists stay compact.
 */
import { sha256 } from '@noble/hashes/sha2.js';

export const TICKET_HASH_LENGTH = 8;

export function ticketHash(cti: Uint8Array): Uint8Array {
  return sha256(cti).slice(0, TICKET_HASH_LENGTH);
}
