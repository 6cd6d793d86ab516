/**
 * deny: sign a full deny list (revoked tickets) with the root key.
 */
import { bytesToHex, kidOf, openDenyList, signDenyList } from '../../protocol/index.js';
import type { Command } from '../command.js';
import { readDenyEntries, type DenySource } from '../config/deny-entries.js';
import { documentHeader, HEADER_HELP, HEADER_OPTIONS } from '../config/document-header.js';
import { writeSignedDocument } from '../config/write-document.js';
import { UsageError } from '../errors.js';
import { flag, optionalString, requiredString } from '../input/options.js';
import { loadSecretKey } from '../keystore/secret-key-file.js';

export const deny: Command = {
  name: 'deny',
  summary: 'sign a deny list of revoked tickets',
  help: `Usage: fleet deny --root <root.key> --version N --operator OP --out <file.cbor>
                 (--ticket-ids <file> | --hashes <file>)

Signs a full deny list. Each version replaces the previous one, so list every
ticket still revoked, not only the new ones.

Options:
  --ticket-ids <file>  ticket ids (cti) in hex, one a line, as "fleet issue" prints them
  --hashes <file>      8-byte ticket hashes in hex, one a line
                       (in both, blank lines and text after "#" are ignored)
${HEADER_HELP}`,
  options: {
    ...HEADER_OPTIONS,
    'ticket-ids': { type: 'string' },
    hashes: { type: 'string' },
  },
  async run(values, _positionals, io) {
    const header = documentHeader(values);
    const out = requiredString(values, 'out');
    const ticketIds = optionalString(values, 'ticket-ids');
    const hashes = optionalString(values, 'hashes');
    if ((ticketIds === undefined) === (hashes === undefined)) throw new UsageError('give exactly one of --ticket-ids and --hashes');
    const source: DenySource = ticketIds !== undefined ? { ticketIds } : { hashes: hashes as string };
    const root = await loadSecretKey(requiredString(values, 'root'), 'root');
    const entries = await readDenyEntries(source);
    const open = (bytes: Uint8Array) => openDenyList(bytes, { rootKeys: [root.signer.publicKey] });
    const { bytes, doc: list } = await writeSignedDocument({
      out, what: 'deny list', version: header.version, force: flag(values, 'force'), open,
      sign: () => signDenyList(header, entries, root.signer),
    });

    if (list.size === 0) io.err('note: the list is empty; it revokes no ticket (and lifts every earlier revocation)');
    if (list.size < entries.length) io.err(`note: ${entries.length - list.size} duplicate entr${entries.length - list.size === 1 ? 'y' : 'ies'} dropped`);
    io.out(`deny list version ${list.version} for ${list.operator}: ${list.size} revoked ticket(s), ${bytes.length} bytes -> ${out}`);
    io.out(`signed by root kid ${bytesToHex(kidOf(root.signer.publicKey))}`);
  },
};
