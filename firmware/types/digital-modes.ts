/**
 * The constants Moddable's embedded:io/digital carries as statics
 * (Digital.Input, Digital.Rising, ...), for hosts that implement the class
 * themselves: the simulator and the desktop target's unwired I/O. Firmware
 * reads them from the class it is given, never from here.
 */

/** Moddable's mode numbers. */
export const DigitalMode = Object.freeze({
  Input: 0,
  InputPullUp: 1,
  InputPullDown: 2,
  InputPullUpDown: 3,
  Output: 8,
  OutputOpenDrain: 9,
} as const);
export type DigitalMode = (typeof DigitalMode)[keyof typeof DigitalMode];

/** Edge bits for onReadable; Rising | Falling for both. */
export const DigitalEdge = Object.freeze({ Rising: 1, Falling: 2 } as const);
export type DigitalEdge = (typeof DigitalEdge)[keyof typeof DigitalEdge];
