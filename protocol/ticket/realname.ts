/**
 * Real-name binding (实名制) with minimal personal data. A ticket carries only
 * what the driver may see (masked name, first and last four characters of the
 * ID number) and a keyed, salted hash that lets an inspector check 票、人、证一致
 * against the passenger's card without the ticket carrying the number.
 *
 * Why keyed: a resident ID number has about 2^37 possible values, fewer once
 * its first and last four characters are known, so any unkeyed hash of it is
 * reversed in seconds by anyone holding a screenshot of the QR code. The hash
 * is therefore an HMAC under the operator's ID-check key, a 32-byte secret
 * shared by its issuers and its inspection devices and never sent in a ticket.
 * The per-ticket salt keeps one person's tickets unlinkable by this field.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes, utf8ToBytes } from '../bytes.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import { HOLDER_ID_HASH_LENGTH } from './claims.js';

export const ID_SALT_LENGTH = 16;
/** How many characters of the ID number the display hides (a resident ID card's middle). */
export const HIDDEN_ID_CHARACTERS = 10;

/** 张三 -> 张*, 张三丰 -> 张*丰, 欧阳小明 -> 欧**明; one character stays as is. */
export function maskName(fullName: string): string {
  const chars = Array.from(fullName.trim());
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return chars[0] + '*';
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1];
}

function normalizeId(idNumber: string): string {
  const id = idNumber.trim().toUpperCase();
  if (id.length < 8 || id.length > 32) throw new ProtocolError(ErrorCode.INVALID_ARGUMENT, 'ID number must be 8 to 32 characters');
  return id;
}

/** The 8 characters a ticket keeps of an ID number: its first 4 and last 4. */
export function keptIdCharacters(idNumber: string): string {
  const id = normalizeId(idNumber);
  return id.slice(0, 4) + id.slice(-4);
}

/** What the driver sees: 4401**********1234. */
export function displayMaskedId(kept: string): string {
  return kept.slice(0, 4) + '*'.repeat(HIDDEN_ID_CHARACTERS) + kept.slice(4);
}

export const ID_KEY_LENGTH = 32;

/** salt || first 16 bytes of HMAC-SHA256(idKey, salt || ID number, upper case). */
export function holderIdHash(idNumber: string, salt: Uint8Array, idKey: Uint8Array): Uint8Array {
  if (!(salt instanceof Uint8Array) || salt.length !== ID_SALT_LENGTH) {
    throw new ProtocolError(ErrorCode.INVALID_ARGUMENT, `ID salt must be ${ID_SALT_LENGTH} random bytes`);
  }
  if (!(idKey instanceof Uint8Array) || idKey.length !== ID_KEY_LENGTH) {
    throw new ProtocolError(ErrorCode.INVALID_ARGUMENT, `ID-check key must be ${ID_KEY_LENGTH} bytes`);
  }
  const tag = hmac(sha256, idKey, concatBytes(salt, utf8ToBytes(normalizeId(idNumber))));
  return concatBytes(salt, tag.subarray(0, HOLDER_ID_HASH_LENGTH - ID_SALT_LENGTH));
}

/**
 * True when the ID card presented is the one the ticket was issued to, under
 * any of the ID-check keys the inspector holds (several during a key change).
 */
export function holderIdMatches(claim: Uint8Array, idNumber: string, idKeys: readonly Uint8Array[]): boolean {
  if (!(claim instanceof Uint8Array) || claim.length !== HOLDER_ID_HASH_LENGTH) return false;
  const salt = claim.subarray(0, ID_SALT_LENGTH);
  for (const key of idKeys) {
    try {
      if (equalBytes(holderIdHash(idNumber, salt, key), claim)) return true;
    } catch {
      // A malformed ID number or key never matches.
    }
  }
  return false;
}
