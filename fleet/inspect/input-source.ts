/**
 * What `fleet inspect` was given: a QR text on the command line or on stdin
 * ("-"), or a file holding a QR text, a ticket's COSE bytes or a signed
 * configuration document. All of them come down to COSE_Sign1 bytes.
 */
import { decodeQrText } from '../../protocol/index.js';
import { readInputFile } from '../input/input-file.js';
import { InputError } from '../errors.js';

export interface InspectSource {
  /** The QR text when the input was one (tickets only). */
  readonly qrText?: string;
  readonly cose: Uint8Array;
}

const QR_SHAPE = /^TK[0-9]+:/;

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function fromQrText(text: string): InspectSource {
  const qrText = text.replace(/[\r\n]+$/, '');
  return { qrText, cose: decodeQrText(qrText) };
}

export async function readInspectSource(arg: string): Promise<InspectSource> {
  if (QR_SHAPE.test(arg)) return fromQrText(arg);
  let bytes: Buffer;
  try {
    bytes = arg === '-' ? await readStdin() : await readInputFile(arg, 'file');
  } catch (e) {
    if (e instanceof InputError && e.message.endsWith('does not exist')) {
      throw new InputError(`${arg} is neither a file nor a ticket QR text (TK1:...)`);
    }
    throw e;
  }
  if (bytes.length === 0) throw new InputError(`${arg === '-' ? 'stdin' : arg} is empty`);
  // A QR text saved to a file is ASCII starting "TK<n>:"; COSE starts with a CBOR tag or array byte.
  const head = bytes.subarray(0, 16).toString('latin1');
  if (QR_SHAPE.test(head)) return fromQrText(bytes.toString('latin1'));
  return { cose: new Uint8Array(bytes) };
}
