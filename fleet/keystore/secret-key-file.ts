/**
 * Secret key files. One JSON object, UTF-8, written with mode 0600:
 *
 *   { "kind": "root" | "issuer", "alg": "ES256", "kid": "<16 hex digits>", "d": "<64 hex digits>" }
 *
 * d is the 32-byte P-256 private scalar, big-endian, as nobleSigner takes it;
 * kid is the protocol's key id (kidOf) of the matching public key and is
 * checked on load to catch a damaged or hand-edited file. Extra fields are
 * ignored. JSON rather than PEM keeps the file readable by the same code on
 * every platform the protocol runs on, and the kind field lets each command
 * refuse the wrong key.
 *
 * Nothing here may put d, or any part of the file, into an error message.
 */
import { bytesToHex, kidOf, nobleSigner, type Signer } from '../../protocol/index.js';
import { InputError } from '../errors.js';
import { parseHex } from '../input/hex.js';
import { writeOutputFile } from '../output/write-file.js';
import { isKeyKind, type KeyKind } from './key-kind.js';
import { readPrivateJson } from './private-file.js';

export interface SecretKey {
  readonly kind: KeyKind;
  /** Hex key id of the public key. */
  readonly kid: string;
  readonly signer: Signer;
}

export async function writeSecretKeyFile(path: string, kind: KeyKind, secretKey: Uint8Array, overwrite: boolean): Promise<void> {
  const kid = bytesToHex(kidOf(nobleSigner(secretKey).publicKey));
  const text = `${JSON.stringify({ kind, alg: 'ES256', kid, d: bytesToHex(secretKey) }, null, 2)}\n`;
  await writeOutputFile(path, text, { overwrite, private: true, existsHint: 'use --force to replace it (the old key is then lost)' });
}

/** Loads a secret key, refusing a file others can read and a key of the wrong kind. */
export async function loadSecretKey(path: string, expected: KeyKind): Promise<SecretKey> {
  const bad = (why: string) => new InputError(`key file ${path} is not a valid secret key file: ${why}`);
  const json = await readPrivateJson(path, bad);
  if (!isKeyKind(json.kind)) throw bad('"kind" must be "root" or "issuer"');
  if (json.alg !== 'ES256') throw bad('"alg" must be "ES256"');
  if (typeof json.d !== 'string') throw bad('"d" is missing');
  if (json.kind !== expected) throw new InputError(`key file ${path} holds ${json.kind === 'root' ? 'a root' : 'an issuer'} key; this command needs ${expected === 'root' ? 'the root' : 'an issuer'} key`);

  let d: Uint8Array;
  try {
    d = parseHex(json.d, 'd', 32);
  } catch {
    throw bad('"d" must be 64 hex digits');
  }
  let signer: Signer;
  try {
    signer = nobleSigner(d);
  } catch {
    throw bad('"d" is not a valid P-256 private key');
  } finally {
    d.fill(0); // nobleSigner keeps its own copy
  }
  const kid = bytesToHex(kidOf(signer.publicKey));
  if (json.kid !== undefined && json.kid !== kid) throw bad('"kid" does not match the key (damaged or edited file?)');
  return { kind: json.kind, kid, signer };
}
