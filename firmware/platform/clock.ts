/**
 * Wall-clock time with what the validator knows of its quality. Tickets carry
 * validity windows in seconds since the epoch, so a validator whose clock may
 * be off widens its tolerance by the uncertainty and tells the driver.
 */
export const ClockSource = Object.freeze({
  /** Never set since power-up: the time is a guess. */
  NONE: 'none',
  /** Battery-backed real-time clock, drifting since the last sync. */
  RTC: 'rtc',
  /** Synchronised over the network. */
  NETWORK: 'network',
  GNSS: 'gnss',
} as const);
export type ClockSource = (typeof ClockSource)[keyof typeof ClockSource];

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Monotonic milliseconds for measuring intervals; unaffected by clock changes. */
  ticks(): number;
  /** How far now() may be from true time, in seconds. */
  uncertainty(): number;
  source(): ClockSource;
}
