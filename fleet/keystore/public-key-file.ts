/**
 * Public key files (<name>.pub.json), safe to hand to anyone:
 *
 *   { "kind": "root" | "issuer", "name": "...", "alg": "ES256", "kid": "<16 hex>",
 *     "publicKey": "04<128 hex>", "jwk": { "kty": "EC", "crv": "P-256", "x": "...", "y": "..." } }
 *
 * publicKey is the SEC1 uncompressed point the protocol uses; the JWK is for
 * other COSE implementations. On load either form is accepted and the kid, if
 * present, must match.
 */
import { bytesToHex, kidOf, p256PublicKey, sec1ToJwk, type EcJwk } from '../../protocol/index.js';
import { InputError } from '../errors.js';
import { parseHex } from '../input/hex.js';
import { readJsonFile } from '../input/input-file.js';
import { JsonObject } from '../input/json-object.js';
import { writeOutputFile } from '../output/write-file.js';
import { isKeyKind, type KeyKind } from './key-kind.js';

export interface PublicKeyInfo {
  readonly kind?: KeyKind;
  readonly name?: string;
  readonly kid: string;
  /** SEC1 uncompressed. */
  readonly publicKey: Uint8Array;
}

export function publicKeyFileText(kind: KeyKind, name: string, publicKey: Uint8Array): string {
  const sec1 = p256PublicKey(publicKey);
  const doc = { kind, name, alg: 'ES256', kid: bytesToHex(kidOf(sec1)), publicKey: bytesToHex(sec1), jwk: sec1ToJwk(sec1) };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

export async function writePublicKeyFile(path: string, kind: KeyKind, name: string, publicKey: Uint8Array, overwrite: boolean): Promise<void> {
  await writeOutputFile(path, publicKeyFileText(kind, name, publicKey), { overwrite, existsHint: 'use --force to replace it' });
}

/** A P-256 public key given as SEC1 hex or as a JWK; `what` names it in errors. */
export function parsePublicKey(value: unknown, what: string): Uint8Array {
  try {
    if (typeof value === 'string') return p256PublicKey(parseHex(value.trim(), what));
    if (value !== null && typeof value === 'object') return p256PublicKey(value as EcJwk);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${what} is not a valid P-256 public key`);
  }
  throw new InputError(`${what} must be SEC1 hex or a JWK`);
}

export async function loadPublicKeyFile(path: string, what = 'public key file'): Promise<PublicKeyInfo> {
  const json = await readJsonFile(path, what);
  const f = new JsonObject(json, `${what} ${path}`);
  // A secret key file given where a public one belongs: say so, and print nothing from it.
  if (f.has('d')) throw new InputError(`${path} is a secret key file; give the public key file (.pub.json) instead`);
  const source = f.has('publicKey') ? f.raw('publicKey') : f.raw('jwk');
  if (source === undefined) throw new InputError(`${what} ${path} has neither "publicKey" nor "jwk"`);
  const publicKey = parsePublicKey(source, `${what} ${path}`);
  const kid = bytesToHex(kidOf(publicKey));
  if (f.has('kid') && f.raw('kid') !== kid) throw new InputError(`${what} ${path}: "kid" does not match the key`);
  const kind = f.raw('kind');
  const name = f.raw('name');
  return { kid, publicKey, kind: isKeyKind(kind) ? kind : undefined, name: typeof name === 'string' ? name : undefined };
}
