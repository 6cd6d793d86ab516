/**
 * trust: sign the trust list (the issuer keys validators accept) with the
 * root key.
 */
import { bytesToHex, kidOf, openTrustList, signTrustList } from '../../protocol/index.js';
import type { Command } from '../command.js';
import { documentHeader, HEADER_HELP, HEADER_OPTIONS } from '../config/document-header.js';
import { readIssuersFile } from '../config/issuers-json.js';
import { writeSignedDocument } from '../config/write-document.js';
import { flag, requiredString } from '../input/options.js';
import { loadSecretKey } from '../keystore/secret-key-file.js';

export const trust: Command = {
  name: 'trust',
  summary: 'sign a trust list from issuers.json',
  help: `Usage: fleet trust --root <root.key> --issuers <issuers.json> --version N --operator OP --out <file.cbor>

Signs the trust list: the issuer keys validators accept tickets from, each
limited to modes, operators and a validity period.

Options:
  --issuers <file>    JSON array of {name, pub | publicKey, modes, operators, nbf, exp}
                      (see fleet/examples/issuers.json); "pub" paths are relative to the file
${HEADER_HELP}`,
  options: {
    ...HEADER_OPTIONS,
    issuers: { type: 'string' },
  },
  async run(values, _positionals, io) {
    const header = documentHeader(values);
    const issuersPath = requiredString(values, 'issuers');
    const out = requiredString(values, 'out');
    const root = await loadSecretKey(requiredString(values, 'root'), 'root');
    const { issuers, warnings } = await readIssuersFile(issuersPath, root.signer.publicKey, header.issuedAt);
    const open = (bytes: Uint8Array) => openTrustList(bytes, { rootKeys: [root.signer.publicKey] });
    const { bytes, doc: list } = await writeSignedDocument({
      out, what: 'trust list', version: header.version, force: flag(values, 'force'), open,
      sign: () => signTrustList(header, issuers, root.signer),
    });

    for (const w of warnings) io.err(`warning: ${w}`);
    io.out(`trust list version ${list.version} for ${list.operator}: ${list.issuers.size} issuer(s), ${bytes.length} bytes -> ${out}`);
    for (const i of list.issuers.values()) io.out(`  kid ${bytesToHex(i.kid)}  ${i.name}`);
    io.out(`signed by root kid ${bytesToHex(kidOf(root.signer.publicKey))}`);
  },
};
