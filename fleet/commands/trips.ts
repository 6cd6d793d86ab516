/**
 * trips: sign the trip list (the departures validators may serve) with the
 * root key.
 */
import { bytesToHex, kidOf, openTripList, signTripList } from '../../protocol/index.js';
import type { Command } from '../command.js';
import { documentHeader, HEADER_HELP, HEADER_OPTIONS } from '../config/document-header.js';
import { readTripsFile } from '../config/trips-json.js';
import { writeSignedDocument } from '../config/write-document.js';
import { flag, requiredString } from '../input/options.js';
import { formatInstant } from '../input/time.js';
import { loadSecretKey } from '../keystore/secret-key-file.js';

export const trips: Command = {
  name: 'trips',
  summary: 'sign a trip list from trips.json',
  help: `Usage: fleet trips --root <root.key> --trips <trips.json> --version N --operator OP --out <file.cbor>

Signs the list of departures the driver can choose from on the validator.

Options:
  --trips <file>      JSON array of {id, line, serviceDate, departure, stops, expected}
                      (see fleet/examples/trips.json)
${HEADER_HELP}`,
  options: {
    ...HEADER_OPTIONS,
    trips: { type: 'string' },
  },
  async run(values, _positionals, io) {
    const header = documentHeader(values);
    const tripsPath = requiredString(values, 'trips');
    const out = requiredString(values, 'out');
    const root = await loadSecretKey(requiredString(values, 'root'), 'root');
    const input = await readTripsFile(tripsPath);
    const open = (bytes: Uint8Array) => openTripList(bytes, { rootKeys: [root.signer.publicKey] });
    const { bytes, doc: list } = await writeSignedDocument({
      out, what: 'trip list', version: header.version, force: flag(values, 'force'), open,
      sign: () => signTripList(header, input, root.signer),
    });

    io.out(`trip list version ${list.version} for ${list.operator}: ${list.trips.length} trip(s), ${bytes.length} bytes -> ${out}`);
    for (const t of list.trips) io.out(`  ${t.id}  line ${t.line}  ${t.serviceDate}  departs ${formatInstant(t.departure)}  ${t.stops.join(' > ')}`);
    io.out(`signed by root kid ${bytesToHex(kidOf(root.signer.publicKey))}`);
  },
};
