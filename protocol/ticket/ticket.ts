/**
 * A ticket end to end: claims -> COSE_Sign1 -> QR text, and back. Issuing
 * lives here too because the issuer and the validator must agree byte for
 * byte; key custody and randomness stay with the caller.
 */
import { decodeQrText, encodeQrText } from '../qr.js';
import { decodeSign1, signSign1, type Sign1 } from '../cose/sign1.js';
import type { Signer } from '../crypto/verifier.js';
import { kidOf } from '../crypto/keys.js';
import { decodeTicketClaims, encodeTicketClaims, type TicketClaims, type TicketInput } from './claims.js';

export interface DecodedTicket {
  /** The COSE bytes inside the QR text. */
  readonly cose: Uint8Array;
  readonly message: Sign1;
  readonly claims: TicketClaims;
}

/** Decodes (does not verify) a ticket's QR text; throws ProtocolError. */
export function decodeTicket(qrText: string): DecodedTicket {
  const cose = decodeQrText(qrText);
  const message = decodeSign1(cose);
  const claims = decodeTicketClaims(message.payload);
  return { cose, message, claims };
}

export interface IssuedTicket {
  readonly cose: Uint8Array;
  readonly qrText: string;
}

/** Signs a ticket with an issuer key; kid is derived from the signer's public key. */
export function issueTicket(input: TicketInput, signer: Signer): IssuedTicket {
  const payload = encodeTicketClaims(input);
  const cose = signSign1(payload, signer, { kid: kidOf(signer.publicKey) });
  return { cose, qrText: encodeQrText(cose) };
}
