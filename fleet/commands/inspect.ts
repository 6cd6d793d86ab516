/**
 * inspect: decode a ticket (QR text or COSE file) or a signed configuration
 * document and print a JSON summary. Without keys nothing is verified and the
 * summary says so; with --root a document's signature is checked, and with
 * --trust and --root a ticket is checked against the trust list and run
 * through validate() as a validator of the trust list's operator would.
 */
import { readFile } from 'node:fs/promises';
import {
  bytesToHex, decodeSign1, decodeTicketClaims, encodeQrText, findIssuer, nobleVerifier, openTrustList, validate, verifySign1,
  type Sign1, type TrustList,
} from '../../protocol/index.js';
import type { Command, Io } from '../command.js';
import { InputError, UsageError } from '../errors.js';
import { fileError } from '../input/input-file.js';
import { optionalString } from '../input/options.js';
import { formatInstant, nowSeconds, parseInstant } from '../input/time.js';
import { documentHead, documentSummary } from '../inspect/document-summary.js';
import { readInspectSource } from '../inspect/input-source.js';
import { ticketSummary } from '../inspect/ticket-summary.js';
import { loadPublicKeyFile } from '../keystore/public-key-file.js';

async function loadTrustList(path: string, rootKey: Uint8Array): Promise<TrustList> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (e) {
    throw fileError(e, path, 'trust list');
  }
  return openTrustList(bytes, { rootKeys: [rootKey] });
}

/** Checks a ticket's signature against the trust list and reports what a validator would decide. */
function verifyTicket(message: Sign1, qrText: string, trust: TrustList, now: number): Record<string, unknown> {
  const issuer = message.kid && findIssuer(trust, message.kid);
  if (!issuer) {
    throw new InputError(`ticket kid ${message.kid ? bytesToHex(message.kid) : '(none)'} is not in trust list version ${trust.version}`);
  }
  verifySign1(message, issuer.publicKey);
  const result = validate(qrText, { operator: trust.operator, trust, now, verifier: nobleVerifier });
  return {
    trustList: { operator: trust.operator, version: trust.version },
    issuer: issuer.name,
    signature: 'valid',
    at: formatInstant(now),
    decision: result.decision,
    reason: result.reason,
    text: `${result.text.zh} / ${result.text.en}`,
  };
}

function print(io: Io, summary: Record<string, unknown>): void {
  io.out(JSON.stringify(summary, null, 2));
}

export const inspect: Command = {
  name: 'inspect',
  summary: 'decode a ticket or signed document and print a summary',
  help: `Usage: fleet inspect <file | QR text | -> [--root <root.pub.json> [--trust <trust.cbor>]] [--now TIME]

Prints a JSON summary of a ticket (QR text, a file holding one, or COSE bytes)
or of a signed trust, deny or trip list. "-" reads stdin. Quote a QR text: it
contains spaces and shell characters.

Without --root nothing is verified ("verified": false). With --root a
document's signature is checked; a ticket needs --trust as well, and is then
checked against the trust list and validated as of --now.

Options:
  --root <file>       the operator's root public key file (.pub.json)
  --trust <file>      signed trust list (for tickets)
  --now TIME          ISO date-time with offset or epoch seconds (default: now)`,
  options: {
    root: { type: 'string' },
    trust: { type: 'string' },
    now: { type: 'string' },
  },
  maxPositionals: 1,
  async run(values, positionals, io) {
    const arg = positionals[0];
    if (arg === undefined) throw new UsageError('give a file, a QR text or "-"');
    const rootPath = optionalString(values, 'root');
    const trustPath = optionalString(values, 'trust');
    if (trustPath !== undefined && rootPath === undefined) throw new UsageError('--trust needs --root: the trust list is checked against the root key');
    const nowText = optionalString(values, 'now');
    let now = nowSeconds();
    if (nowText !== undefined) {
      try {
        now = parseInstant(/^[0-9]+$/.test(nowText) ? Number(nowText) : nowText, '--now');
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }

    const source = await readInspectSource(arg);
    const message = decodeSign1(source.cose);
    const rootKey = rootPath === undefined ? undefined : (await loadPublicKeyFile(rootPath, 'root public key file')).publicKey;

    const head = documentHead(message);
    if (head) {
      print(io, documentSummary(message, head, source.cose, rootKey));
      return;
    }
    const claims = decodeTicketClaims(message.payload);
    const summary = ticketSummary(message, claims, source.cose, source.qrText);
    if (rootKey === undefined) {
      print(io, { kind: 'ticket', verified: false, ...summary });
      return;
    }
    if (trustPath === undefined) throw new UsageError('to verify a ticket give --trust <trust.cbor> as well as --root');
    const trust = await loadTrustList(trustPath, rootKey);
    const verification = verifyTicket(message, source.qrText ?? encodeQrText(source.cose), trust, now);
    print(io, { kind: 'ticket', verified: true, ...summary, verification });
  },
};
