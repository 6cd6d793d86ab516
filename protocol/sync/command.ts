/**
 * Commands to one validator on `tk/v1/{op}/{v}/cmd/{name}` and its reply on
 * `.../res/{name}` (both QoS 1, JSON):
 *
 *   cmd/ping      {"reqId": "r1"}                          -> {"reqId": "r1", "ok": true, "ts": ms}
 *   cmd/sync-now  {"reqId": "r2"}                          -> {"reqId": "r2", "ok": true, "backlog": n}
 *   cmd/set-trip  {"reqId": "r3", "trip": id, "serviceDate": 20261125}
 *                                                          -> {"reqId": "r3", "ok": true, "trip": id, "serviceDate": n} or ok false, "error": "UNKNOWN_TRIP"
 *   cmd/reboot    {"reqId": "r4"}                          -> {"reqId": "r4", "ok": true}, then the validator restarts
 *
 * An unknown command gets `{"ok": false, "error": "UNKNOWN_COMMAND"}`; one
 * with bad arguments `BAD_ARGUMENTS`. A payload without a usable reqId is not
 * answered (there is no one to answer), only counted as malformed.
 */
import { ErrorCode, ProtocolError } from '../errors.js';
import { checkTopicId, isTopicId } from './topics.js';
import { decodeJsonObject, encodeJson, jsonText, type JsonObject } from './json.js';

export const Command = Object.freeze({ PING: 'ping', SYNC_NOW: 'sync-now', SET_TRIP: 'set-trip', REBOOT: 'reboot' } as const);
export type Command = (typeof Command)[keyof typeof Command];
export const COMMANDS: readonly Command[] = Object.freeze(Object.values(Command));

export const CommandError = Object.freeze({
  UNKNOWN_COMMAND: 'UNKNOWN_COMMAND',
  BAD_ARGUMENTS: 'BAD_ARGUMENTS',
  UNKNOWN_TRIP: 'UNKNOWN_TRIP',
  FAILED: 'FAILED',
} as const);
export type CommandError = (typeof CommandError)[keyof typeof CommandError];

export const MAX_REQ_ID = 64;

export interface CommandRequest {
  readonly reqId: string;
  readonly args: JsonObject;
}

export interface CommandResponse {
  readonly reqId: string;
  readonly ok: boolean;
  readonly error?: CommandError;
  readonly [key: string]: unknown;
}

export function encodeCommand(reqId: string, args: object = {}): Uint8Array {
  return encodeJson({ ...args, reqId: checkReqId(reqId) });
}

export function decodeCommand(bytes: Uint8Array): CommandRequest {
  const o = decodeJsonObject(bytes, 'command', 2048);
  return { reqId: readReqId(o, 'command'), args: o };
}

export function encodeResponse(response: CommandResponse): Uint8Array {
  return encodeJson(response);
}

export function decodeResponse(bytes: Uint8Array): CommandResponse {
  const o = decodeJsonObject(bytes, 'response');
  const reqId = readReqId(o, 'response');
  return { ...o, reqId, ok: o.ok === true } as CommandResponse;
}

function checkReqId(reqId: string): string {
  return checkTopicId(reqId, 'reqId');
}

/** A reqId is an id like a topic segment: the same rule on both sides. */
function readReqId(o: JsonObject, what: string): string {
  const reqId = jsonText(o, 'reqId', what, MAX_REQ_ID);
  if (!isTopicId(reqId)) throw new ProtocolError(ErrorCode.MALFORMED, `${what}.reqId must be 1-64 characters of A-Z a-z 0-9 . _ -`);
  return reqId;
}
