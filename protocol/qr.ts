/**
 * QR text: a version prefix, then base45 of the COSE bytes. The prefix lets a
 * validator tell our tickets from any other QR code (and from future formats)
 * before spending time on decoding; base45 keeps the QR in alphanumeric mode.
 */
import { base45Decode, base45Encode } from './base45.js';
import { ErrorCode, ProtocolError } from './errors.js';

export const QR_PREFIX = 'TK1:';
/** A typical ticket must fit a version-12 QR at error correction M. */
export const QR_MAX_TYPICAL_LENGTH = 400;
/** Scanner lines longer than this are not ours; firmware caps its buffers here. */
export const QR_MAX_LENGTH = 1200;

const PREFIX_SHAPE = /^TK[0-9]+:/;

export function encodeQrText(cose: Uint8Array): string {
  return QR_PREFIX + base45Encode(cose);
}

/** The COSE bytes inside a QR text; MALFORMED or UNSUPPORTED_VERSION otherwise. */
export function decodeQrText(text: string): Uint8Array {
  if (typeof text !== 'string') throw new ProtocolError(ErrorCode.MALFORMED, 'QR text must be a string');
  if (text.length > QR_MAX_LENGTH) throw new ProtocolError(ErrorCode.MALFORMED, `QR text longer than ${QR_MAX_LENGTH}`);
  if (!text.startsWith(QR_PREFIX)) {
    if (PREFIX_SHAPE.test(text)) throw new ProtocolError(ErrorCode.UNSUPPORTED_VERSION, `ticket format ${text.slice(0, text.indexOf(':'))} is not supported`);
    throw new ProtocolError(ErrorCode.MALFORMED, 'not a ticket QR code');
  }
  const body = text.slice(QR_PREFIX.length);
  if (body.length === 0) throw new ProtocolError(ErrorCode.MALFORMED, 'empty ticket body');
  return base45Decode(body);
}
