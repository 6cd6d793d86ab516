/**
 * Configuration documents arriving on `cfg/{kind}` (operator-wide and per
 * validator, both retained). The app verifies and applies them atomically
 * and stores the last good copy (ActiveConfig); here we skip bytes already
 * handled on that topic, which a retained message brings again on every
 * reconnect, so a reconnect costs no signature check and reports nothing
 * twice, and turn each outcome into an event for the back office.
 */
import { ApplyOutcome, type ApplyResult, type ConfigKind } from '../config/active-config.js';
import { crc32 } from '../flash/crc32.js';
import type { SyncHost } from './sync-host.js';

export class ConfigUpdates {
  /** Per topic: length and CRC of the last document handled. */
  readonly #seen = new Map<string, string>();

  /** What the app made of the document; undefined when the bytes were the same as last time on this topic. */
  handle(host: SyncHost, topic: string, kind: ConfigKind, bytes: Uint8Array): ApplyResult | undefined {
    const fingerprint = `${bytes.length}:${crc32(bytes)}`;
    if (this.#seen.get(topic) === fingerprint) return undefined;
    this.#seen.set(topic, fingerprint);
    return host.applyConfig(kind, bytes);
  }
}

/** Whether the back office hears of it: applied or refused, not a redelivery of what is held. */
export function worthReporting(result: ApplyResult | undefined): result is ApplyResult {
  return result !== undefined && result.outcome !== ApplyOutcome.UNCHANGED;
}
