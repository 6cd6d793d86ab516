/**
 * The MQTT session number: one more on every connect, kept in the settings
 * store so it keeps rising across reboots. It goes in the state message and
 * the Last Will, so a dashboard can tell a stale will from a fresh one.
 * Counted before the attempt, because the Will is fixed at CONNECT.
 */
import type { KeyValueStore } from '../store/key-value-store.js';

export const SESSION_KEY = 'sync/session';

export function nextSession(store: KeyValueStore): number {
  const held = store.get(SESSION_KEY);
  const last = held && held.length === 4 ? ((held[0] | (held[1] << 8) | (held[2] << 16) | (held[3] << 24)) >>> 0) : 0;
  const next = last >= 0xffffffff ? 1 : last + 1;
  store.set(SESSION_KEY, Uint8Array.of(next & 0xff, (next >>> 8) & 0xff, (next >>> 16) & 0xff, next >>> 24));
  return next;
}
