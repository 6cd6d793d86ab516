/**
 * Entry point bundled into a realm with only the ECMAScript built-ins, to
 * show that the fast verifier needs nothing from its host. Strings in,
 * strings out, so no object crosses between realms.
 */
import { CoseAlg } from '../../../protocol/crypto/algorithms.js';
import { createFastVerifier } from '../../../protocol/crypto/p256/fast-verifier.js';

const verifier = createFastVerifier({ maxKeys: 4 });

function bytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** "true" or "false" for one verification; arguments are hex. */
export function verifyHex(publicKey: string, message: string, signature: string): string {
  return String(verifier.verify(CoseAlg.ES256, bytes(publicKey), bytes(message), bytes(signature)));
}
