/**
 * One operator's fleet as the dashboards see it. Pure bookkeeping: each
 * input (a state, a telemetry message, a configuration event, a stored
 * batch, a tick of the clock) returns the messages to publish under
 * `tk/v1/{op}/ops/`, and the monitor publishes them. Time is always passed
 * in, so tests drive it.
 */
import { Decision, opsTopic, type BoardingBatch, type ConfigEvent, type StateMessage, type Telemetry } from '../../protocol/index.js';
import type { StoreResult } from '../ingest/boarding-store.js';
import { AlertBook, AlertType, Severity, type Alert } from './alerts.js';
import { ChangeGate } from './change-gate.js';
import { feedMessage, reasonName } from './feed.js';
import { boarded, dayOf, emptyStatus, type ValidatorStatus } from './validator-status.js';

export interface Publication {
  readonly topic: string;
  readonly payload: object;
  readonly qos: 0 | 1;
  readonly retain: boolean;
}

export interface OpsThresholds {
  /** A validator not heard from (state or telemetry) for this long is offline. */
  readonly offlineAfterMs: number;
  /** Share of the log's capacity in use that raises log-nearly-full. */
  readonly logNearlyFull: number;
  /** Largest tolerated difference between a validator's clock and ours. */
  readonly maxClockDriftMs: number;
  /** Retained summaries and validator states are published at most this often. */
  readonly minPublishIntervalMs: number;
  /** The offset from UTC that decides what "today" is (480 for Beijing time). */
  readonly utcOffsetMinutes: number;
}

export interface Summary {
  readonly ts: number;
  readonly validators: { readonly total: number; readonly online: number };
  readonly boardings: { readonly total: number; readonly accepted: number; readonly rejected: number };
  readonly rejectedByReason: Readonly<Record<string, number>>;
  /** Unacknowledged records across the fleet, from the latest telemetry. */
  readonly backlog: number;
}

interface Tracked {
  readonly status: ValidatorStatus;
  readonly gate: ChangeGate;
  /** Our clock when we last heard from it, for the offline timeout. */
  heardAt: number;
}

export class OperatorView {
  readonly #operator: string;
  readonly #t: OpsThresholds;
  readonly #validators = new Map<string, Tracked>();
  readonly #alerts = new AlertBook();
  readonly #summaryGate: ChangeGate;
  readonly #rejectedByReason: Record<string, number> = {};
  #boardings = { total: 0, accepted: 0, rejected: 0 };
  #day: string | undefined;

  constructor(operator: string, thresholds: OpsThresholds) {
    this.#operator = operator;
    this.#t = { ...thresholds };
    this.#summaryGate = new ChangeGate(thresholds.minPublishIntervalMs);
  }

  /** A copy of a validator's status, for tests and the CLI. */
  status(validator: string): ValidatorStatus | undefined {
    const s = this.#validators.get(validator)?.status;
    return s ? { ...s } : undefined;
  }

  activeAlerts(): Alert[] {
    return this.#alerts.active();
  }

