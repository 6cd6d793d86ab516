/**
 * Reading a file that holds a secret: refused unless it is a regular file
 * that only its owner can read or write, so a key copied with the wrong mode
 * is noticed before it is used. Errors never quote the file's contents.
 */
import { open } from 'node:fs/promises';
import { InputError } from '../errors.js';
import { fileError } from '../input/input-file.js';

export async function readPrivateFile(path: string): Promise<string> {
  try {
    const file = await open(path, 'r');
    try {
      // fstat on the open file, so the mode checked is the mode of the file read.
      const stat = await file.stat();
      if (!stat.isFile()) throw new InputError(`key file ${path} is not a regular file`);
      if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
        const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
        throw new InputError(`key file ${path} is readable or writable by group or others (mode ${mode}); run: chmod 600 ${path}`);
      }
      return await file.readFile('utf8');
    } finally {
      await file.close();
    }
  } catch (e) {
    throw e instanceof InputError ? e : fileError(e, path, 'key file');
  }
}

/** A private file holding one JSON object; `bad(why)` makes the caller's error. */
export async function readPrivateJson(path: string, bad: (why: string) => Error): Promise<Record<string, unknown>> {
  const text = await readPrivateFile(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw bad('not JSON'); // never JSON.parse's message: it quotes the file
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw bad('not a JSON object');
  return json as Record<string, unknown>;
}
