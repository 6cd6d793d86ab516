/**
 * JSON payloads of the topic tree: UTF-8 JSON objects, so Node-RED, Grafana
 * or MQTT Explorer read them without our code. Parsing is bounded and typed:
 * anything that is not a JSON object within the size limit is MALFORMED.
 */
import { equalBytes, utf8ToBytes, utf8ToString } from '../bytes.js';
import { ErrorCode, ProtocolError } from '../errors.js';

/** No JSON message of the tree comes near this; a device refuses bigger ones unread. */
export const MAX_JSON_BYTES = 8192;

export type JsonObject = { readonly [key: string]: unknown };

export function encodeJson(value: object): Uint8Array {
  return utf8ToBytes(JSON.stringify(value));
}

export function decodeJsonObject(bytes: Uint8Array, what: string, maxBytes = MAX_JSON_BYTES): JsonObject {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw malformed(`${what} is empty`);
  if (bytes.length > maxBytes) throw malformed(`${what} is ${bytes.length} bytes, at most ${maxBytes} allowed`);
  let value: unknown;
  try {
    const text = utf8ToString(bytes);
    // utf8ToString repairs bad sequences with U+FFFD; a message must be valid UTF-8 as sent.
    if (text.indexOf('\ufffd') >= 0 && !equalBytes(utf8ToBytes(text), bytes)) throw new Error('not UTF-8');
    value = JSON.parse(text);
  } catch {
    throw malformed(`${what} is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw malformed(`${what} must be a JSON object`);
  return value as JsonObject;
}

export function jsonUint(o: JsonObject, key: string, what: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || Object.is(v, -0)) throw malformed(`${what}.${key} must be an unsigned integer`);
  return v;
}

export function jsonOptUint(o: JsonObject, key: string, what: string): number | undefined {
  return o[key] === undefined || o[key] === null ? undefined : jsonUint(o, key, what);
}

export function jsonText(o: JsonObject, key: string, what: string, maxLength = 256): string {
  const v = o[key];
  if (typeof v !== 'string' || v.length > maxLength) throw malformed(`${what}.${key} must be text of at most ${maxLength} characters`);
  return v;
}

export function jsonOptText(o: JsonObject, key: string, what: string, maxLength = 256): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : jsonText(o, key, what, maxLength);
}

export function jsonBool(o: JsonObject, key: string, what: string): boolean {
  const v = o[key];
  if (typeof v !== 'boolean') throw malformed(`${what}.${key} must be true or false`);
  return v;
}

function malformed(message: string): ProtocolError {
  return new ProtocolError(ErrorCode.MALFORMED, message);
}
