/**
 * Board wiring: which pins and ports the validator's parts are on. The
 * firmware gets its I/O classes from the `device` provider and the numbers
 * from here, so a new board revision is a new BoardConfig, not new code.
 */

export const ScannerHandshake = Object.freeze({
  /** The scanner sends every code it reads, whenever it reads it. */
  NONE: 'none',
  /** After each code the scanner waits for ACK (0x06); NAK (0x15) makes it send the code again. */
  ACK: 'ack',
} as const);
export type ScannerHandshake = (typeof ScannerHandshake)[keyof typeof ScannerHandshake];

export interface ScannerWiring {
  readonly port: number;
  readonly receive: number;
  readonly transmit: number;
  /** 115200 or more: a 400-character code at 9600 baud takes 420 ms on the wire. */
  readonly baud: number;
  /** Output to the scan engine's trigger input: scanning only while asserted. */
  readonly trigger?: { readonly pin: number; readonly activeLow: boolean };
  readonly handshake: ScannerHandshake;
}

export interface ButtonWiring {
  readonly up: number;
  readonly down: number;
  readonly ok: number;
  readonly back: number;
  /** Buttons pull the pin low when pressed (inputs with pull-ups). */
  readonly activeLow: boolean;
}

export interface BoardConfig {
  readonly name: string;
  readonly scanner: ScannerWiring;
  readonly leds: { readonly green: number; readonly red: number; readonly activeLow: boolean };
  readonly buzzer: { readonly pin: number; readonly hz: number };
  readonly buttons: ButtonWiring;
  /** Data partitions (names in partitions.csv): the boarding log and the settings store. */
  readonly flash: { readonly log: string; readonly store: string };
}

/**
 * The ESP32 handheld, revision 1. UART0 is the console, so the scanner is on
 * UART2; GPIO 34-39 have no pull-ups, so the buttons avoid them.
 */
export const VALIDATOR_BOARD_V1: BoardConfig = Object.freeze({
  name: 'tk-validator-esp32-r1',
  scanner: Object.freeze({ port: 2, receive: 16, transmit: 17, baud: 115200, trigger: Object.freeze({ pin: 4, activeLow: true }), handshake: ScannerHandshake.ACK }),
  leds: Object.freeze({ green: 25, red: 26, activeLow: false }),
  buzzer: Object.freeze({ pin: 27, hz: 2700 }),
  buttons: Object.freeze({ up: 32, down: 33, ok: 13, back: 14, activeLow: true }),
  flash: Object.freeze({ log: 'boardings', store: 'settings' }),
});
