/**
 * The entries of a deny list, from a text file of ticket ids (cti, 8 to 32
 * bytes, as `fleet issue` prints them) or of ticket hashes (8 bytes), one hex
 * value a line. Blank lines and "#" comments are ignored, so a revocation
 * file can say why each ticket is on it.
 */
import { ticketHash, TICKET_HASH_LENGTH } from '../../protocol/index.js';
import { InputError } from '../errors.js';
import { parseHex } from '../input/hex.js';
import { readInputFile } from '../input/input-file.js';

export type DenySource = { readonly ticketIds: string } | { readonly hashes: string };

export async function readDenyEntries(source: DenySource): Promise<Uint8Array[]> {
  const byId = 'ticketIds' in source;
  const path = byId ? source.ticketIds : source.hashes;
  const text = (await readInputFile(path, byId ? 'ticket id file' : 'hash file')).toString('utf8');
  const out: Uint8Array[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') return;
    const where = `${path}:${i + 1}`;
    try {
      out.push(byId ? ticketHash(parseHex(line, 'a ticket id', { min: 8, max: 32 })) : parseHex(line, 'a ticket hash', TICKET_HASH_LENGTH));
    } catch (e) {
      throw new InputError(`${where}: ${(e as Error).message}`);
    }
  });
  return out;
}
