/**
 * Usage state: what the validator remembers of tickets it has let on. The
 * validator reads it through this interface and records boardings itself, so
 * validate() stays pure and firmware can back it with the flash log.
 */
export interface TicketUsage {
  /** Boardings recorded for this ticket on this validator. */
  readonly boardings: number;
  /** Trip id of the last boarding. */
  readonly lastTrip: string;
  /** Time of the last boarding, seconds since the epoch. */
  readonly lastTime: number;
}

export interface UsageView {
  /** Usage of the ticket with this ticket hash, or undefined if never boarded. */
  get(ticketHash: Uint8Array): TicketUsage | undefined;
}
