/**
 * The operator's ID-check key (protocol/ticket/realname.ts): a 32-byte HMAC
 * secret shared by its issuers and inspection devices, so that the ID hash in
 * a ticket cannot be reversed by whoever sees the QR code. One JSON object,
 * mode 0600:
 *
 *   { "kind": "id-check", "alg": "HMAC-SHA256", "k": "<64 hex digits>" }
 *
 * Nothing here may put k, or any part of the file, into an error message.
 */
import { ID_KEY_LENGTH, bytesToHex } from '../../protocol/index.js';
import { InputError } from '../errors.js';
import { parseHex } from '../input/hex.js';
import { writeOutputFile } from '../output/write-file.js';
import { readPrivateJson } from './private-file.js';

export async function writeIdCheckKeyFile(path: string, key: Uint8Array, overwrite: boolean): Promise<void> {
  const text = `${JSON.stringify({ kind: 'id-check', alg: 'HMAC-SHA256', k: bytesToHex(key) }, null, 2)}\n`;
  await writeOutputFile(path, text, { overwrite, private: true, existsHint: 'use --force to replace it (tickets issued under the old key can then only be checked with the old file)' });
}

export async function loadIdCheckKey(path: string): Promise<Uint8Array> {
  const bad = (why: string) => new InputError(`key file ${path} is not a valid ID-check key file: ${why}`);
  const json = await readPrivateJson(path, bad);
  if (json.kind !== 'id-check') throw bad('"kind" must be "id-check" (make one with: fleet keygen --kind id-check)');
  if (json.alg !== 'HMAC-SHA256') throw bad('"alg" must be "HMAC-SHA256"');
  if (typeof json.k !== 'string') throw bad('"k" is missing');
  try {
    return parseHex(json.k, 'k', ID_KEY_LENGTH);
  } catch {
    throw bad(`"k" must be ${ID_KEY_LENGTH * 2} hex digits`);
  }
}
