/**
 * Alerts on `ops/alerts` (each change, not retained) and the list of active
 * ones on `ops/alerts/active` (retained, so a dashboard that connects later
 * sees what is still wrong). An alert is raised once and cleared once:
 * raising an active alert again or clearing an inactive one is a no-op.
 */
export const AlertType = Object.freeze({
  /** The validator's state says offline (its Last Will included), or nothing was heard for too long. */
  OFFLINE: 'offline',
  /** The boarding log is nearly full of unacknowledged records, or full. */
  LOG_NEARLY_FULL: 'log-nearly-full',
  /** The validator's clock is off the back office's by more than allowed. */
  CLOCK_DRIFT: 'clock-drift',
  /** The validator refused a configuration document (bad signature, rollback, malformed). */
  CONFIG_REJECTED: 'config-rejected',
} as const);
export type AlertType = (typeof AlertType)[keyof typeof AlertType];

export const Severity = Object.freeze({ WARNING: 'warning', CRITICAL: 'critical' } as const);
export type Severity = (typeof Severity)[keyof typeof Severity];

export interface Alert {
  /** Stable for one condition of one validator: `{type}/{validator}` (plus `/{kind}` for config). */
  readonly id: string;
  readonly type: AlertType;
  readonly validator: string;
  readonly severity: Severity;
  readonly active: boolean;
  readonly message: string;
  /** When it was raised or cleared, ms since the epoch. */
  readonly ts: number;
}

export function alertId(type: AlertType, validator: string, subject?: string): string {
  return subject === undefined ? `${type}/${validator}` : `${type}/${validator}/${subject}`;
}

export class AlertBook {
  readonly #active = new Map<string, Alert>();

  /** The alert to announce if this raises it, undefined if it was already active. */
  raise(type: AlertType, validator: string, severity: Severity, message: string, ts: number, subject?: string): Alert | undefined {
    const id = alertId(type, validator, subject);
    if (this.#active.has(id)) return undefined;
    const alert: Alert = { id, type, validator, severity, active: true, message, ts };
    this.#active.set(id, alert);
    return alert;
  }

  /** The clearing to announce if the alert was active, undefined otherwise. */
  clear(type: AlertType, validator: string, message: string, ts: number, subject?: string): Alert | undefined {
    const id = alertId(type, validator, subject);
    const held = this.#active.get(id);
    if (!held) return undefined;
    this.#active.delete(id);
    return { ...held, active: false, message, ts };
  }

  isActive(type: AlertType, validator: string, subject?: string): boolean {
    return this.#active.has(alertId(type, validator, subject));
  }

  /** Active alerts, oldest first. */
  active(): Alert[] {
    return [...this.#active.values()];
  }
}
