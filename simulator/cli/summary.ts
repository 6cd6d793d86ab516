/**
 * The end of a run in a few lines: what was decided and why, how many got on
 * each trip, and what the back office has yet to receive. Counted from the
 * decisions the validator reported and from its boarding log, i.e. what the
 * firmware itself believes, not what the script expected.
 */
import { OVERRIDE_REASONS, REASONS, type Decision, type OverrideReason, type Reason, type Trip } from '../../protocol/index.js';
import type { Language } from '../../firmware/display/text-display.js';
import type { SimulatedValidator } from '../validator/sim-validator.js';

export interface Summary {
  readonly decisions: number;
  readonly byDecision: Readonly<Record<Decision, number>>;
  /** The validator's own decisions by reason, in order of first occurrence. */
  readonly byReason: ReadonlyArray<{ readonly reason: Reason; readonly count: number }>;
  /** Refusals the driver let through. */
  readonly overrides: ReadonlyArray<{ readonly refused: Reason; readonly override: OverrideReason }>;
  /** Every trip someone boarded, and the current one even if empty. */
  readonly boarded: ReadonlyArray<{ readonly trip: Trip; readonly boarded: number; readonly current: boolean }>;
  /** Log records the back office has not acknowledged. */
  readonly backlog: number;
  readonly logFull: boolean;
  readonly notStored: number;
  readonly droppedCodes: number;
}

export function summarize(sim: SimulatedValidator): Summary {
  const byDecision: Record<Decision, number> = { accept: 0, reject: 0, repeat: 0 };
  const byReason = new Map<Reason, number>();
  const overrides: Array<{ refused: Reason; override: OverrideReason }> = [];
  for (const e of sim.events) {
    byDecision[e.decision]++;
    if (e.override !== 0) overrides.push({ refused: e.reason, override: e.override as OverrideReason });
    else byReason.set(e.reason, (byReason.get(e.reason) ?? 0) + 1);
  }
  const status = sim.app.status;
  const current = status.trip;
  const isCurrent = (t: Trip) => current !== undefined && t.id === current.id && t.serviceDate === current.serviceDate;
  const boarded = sim.app.trips
    .map((trip) => ({ trip, boarded: sim.log.boarded(trip.id, trip.serviceDate), current: isCurrent(trip) }))
    .filter((b) => b.boarded > 0 || b.current)
    // The current trip's count is the app's, which includes passengers whose record could not be stored.
    .map((b) => (b.current ? { ...b, boarded: status.boarded } : b));
  return {
    decisions: sim.events.length,
    byDecision,
    byReason: [...byReason].map(([reason, count]) => ({ reason, count })),
    overrides,
    boarded,
    backlog: status.backlog,
    logFull: status.logFull,
    notStored: status.notStored,
    droppedCodes: status.droppedCodes,
  };
}

export function renderSummary(s: Summary, language: Language): string {
  const lines = ['Summary'];
  const d = s.byDecision;
  const overridden = s.overrides.length > 0 ? ` (${s.overrides.length} by driver override)` : '';
  lines.push(`  decisions    ${s.decisions}: ${d.accept} accept${overridden}, ${d.reject} reject, ${d.repeat} repeat`);
  const width = Math.max(0, ...s.byReason.map((r) => r.reason.length));
  for (const r of s.byReason) lines.push(`    ${r.reason.padEnd(width)}  ${String(r.count).padStart(3)}  ${REASONS[r.reason][language]}`);
  for (const o of s.overrides) lines.push(`    override: ${o.refused} let on, ${OVERRIDE_REASONS[o.override][language]}`);
  if (s.boarded.length === 0) lines.push('  boarded      none (no trip chosen)');
  for (const b of s.boarded) {
    const label = `${b.trip.id} ${b.trip.serviceDate}`;
    lines.push(`  boarded      ${label}: ${b.boarded}/${b.trip.expected}${b.current ? ' (current trip)' : ''}`);
  }
  lines.push(`  log backlog  ${s.backlog} record(s) not yet sent${s.logFull ? `; log full, ${s.notStored} decision(s) not stored` : ''}`);
  if (s.droppedCodes > 0) lines.push(`  dropped      ${s.droppedCodes} code(s) arrived while the queue was full`);
  return lines.join('\n');
}
