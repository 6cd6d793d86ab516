/**
 * The firmware's ValidatorApp, boarding log and sync inside XS, as Node calls
 * them: each method is one call into the worker, so a test drives the
 * validator in XS with the same calls as the one on Node.
 */
import type { ValidatorApp, ValidatorStatus } from '../../../firmware/app/validator.js';
import type { BoardingLog, BoardingRecord, LogStatus } from '../../../firmware/log/boarding-log.js';
import type { UplinkState } from '../../../firmware/platform/uplink.js';
import type { SyncService, SyncStats } from '../../../firmware/sync/sync-service.js';
import type { Trip } from '../../../protocol/config/trips.js';
import type { TicketUsage } from '../../../protocol/validate/usage.js';

/** Calls a method (or reads a property) of the object in XS. */
export type RemoteAccess = (name: string, args: unknown[]) => unknown;

type AppCalls = Pick<ValidatorApp, 'chooseTrip' | 'setMode' | 'override' | 'syncNow' | 'applyConfig' | 'status' | 'trips'>;

export class XsAppView implements AppCalls {
  readonly #access: RemoteAccess;

  constructor(access: RemoteAccess) {
    this.#access = access;
  }

  chooseTrip(id: string, serviceDate: number): boolean {
    return this.#access('chooseTrip', [id, serviceDate]) as boolean;
  }

  setMode(...args: Parameters<ValidatorApp['setMode']>): void {
    this.#access('setMode', args);
  }

  override(...args: Parameters<ValidatorApp['override']>): boolean {
    return this.#access('override', args) as boolean;
  }

  syncNow(): void {
    this.#access('syncNow', []);
  }

  applyConfig(...args: Parameters<ValidatorApp['applyConfig']>): ReturnType<ValidatorApp['applyConfig']> {
    return this.#access('applyConfig', args) as ReturnType<ValidatorApp['applyConfig']>;
  }

  get status(): ValidatorStatus {
    return this.#access('status', []) as ValidatorStatus;
  }

  get trips(): readonly Trip[] {
    return this.#access('trips', []) as readonly Trip[];
  }
}

type LogCalls = Pick<BoardingLog, 'read' | 'status' | 'get' | 'boarded' | 'markAcked'>;

export class XsLogView implements LogCalls {
  readonly #access: RemoteAccess;

  constructor(access: RemoteAccess) {
    this.#access = access;
  }

  read(fromSeq: number, max: number): BoardingRecord[] {
    return this.#access('read', [fromSeq, max]) as BoardingRecord[];
  }

  status(): LogStatus {
    return this.#access('status', []) as LogStatus;
  }

  get(ticketHash: Uint8Array): TicketUsage | undefined {
    return this.#access('get', [ticketHash]) as TicketUsage | undefined;
  }

  boarded(trip: string, serviceDate: number): number {
    return this.#access('boarded', [trip, serviceDate]) as number;
  }

  markAcked(upToSeq: number): void {
    this.#access('markAcked', [upToSeq]);
  }
}

type SyncCalls = Pick<SyncService, 'state' | 'syncNow' | 'stats'>;

export class XsSyncView implements SyncCalls {
  readonly #access: RemoteAccess;

  constructor(access: RemoteAccess) {
    this.#access = access;
  }

  state(): UplinkState {
    return this.#access('state', []) as UplinkState;
  }

  syncNow(): void {
    this.#access('syncNow', []);
  }

  get stats(): SyncStats {
    return this.#access('stats', []) as SyncStats;
  }
}
