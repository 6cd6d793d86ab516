/**
 * Commands from the back office (`cmd/{name}`, JSON with a reqId), each
 * answered on `res/{name}`. A command never throws into the link: a bad one
 * gets an error reply, or is only counted when it has no reqId to answer.
 */
import { Command, CommandError, type CommandRequest, type CommandResponse } from '../../protocol/sync/command.js';
import type { SyncHost } from './sync-host.js';

export interface CommandContext {
  readonly host: SyncHost;
  /** ms since the epoch, by the validator's clock. */
  readonly now: () => number;
  readonly syncNow: () => void;
  readonly backlog: () => number;
  /** Restarts the validator once the reply is out; undefined where the platform cannot. */
  readonly restart?: () => void;
}

export function runCommand(name: string, request: CommandRequest, context: CommandContext): CommandResponse {
  const { reqId, args } = request;
  const fail = (error: CommandError, message?: string): CommandResponse => ({ reqId, ok: false, error, ...(message ? { message } : {}) });
  switch (name) {
    case Command.PING:
      return { reqId, ok: true, ts: context.now() };
    case Command.SYNC_NOW:
      context.syncNow();
      return { reqId, ok: true, backlog: context.backlog() };
    case Command.SET_TRIP: {
      const { trip, serviceDate } = args;
      if (typeof trip !== 'string' || trip.length === 0 || trip.length > 96 || typeof serviceDate !== 'number' || !Number.isSafeInteger(serviceDate)) {
        return fail(CommandError.BAD_ARGUMENTS, 'set-trip needs trip (text) and serviceDate (YYYYMMDD)');
      }
      return context.host.chooseTrip(trip, serviceDate) ? { reqId, ok: true, trip, serviceDate } : fail(CommandError.UNKNOWN_TRIP);
    }
    case Command.REBOOT:
      if (!context.restart) return fail(CommandError.FAILED, 'this validator cannot restart itself');
      context.restart();
      return { reqId, ok: true };
    default:
      return fail(CommandError.UNKNOWN_COMMAND);
  }
}
