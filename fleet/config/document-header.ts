/**
 * The header every signed configuration document carries, from the options
 * the trust, deny and trips commands share.
 */
import type { DocumentHeader } from '../../protocol/index.js';
import type { OptionValues } from '../command.js';
import { nowSeconds } from '../input/time.js';
import { operatorCode, positiveInteger } from '../input/options.js';

export type Header = Omit<DocumentHeader, 'type'>;

export function documentHeader(values: OptionValues): Header {
  return { version: positiveInteger(values, 'version'), operator: operatorCode(values), issuedAt: nowSeconds() };
}

export const HEADER_HELP = `  --root <root.key>   the operator's root secret key file
  --version N         document version; validators only accept a version newer than the one they hold
  --operator OP       operator code, e.g. YTBUS
  --out <file>        where to write the signed CBOR document
  --force             write even if <file> already holds this version or a newer one`;

/** The options trust, deny and trips share; each command adds its input file. */
export const HEADER_OPTIONS = Object.freeze({
  root: { type: 'string' },
  version: { type: 'string' },
  operator: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
} as const);
