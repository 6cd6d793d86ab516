/**
 * Real-name binding (实名制) with minimal personal data. A ticket carries only
 * what the driver may see (masked name, first and last four characters of the
 * ID number) and a salted hash that lets an inspector check 票、人、证一致
 * against the passenger's card without the ticket carrying the number.
 */
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

/** salt || first 16 bytes of SHA-256(salt || ID number, upper case). */
export function holderIdHash(idNumber: string, salt: Uint8Array): Uint8Array {
  if (!(salt instanceof Uint8Array) || salt.length !== ID_SALT_LENGTH) {
    throw new ProtocolError(ErrorCode.INVALID_ARGUMENT, `ID salt must be ${ID_SALT_LENGTH} random bytes`);
  }
  const digest = sha256(concatBytes(salt, utf8ToBytes(normalizeId(idNumber))));
  return concatBytes(salt, digest.subarray(0, HOLDER_ID_HASH_LENGTH - ID_SALT_LENGTH));
}

/** True when the ID card presented is the one the ticket was issued to. */
export function holderIdMatches(claim: Uint8Array, idNumber: string): boolean {
  if (claim.length !== HOLDER_ID_HASH_LENGTH) return false;
  try {
    return equalBytes(holderIdHash(idNumber, claim.subarray(0, ID_SALT_LENGTH)), claim);
  } catch {
    return false;
  }
}
