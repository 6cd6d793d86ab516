/**
 * The last steps every configuration command takes, in one place: refuse to
 * go back in version (unless forced), sign, open the result exactly as a
 * validator will, and only then write the file.
 */
import { writeOutputFile } from '../output/write-file.js';
import { checkNewerThanExisting } from './version-guard.js';

export interface WriteDocumentOptions<T extends { version: number }> {
  readonly out: string;
  /** "trust list", "deny list", ...: for messages. */
  readonly what: string;
  readonly version: number;
  /** --force: replace even a newer document. */
  readonly force: boolean;
  readonly sign: () => Uint8Array;
  /** The protocol's opener for this document type, bound to the root key. */
  readonly open: (bytes: Uint8Array) => T;
}

export async function writeSignedDocument<T extends { version: number }>(o: WriteDocumentOptions<T>): Promise<{ bytes: Uint8Array; doc: T }> {
  if (!o.force) await checkNewerThanExisting(o.out, o.what, o.version, o.open);
  const bytes = o.sign();
  const doc = o.open(bytes); // the exact check every validator will make
  await writeOutputFile(o.out, bytes, { overwrite: true });
  return { bytes, doc };
}
