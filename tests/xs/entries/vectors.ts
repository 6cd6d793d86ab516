/**
 * Bundled into XS by tests/xs/protocol.test.ts: runs a protocol test vector
 * with the reference verifier (@noble/curves) inside the engine. The same
 * runVector runs on Node for the comparison.
 */
import { GuestChannel } from '../../../simulator/xs/guest/channel.js';
import { runVector } from '../../support/sandbox-entry.js';

new GuestChannel().serve({ runVector });
