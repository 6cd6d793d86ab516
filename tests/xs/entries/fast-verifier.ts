/**
 * Bundled into XS by tests/xs/fast-verifier.test.ts: the fast ES256
 * verifier inside the engine, on published vectors and on protocol vectors.
 */
import { createFastVerifier } from '../../../protocol/crypto/p256/fast-verifier.js';
import { GuestChannel } from '../../../simulator/xs/guest/channel.js';
import { runVector } from '../../support/sandbox-entry.js';
import { verifyHex } from '../../protocol/p256/sandbox-entry.js';

const verifier = createFastVerifier();

new GuestChannel().serve({
  verifyHex,
  runVector: (text: string) => runVector(text, verifier),
});