  summary(now: number): Summary {
    let online = 0;
    let backlog = 0;
    for (const { status } of this.#validators.values()) {
      if (status.online === true) online++;
      backlog += status.backlog ?? 0;
    }
    return {
      ts: now,
      validators: { total: this.#validators.size, online },
      boardings: { ...this.#boardings },
      rejectedByReason: { ...this.#rejectedByReason },
      backlog,
    };
  }

  onState(validator: string, state: StateMessage, now: number, retained: boolean): Publication[] {
    const v = this.#track(validator, now);
    // A will from an earlier session arriving after the validator reconnected says nothing about now.
    if (v.status.session !== null && state.session < v.status.session) return [];
    const out: Publication[] = [];
    v.heardAt = now;
    Object.assign(v.status, {
      online: state.online,
      session: state.session,
      fw: state.fw,
      trip: state.trip ?? null,
      // A retained state may be hours old: its own time says when it was true.
      lastSeen: retained ? state.ts : now,
    });
    if (state.online) {
      this.#clear(out, AlertType.OFFLINE, validator, 'online again', now);
    } else {
      this.#raise(out, AlertType.OFFLINE, validator, Severity.WARNING, `offline (session ${state.session} ended)`, now);
    }
    return this.#changed(out, validator, v, now);
  }

  onTelemetry(validator: string, tele: Telemetry, now: number): Publication[] {
    const v = this.#track(validator, now);
    const out: Publication[] = [];
    v.heardAt = now;
    Object.assign(v.status, {
      online: true,
      lastSeen: now,
      backlog: tele.backlog,
      logUsed: tele.logUsed,
      logCapacity: tele.logCapacity,
      clockOffset: tele.clockOffset,
      ...(typeof tele.session === 'number' ? { session: Math.max(tele.session, v.status.session ?? 0) } : {}),
      ...(tele.config && typeof tele.config === 'object' ? { config: { ...tele.config } } : {}),
      ...(tele.trip === undefined ? {} : { trip: tele.trip }),
    });
    this.#clear(out, AlertType.OFFLINE, validator, 'telemetry received', now);

    const used = tele.logCapacity > 0 ? tele.logUsed / tele.logCapacity : 0;
    if (tele.logFull || used >= this.#t.logNearlyFull) {
      const text = tele.logFull ? 'boarding log full: new boardings are not stored' : `boarding log ${Math.round(used * 100)}% full`;
      this.#raise(out, AlertType.LOG_NEARLY_FULL, validator, tele.logFull ? Severity.CRITICAL : Severity.WARNING, `${text} (${tele.backlog} unacknowledged)`, now);
    } else {
      this.#clear(out, AlertType.LOG_NEARLY_FULL, validator, `boarding log ${Math.round(used * 100)}% full`, now);
    }

    const seen = Math.abs(tele.ts - now);
    const reported = tele.clockOffset === null ? 0 : Math.abs(tele.clockOffset);
    const drift = Math.max(seen, reported);
    if (drift > this.#t.maxClockDriftMs) {
      this.#raise(out, AlertType.CLOCK_DRIFT, validator, Severity.WARNING, `clock off by ${Math.round(drift / 1000)} s`, now);
    } else {
      this.#clear(out, AlertType.CLOCK_DRIFT, validator, 'clock within tolerance', now);
    }
    return this.#changed(out, validator, v, now);
  }

  onConfigEvent(validator: string, event: ConfigEvent, now: number): Publication[] {
    const v = this.#track(validator, now);
    const out: Publication[] = [];
    if (event.outcome === 'rejected') {
      const message = `${event.kind} document refused (${event.error ?? 'no reason given'}); keeps version ${event.version ?? 'none'}`;
      this.#raise(out, AlertType.CONFIG_REJECTED, validator, Severity.CRITICAL, message, now, event.kind);
    } else {
      this.#clear(out, AlertType.CONFIG_REJECTED, validator, `${event.kind} version ${event.version ?? '?'} applied`, now, event.kind);
      if (event.version !== undefined) v.status.config = { ...v.status.config, [event.kind]: event.version };
    }
    return this.#changed(out, validator, v, now);
  }

  onStored(validator: string, batch: BoardingBatch, result: StoreResult, now: number): Publication[] {
    const out: Publication[] = [];
    this.#rollDay(now);
    const feed = feedMessage(validator, batch, result.insertedSeqs, now);
    if (!feed) return out;
    out.push({ topic: this.#topic('feed'), payload: feed, qos: 0, retain: false });
    const v = this.#track(validator, now);
    const fresh = new Set(result.insertedSeqs);
    for (const r of batch.records) {
      if (!fresh.has(r.seq)) continue;
      this.#boardings.total++;
      if (r.decision === Decision.ACCEPT) this.#boardings.accepted++;
      if (r.decision === Decision.REJECT) {
        this.#boardings.rejected++;
        const name = reasonName(r.reason);
        this.#rejectedByReason[name] = (this.#rejectedByReason[name] ?? 0) + 1;
      }
      if (dayOf(r.time * 1000, this.#t.utcOffsetMinutes) === this.#day) v.status.boardingsToday += boarded(r);
    }
    return this.#changed(out, validator, v, now);
  }

  /** Offline timeouts, a new day, and held-back retained messages. */
  tick(now: number): Publication[] {
    const out: Publication[] = [];
    if (this.#rollDay(now)) {
      for (const v of this.#validators.values()) v.gate.mark();
      this.#summaryGate.mark();
    }
    for (const [id, v] of this.#validators) {
      if (v.status.online !== false && now - v.heardAt > this.#t.offlineAfterMs) {
        v.status.online = false;
        this.#raise(out, AlertType.OFFLINE, id, Severity.WARNING, `not heard from for ${Math.round((now - v.heardAt) / 1000)} s`, now);
        v.gate.mark();
        this.#summaryGate.mark();
      }
      if (v.gate.due(now)) out.push(this.#statusPublication(id, v));
    }
    if (this.#summaryGate.due(now)) out.push(this.#summaryPublication(now));
    return out;
  }

  #track(validator: string, now: number): Tracked {
    let v = this.#validators.get(validator);
    if (!v) {
      v = { status: emptyStatus(), gate: new ChangeGate(this.#t.minPublishIntervalMs), heardAt: now };
      this.#validators.set(validator, v);
    }
    return v;
  }

  /** Publishes what is due after a change to one validator. */
  #changed(out: Publication[], id: string, v: Tracked, now: number): Publication[] {
    if (v.gate.changed(now)) out.push(this.#statusPublication(id, v));
    if (this.#summaryGate.changed(now)) out.push(this.#summaryPublication(now));
    return out;
  }

  /** True when the day changed (boardingsToday starts again from zero). */
  #rollDay(now: number): boolean {
    const day = dayOf(now, this.#t.utcOffsetMinutes);
    if (day === this.#day) return false;
    const first = this.#day === undefined;
    this.#day = day;
    for (const v of this.#validators.values()) v.status.boardingsToday = 0;
    return !first;
  }

  #raise(out: Publication[], type: AlertType, validator: string, severity: Severity, message: string, now: number, subject?: string): void {
    const alert = this.#alerts.raise(type, validator, severity, message, now, subject);
    if (alert) this.#announce(out, alert);
  }

  #clear(out: Publication[], type: AlertType, validator: string, message: string, now: number, subject?: string): void {
    const alert = this.#alerts.clear(type, validator, message, now, subject);
    if (alert) this.#announce(out, alert);
  }

  #announce(out: Publication[], alert: Alert): void {
    out.push({ topic: this.#topic('alerts'), payload: alert, qos: 1, retain: false });
    out.push({ topic: this.#topic('alerts', 'active'), payload: this.#alerts.active(), qos: 1, retain: true });
  }

  #statusPublication(id: string, v: Tracked): Publication {
    return { topic: this.#topic('validators', id), payload: { ...v.status }, qos: 1, retain: true };
  }

  #summaryPublication(now: number): Publication {
    return { topic: this.#topic('summary'), payload: this.summary(now), qos: 1, retain: true };
  }

  #topic(...leaf: string[]): string {
    return opsTopic(this.#operator, ...leaf);
  }
}
