/** The platform services a validator is given: everything that differs between the ESP32, XS on a PC and Node. */
import type { Verifier } from '../../protocol/crypto/verifier.js';
import type { Clock } from './clock.js';
import type { Random } from './random.js';
import type { Timers } from './timers.js';
import type { Uplink } from './uplink.js';

export interface Platform {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  /** Moddable's native ECDSA on the device; @noble/curves as the reference. */
  readonly verifier: Verifier;
  /** The link to the back office; absent until sync exists, shown as offline. */
  readonly uplink?: Uplink;
}
