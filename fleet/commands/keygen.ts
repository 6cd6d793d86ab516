/**
 * keygen: a new ES256 key pair. The secret key file is created 0600 (in a
 * 0700 directory when the directory is new) and never printed; the public
 * key file is what goes into issuers.json and to the validators.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ID_KEY_LENGTH, bytesToHex, es256SecretKeyFromSeed, kidOf, nobleSigner } from '../../protocol/index.js';
import type { Command } from '../command.js';
import { InputError, UsageError } from '../errors.js';
import { flag, optionalString, requiredString } from '../input/options.js';
import { parseKeyKind } from '../keystore/key-kind.js';
import { writePublicKeyFile } from '../keystore/public-key-file.js';
import { writeSecretKeyFile } from '../keystore/secret-key-file.js';
import { writeIdCheckKeyFile } from '../keystore/id-check-key-file.js';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

export const keygen: Command = {
  name: 'keygen',
  summary: 'make an ES256 key pair (root or issuer) or an ID-check key',
  help: `Usage: fleet keygen --kind root|issuer|id-check --out <dir> [--name NAME] [--force]

For root and issuer, makes an ES256 (P-256) key pair and writes
  <dir>/<name>.key       the secret key, mode 0600; never printed, keep it safe
  <dir>/<name>.pub.json  the public key (kid, SEC1 hex, JWK), safe to share
and prints the kid and the public key file. For id-check, writes only
<dir>/<name>.key: the operator's 32-byte secret for the holder ID hash in
tickets, shared with its issuers and inspection devices and nobody else.

Options:
  --kind root|issuer|id-check
                      root signs trust, deny and trip lists; issuer signs tickets;
                      id-check keys the holder ID hash
  --out <dir>         directory for both files (created 0700 if missing)
  --name NAME         file name without extension (default: the kind)
  --force             replace existing key files (the old secret key is lost)`,
  options: {
    kind: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const kindText = requiredString(values, 'kind');
    const kind = kindText === 'id-check' ? kindText : parseKeyKind(kindText, '--kind');
    const dir = requiredString(values, 'out');
    const name = optionalString(values, 'name') ?? kind;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new UsageError('--name may use letters, digits, ".", "_" and "-" only');
    const force = flag(values, 'force');
    const keyPath = join(dir, `${name}.key`);
    const pubPath = join(dir, `${name}.pub.json`);

    // Check both before writing either, so a refusal leaves no half-made pair behind.
    if (!force) {
      for (const path of kind === 'id-check' ? [keyPath] : [keyPath, pubPath]) {
        if (await exists(path)) throw new InputError(`${path} already exists; use --force to replace it (the old key is then lost)`);
      }
    }
    try {
      const created = await mkdir(dir, { recursive: true, mode: 0o700 });
      // mkdir's mode is reduced by the umask; a new key directory is owner-only.
      if (created !== undefined) await chmod(dir, 0o700);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTDIR') throw new InputError(`--out ${dir} exists and is not a directory`);
      throw new InputError(`cannot create directory ${dir}: ${code ?? (e as Error).message}`);
    }

    if (kind === 'id-check') {
      const key = new Uint8Array(randomBytes(ID_KEY_LENGTH));
      try {
        await writeIdCheckKeyFile(keyPath, key, force);
      } finally {
        key.fill(0);
      }
      io.out(`ID-check key ${keyPath} (mode 0600; give it to the issuers and inspection devices only)`);
      return;
    }

    const secretKey = es256SecretKeyFromSeed(new Uint8Array(randomBytes(48)));
    let publicKey: Uint8Array;
    try {
      publicKey = nobleSigner(secretKey).publicKey;
      await writeSecretKeyFile(keyPath, kind, secretKey, force);
    } finally {
      secretKey.fill(0);
    }
    await writePublicKeyFile(pubPath, kind, name, publicKey, force);
    io.out(`kid ${bytesToHex(kidOf(publicKey))}`);
    io.out(`public key ${pubPath}`);
    io.out(`secret key ${keyPath} (mode 0600; keep ${kind === 'root' ? 'it offline' : 'it on the issuing server only'})`);
  },
};
