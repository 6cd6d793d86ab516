/** The telemetry message from what the app, the log and the link know. No passenger data. */
import type { Telemetry } from '../../protocol/sync/telemetry.js';
import { Reason, REASONS } from '../../protocol/validate/reasons.js';
import type { ValidatorStatus } from '../app/validator.js';
import type { LogStatus } from '../log/boarding-log.js';
import type { Clock } from '../platform/clock.js';

export interface HeapReading {
  readonly used: number;
  readonly free: number;
}

export interface SyncCounters {
  readonly session: number;
  readonly sent: number;
  readonly acked: number;
  readonly reconnects: number;
  readonly malformed: number;
  /** Validator clock minus back office clock, ms, from the last ack; null before one. */
  readonly clockOffset: number | null;
}

export function buildTelemetry(app: ValidatorStatus, log: LogStatus, clock: Clock, uptimeMs: number, sync: SyncCounters, heap: HeapReading | null): Telemetry {
  let accepted = 0;
  let repeats = 0;
  const rejected: Record<string, number> = {};
  for (const reason of Object.values(Reason)) {
    const n = app.counts[reason] ?? 0;
    if (n === 0) continue;
    const decision = REASONS[reason].decision;
    if (decision === 'accept') accepted += n;
    else if (decision === 'repeat') repeats += n;
    else rejected[reason] = n;
  }
  return {
    ts: Math.floor(clock.now()),
    uptime: Math.floor(uptimeMs / 1000),
    session: sync.session,
    accepted,
    rejected,
    repeats,
    backlog: log.unacked,
    logUsed: log.records,
    logCapacity: log.capacity,
    logFull: log.full,
    notStored: app.notStored,
    clockSource: clock.source(),
    clockOffset: sync.clockOffset,
    heap,
    config: { trust: app.configVersions.trust ?? null, deny: app.configVersions.deny ?? null, trips: app.configVersions.trips ?? null },
    trip: app.trip?.id ?? null,
    sync: { sent: sync.sent, acked: sync.acked, reconnects: sync.reconnects, malformed: sync.malformed },
  };
}
