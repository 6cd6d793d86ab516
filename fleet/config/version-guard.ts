/**
 * Validators refuse a document whose version is not newer than the one they
 * hold (anti-rollback), so publishing version 3 over an existing version 5
 * would be silently ignored by the whole fleet. Before replacing an output
 * file, check whether it already holds the same kind of document from the
 * same root with a version at least as high.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../errors.js';

/** `open` is the protocol's opener for the document type, bound to this root key. */
export async function checkNewerThanExisting(path: string, what: string, version: number, open: (bytes: Uint8Array) => { version: number }): Promise<void> {
  let held: number;
  try {
    held = open(new Uint8Array(await readFile(path))).version;
  } catch {
    return; // nothing there, or not this kind of document from this root: it is simply replaced
  }
  if (version > held) return;
  throw new InputError(`${path} already holds ${what} version ${held}; validators ignore a version that is not newer (use --version ${held + 1}, or --force)`);
}
