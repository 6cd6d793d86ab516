/**
 * issue: sign one ticket with an issuer key and print its QR text. stdout
 * carries the QR text alone, so `QR=$(fleet issue ...)` works; everything
 * else (ticket id, length, warnings, the terminal rendering) goes to stderr.
 */
import { randomBytes } from 'node:crypto';
import {
  bytesToHex, displayMaskedId, ID_SALT_LENGTH, issueTicket, isProtocolError, QR_MAX_TYPICAL_LENGTH, ticketHash,
} from '../../protocol/index.js';
import type { Command } from '../command.js';
import { InputError, UsageError } from '../errors.js';
import { parseHex } from '../input/hex.js';
import { readJsonFile } from '../input/input-file.js';
import { flag, optionalString, requiredString } from '../input/options.js';
import { nowSeconds } from '../input/time.js';
import { renderQrForTerminal, writeQrPng } from '../issue/qr-image.js';
import { ticketFromJson } from '../issue/ticket-json.js';
import { loadSecretKey } from '../keystore/secret-key-file.js';
import { loadIdCheckKey } from '../keystore/id-check-key-file.js';

/** 8 random bytes: the protocol minimum, enough for one issuer's tickets and short in the QR. */
const CTI_LENGTH = 8;

function ctiOption(text: string): Uint8Array {
  try {
    return parseHex(text, '--cti', { min: 8, max: 32 });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export const issue: Command = {
  name: 'issue',
  summary: 'issue a ticket from ticket.json and print its QR text',
  help: `Usage: fleet issue --key <issuer.key> --ticket <ticket.json> [--id-key <id-check.key>] [--png <file.png>] [--terminal] [--cti HEX]

Signs a ticket and prints its QR text on stdout (one line). The holder's name
is masked and the ID number reduced to its first and last four characters and
a salted hash keyed with the operator's ID-check key; neither is printed in full.

Options:
  --key <file>       issuer secret key file
  --id-key <file>    the operator's ID-check key (needed when the holder has an idNumber)
  --ticket <file>    the ticket in friendly JSON (see fleet/examples/ticket.json)
  --png <file>       also write the QR code as a PNG (error correction M)
  --terminal         also draw the QR code on stderr
  --cti HEX          ticket id, 8 to 32 bytes (default: 8 random bytes)`,
  options: {
    key: { type: 'string' },
    'id-key': { type: 'string' },
    ticket: { type: 'string' },
    png: { type: 'string' },
    terminal: { type: 'boolean' },
    cti: { type: 'string' },
  },
  async run(values, _positionals, io) {
    const ticketPath = requiredString(values, 'ticket');
    const ctiText = optionalString(values, 'cti');
    const cti = ctiText === undefined ? new Uint8Array(randomBytes(CTI_LENGTH)) : ctiOption(ctiText);
    const png = optionalString(values, 'png');
    const issuer = await loadSecretKey(requiredString(values, 'key'), 'issuer');
    const idKeyPath = optionalString(values, 'id-key');
    const idKey = idKeyPath === undefined ? undefined : await loadIdCheckKey(idKeyPath);
    const json = await readJsonFile(ticketPath, 'ticket file');
    const { input, warnings } = ticketFromJson(json, `ticket file ${ticketPath}`, {
      cti,
      idSalt: new Uint8Array(randomBytes(ID_SALT_LENGTH)),
      idKey,
      now: nowSeconds(),
    });
    idKey?.fill(0);

    // issueTicket reads the claims back as a validator does and refuses what one would refuse.
    let qrText: string;
    try {
      qrText = issueTicket(input, issuer.signer).qrText;
    } catch (e) {
      if (isProtocolError(e)) throw new InputError(`the ticket would be refused by validators: ${e.message}`);
      throw e;
    }

    // The image first: if it cannot be written, stdout stays empty and a script sees only the failure.
    if (png !== undefined) await writeQrPng(png, qrText);
    io.out(qrText);
    for (const w of warnings) io.err(`warning: ${w}`);
    const t = input.transit;
    const holder = [t.holderName, t.holderId && displayMaskedId(t.holderId)].filter(Boolean).join(' ');
    io.err(`ticket ${t.ticketNo} for ${t.operator}${holder ? `, holder ${holder}` : ''}, signed by kid ${issuer.kid}`);
    io.err(`cti ${bytesToHex(cti)} (ticket hash ${bytesToHex(ticketHash(cti))}); revoke with: fleet deny --ticket-ids`);
    io.err(`QR text length ${qrText.length}${qrText.length > QR_MAX_TYPICAL_LENGTH ? ` (warning: over ${QR_MAX_TYPICAL_LENGTH}, the code will be dense)` : ''}`);
    if (png !== undefined) io.err(`PNG ${png}`);
    if (flag(values, 'terminal')) io.err(await renderQrForTerminal(qrText));
  },
};
