/** The validator's tunable behaviour, with the defaults a bus line starts from. */
import { DEFAULT_CLOCK_SKEW, DEFAULT_RESCAN_GRACE } from '../../protocol/validate/validate.js';
import type { Language } from '../display/text-display.js';
import { DEFAULT_TIMINGS, type FeedbackTimings } from '../feedback/feedback.js';

export interface ValidatorSettings {
  readonly language: Language;
  /** Tolerance for clock differences against issuers, seconds. */
  readonly clockSkew: number;
  readonly rescanGrace: number;
  /** The most the clock's own uncertainty may widen the tolerance, seconds. */
  readonly maxClockAllowance: number;
  /** Local time zone of the line, for departure times on screen. */
  readonly utcOffsetMinutes: number;
  readonly feedback: FeedbackTimings;
  /** How long a decision stays on screen. */
  readonly resultHoldMs: number;
  /** The menu closes by itself after this long without a press. */
  readonly menuTimeoutMs: number;
  /** A refused scan can be overridden for this long. */
  readonly overrideWindowMs: number;
  /** Codes waiting for a decision beyond this are refused with NAK (and counted). */
  readonly maxQueuedCodes: number;
  readonly verifiedCacheSize: number;
  /**
   * Acknowledged boardings older than this are forgotten: they stop counting
   * for ALREADY_USED, and boot no longer reads them. Days. Longer keeps
   * multi-day tickets' ride counts on the validator; shorter boots faster.
   */
  readonly logRetentionDays: number;
  /** How often the validator tidies its log when idle. */
  readonly housekeepingIntervalMs: number;
}

export const DEFAULT_SETTINGS: ValidatorSettings = Object.freeze({
  language: 'zh',
  clockSkew: DEFAULT_CLOCK_SKEW,
  rescanGrace: DEFAULT_RESCAN_GRACE,
  maxClockAllowance: 3600,
  utcOffsetMinutes: 480,
  feedback: DEFAULT_TIMINGS,
  resultHoldMs: 4000,
  menuTimeoutMs: 20_000,
  overrideWindowMs: 120_000,
  maxQueuedCodes: 8,
  verifiedCacheSize: 64,
  logRetentionDays: 7,
  housekeepingIntervalMs: 60_000,
});
