/**
 * Writing output files so that a reader never sees half a file: a validator
 * fleet syncing the output directory, or a crash mid-write, must find either
 * the old document or the new one. Replacing goes through a temporary file in
 * the same directory and a rename; creating uses O_EXCL so an existing file
 * (a key!) is never clobbered by accident.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';

export interface WriteOptions {
  /** Replace an existing file (default: refuse). */
  overwrite: boolean;
  /** Owner-only (0600) from the moment the file exists; for secret keys. */
  private?: boolean;
  /** Appended to the "already exists" message, e.g. "use --force to replace it". */
  existsHint?: string;
}

export async function writeOutputFile(path: string, data: Uint8Array | string, options: WriteOptions): Promise<void> {
  const mode = options.private ? 0o600 : 0o644;
  const target = options.overwrite ? `${path}.${randomBytes(6).toString('hex')}.tmp` : path;
  try {
    await mkdir(dirname(path), { recursive: true });
    const file = await open(target, 'wx', mode);
    try {
      // The mode given to open() is reduced by the umask; a key file must end up exactly 0600.
      if (options.private) await file.chmod(0o600);
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    if (options.overwrite) await rename(target, path);
  } catch (e) {
    if (options.overwrite) await unlink(target).catch(() => undefined);
    throw writeError(e, path, options);
  }
}

function writeError(e: unknown, path: string, options: WriteOptions): Error {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code === 'EEXIST') return new InputError(`${path} already exists${options.existsHint ? `; ${options.existsHint}` : ''}`);
  if (code === 'EACCES' || code === 'EPERM') return new InputError(`cannot write ${path}: permission denied`);
  if (code === 'ENOTDIR') return new InputError(`cannot write ${path}: a parent is not a directory`);
  if (code === 'EISDIR') return new InputError(`cannot write ${path}: it is a directory`);
  if (typeof code === 'string') return new InputError(`cannot write ${path}: ${code}`);
  return e as Error;
}
