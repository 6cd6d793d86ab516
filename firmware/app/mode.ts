export const Mode = Object.freeze({
  /** Passengers board: tickets are checked, recorded and counted. */
  BOARDING: 'boarding',
  /** An inspector checks tickets on board: nothing is recorded; the screen says whether the ticket was scanned on this trip. */
  INSPECTION: 'inspection',
} as const);
export type Mode = (typeof Mode)[keyof typeof Mode];
