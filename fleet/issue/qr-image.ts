/**
 * Rendering a ticket's QR text as an image. Error correction M is what the
 * QR length budget (QR_MAX_TYPICAL_LENGTH: version 12 at M) assumes; the QR
 * text is all base45, so the encoder uses alphanumeric mode throughout.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import QRCode from 'qrcode';
import { InputError } from '../errors.js';

const ERROR_CORRECTION = 'M';

export async function writeQrPng(path: string, qrText: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    // 8 pixels a module keeps a version-12 code near 600 px: sharp on a phone screen and in print.
    await QRCode.toFile(path, qrText, { type: 'png', errorCorrectionLevel: ERROR_CORRECTION, margin: 4, scale: 8 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException | null)?.code;
    throw new InputError(`cannot write PNG ${path}: ${code ?? (e as Error).message}`);
  }
}

/** The QR code drawn with block characters, two modules a line, for a terminal. */
export async function renderQrForTerminal(qrText: string): Promise<string> {
  return QRCode.toString(qrText, { type: 'terminal', small: true, errorCorrectionLevel: ERROR_CORRECTION });
}
