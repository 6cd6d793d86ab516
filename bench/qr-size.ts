/**
 * Size of a typical ticket's QR text against the budget of a version-12 QR
 * code at error correction M (DESIGN §2), and what each part costs.
 */
import QRCode from 'qrcode';
import { QR_MAX_TYPICAL_LENGTH, decodeSign1 } from '../protocol/index.js';
import { issue } from '../tests/protocol/fixtures.js';
import { printTable } from './harness.js';

export function run(): void {
  const typical = issue();
  const group = issue({ passengers: 3, invoiceRef: '26370000000012345678' });
  const minimal = issue({ seat: undefined, holderName: undefined, holderId: undefined, holderIdHash: undefined, departure: undefined }, { iat: undefined });
  const rows = [
    ['typical (real-name, seat, trip)', typical],
    ['group of 3 with e-invoice reference', group],
    ['minimal (no real-name fields)', minimal],
  ] as const;
  printTable('Ticket size', ['ticket', 'COSE bytes', 'payload bytes', 'QR chars', 'x budget', 'QR version (M)'], rows.map(([name, t]) => [
    name,
    t.cose.length,
    decodeSign1(t.cose).payload.length,
    t.qrText.length,
    t.qrText.length / QR_MAX_TYPICAL_LENGTH,
    QRCode.create(t.qrText, { errorCorrectionLevel: 'M' }).version,
  ]));
  console.log(`\ntarget: a typical ticket at most ${QR_MAX_TYPICAL_LENGTH} characters -> ${typical.qrText.length <= QR_MAX_TYPICAL_LENGTH ? 'met' : 'NOT met'} (${typical.qrText.length})`);
}
