/**
 * The back-office sync's settings from the build configuration (`mc/config`):
 * the broker in `mqtt` and the firmware version in `fw`.
 *
 * `mqtt` is an object in the manifest (`{"host": "10.8.0.2", "port": 1883,
 * "user": "...", "password": "..."}`) or one string on the mcconfig command
 * line, which passes only strings: `mqtt=10.8.0.2`, `mqtt=10.8.0.2:1883` or
 * `mqtt=mqtt://user:password@broker.local:1883` (user and password
 * percent-encoded). Empty or absent: the validator does not sync.
 *
 * A broker that cannot be read stops the boot with a message saying why, as
 * bad provisioning does: a build with a typo is caught at the depot, not
 * found weeks later as a validator that never uploaded.
 */
import type { BrokerAddress } from '../sync/mqtt-link.js';

export interface SyncConfig {
  readonly mqtt?: unknown;
  readonly fw?: unknown;
}

/** What a build says when its manifest sets no `fw`. */
export const UNKNOWN_FIRMWARE = 'unknown';

function fail(what: string): never {
  throw new Error(`sync: mqtt ${what}`);
}

function port(value: unknown): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) fail('port must be 1-65535');
  return n;
}

function host(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '' || /[\s/@]/.test(value.trim())) fail('host is not a host name or address');
  return value.trim();
}

function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') fail(`${name} must be text`);
  return value;
}

function decoded(text: string, name: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail(`${name} is not percent-encoded properly`);
  }
}

/** `[mqtt://][user[:password]@]host[:port]` */
function fromText(text: string): BrokerAddress {
  let rest = text.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest);
  if (scheme) {
    if (scheme[1].toLowerCase() !== 'mqtt') fail(`scheme ${scheme[1]}: is not supported (plain mqtt:// only)`);
    rest = rest.slice(scheme[0].length).replace(/\/$/, '');
  }
  let user: string | undefined;
  let password: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const credentials = rest.slice(0, at);
    rest = rest.slice(at + 1);
    const colon = credentials.indexOf(':');
    user = decoded(colon >= 0 ? credentials.slice(0, colon) : credentials, 'user');
    if (colon >= 0) password = decoded(credentials.slice(colon + 1), 'password');
  }
  const colon = rest.lastIndexOf(':');
  const address = colon >= 0 ? { host: host(rest.slice(0, colon)), port: port(rest.slice(colon + 1)) ?? fail('port is empty') } : { host: host(rest) };
  return Object.freeze({ ...address, ...(user ? { user } : {}), ...(password !== undefined ? { password } : {}) });
}

/** The broker to sync with, or undefined when the build names none. */
export function brokerFromConfig(config: SyncConfig): BrokerAddress | undefined {
  const value = config.mqtt;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return fromText(value);
  if (typeof value !== 'object' || Array.isArray(value)) return fail('must be an object or text');
  const o = value as Record<string, unknown>;
  const user = optionalText(o.user, 'user');
  const password = optionalText(o.password, 'password');
  const p = port(o.port);
  return Object.freeze({
    host: host(o.host),
    ...(p !== undefined ? { port: p } : {}),
    ...(user !== undefined ? { user } : {}),
    ...(password !== undefined ? { password } : {}),
  });
}

/** The firmware version for the state message: the manifest's `fw`. */
export function firmwareVersion(config: SyncConfig): string {
  return typeof config.fw === 'string' && config.fw.trim() !== '' ? config.fw.trim() : UNKNOWN_FIRMWARE;
}
