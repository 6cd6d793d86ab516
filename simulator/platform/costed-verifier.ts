/**
 * A Verifier that also costs simulated CPU time, so a test can model the
 * ESP32's verify time (tens of milliseconds natively, hundreds in pure JS)
 * and see what the firmware does with the UART meanwhile.
 */
import type { Verifier } from '../../protocol/crypto/verifier.js';
import type { HostLoop } from '../host/loop.js';

export function costedVerifier(inner: Verifier, loop: HostLoop, costMs: number): Verifier {
  if (!(costMs > 0)) return inner;
  return {
    verify(alg, publicKey, data, signature) {
      loop.cpu(costMs);
      return inner.verify(alg, publicKey, data, signature);
    },
  };
}
