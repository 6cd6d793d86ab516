/**
 * issuers.json -> the protocol's IssuerInput[]. The file is a JSON array of
 *
 *   { "name": "烟台汽车总站",
 *     "pub": "keys/issuer.pub.json"        (path relative to issuers.json)
 *       or "publicKey": "04..." (SEC1 hex) or a JWK object,
 *     "modes": ["road"],                   (names or numbers)
 *     "operators": ["YTBUS"],
 *     "nbf": "2026-01-01T00:00:00+08:00",  (ISO with offset, or epoch seconds)
 *     "exp": "2027-12-31T23:59:59+08:00" }
 *
 * signTrustList does not check its input, and a list it signs with, say, a
 * 70-character name is refused by every validator; so every field is checked
 * here against the limits openTrustList applies.
 */
import { dirname, resolve } from 'node:path';
import { bytesToHex, equalBytes, kidOf, type IssuerInput, type IssuerMode } from '../../protocol/index.js';
import { InputError } from '../errors.js';
import { parseMode } from '../input/codes.js';
import { readJsonFile } from '../input/input-file.js';
import { JsonObject, typeName } from '../input/json-object.js';
import { formatInstant, parseInstant } from '../input/time.js';
import { loadPublicKeyFile, parsePublicKey } from '../keystore/public-key-file.js';

const FIELDS = ['name', 'pub', 'publicKey', 'modes', 'operators', 'nbf', 'exp'] as const;

export interface IssuersFile {
  readonly issuers: IssuerInput[];
  /** Things worth a warning that do not make the list wrong (an issuer already expired). */
  readonly warnings: string[];
}

async function issuerKey(f: JsonObject, baseDir: string): Promise<Uint8Array> {
  if (f.has('pub') === f.has('publicKey')) throw new InputError(`${f.where}: give exactly one of "pub" (a .pub.json path) and "publicKey"`);
  if (f.has('publicKey')) return parsePublicKey(f.raw('publicKey'), f.field('publicKey'));
  const pub = f.raw('pub');
  if (typeof pub !== 'string') throw f.error('pub', 'a path to a .pub.json file');
  const info = await loadPublicKeyFile(resolve(baseDir, pub), `${f.field('pub')}:`);
  if (info.kind === 'root') throw new InputError(`${f.field('pub')}: ${pub} is a root key; tickets must be signed by issuer keys`);
  return info.publicKey;
}

export async function readIssuersFile(path: string, rootPublicKey: Uint8Array, now: number): Promise<IssuersFile> {
  const json = await readJsonFile(path, 'issuers file');
  if (!Array.isArray(json)) throw new InputError(`issuers file ${path} must be a JSON array of issuers, got ${typeName(json)}`);
  const issuers: IssuerInput[] = [];
  const warnings: string[] = [];
  const seen = new Map<string, number>();
  for (const [i, entry] of json.entries()) {
    const f = new JsonObject(entry, `${path}[${i}]`).only(FIELDS);
    const publicKey = await issuerKey(f, dirname(path));
    if (equalBytes(publicKey, rootPublicKey)) throw new InputError(`${f.where}: this is the root key; the root key must not issue tickets`);
    const kid = bytesToHex(kidOf(publicKey));
    const earlier = seen.get(kid);
    if (earlier !== undefined) throw new InputError(`${f.where}: same key (kid ${kid}) as entry ${earlier}`);
    seen.set(kid, i);

    const modes = f.array('modes').map((m, j) => parseMode(m, `${f.field('modes')}[${j}]`));
    if (modes.length === 0) throw new InputError(`${f.field('modes')} must name at least one mode`);
    const operators = f.stringArray('operators', 32);
    if (operators.length === 0) throw new InputError(`${f.field('operators')} must name at least one operator`);
    if (!f.has('nbf')) throw f.missing('nbf');
    if (!f.has('exp')) throw f.missing('exp');
    const nbf = parseInstant(f.raw('nbf'), f.field('nbf'));
    const exp = parseInstant(f.raw('exp'), f.field('exp'));
    if (exp <= nbf) throw new InputError(`${f.where}: exp must be after nbf`);
    const name = f.string('name', 64);
    if (exp <= now) warnings.push(`issuer "${name}" (kid ${kid}) expired at ${formatInstant(exp)}; its tickets will be refused`);

    issuers.push({ publicKey, name, modes: [...new Set<IssuerMode>(modes)], operators: [...new Set(operators)], nbf, exp });
  }
  if (issuers.length === 0) warnings.push('the trust list has no issuers: validators will refuse every ticket');
  return { issuers, warnings };
}
