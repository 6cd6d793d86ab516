/**
 * The driver's four buttons: up, down, OK, back. Each is a digital input
 * that interrupts on the press edge; contact bounce within `debounceMs` of
 * the last press is ignored.
 */
import type { ButtonWiring } from '../board/board.js';
import type { Clock } from '../platform/clock.js';
import type { Digital, DigitalConstructor } from '../types/ecma419.js';

export const Button = Object.freeze({ UP: 'up', DOWN: 'down', OK: 'ok', BACK: 'back' } as const);
export type Button = (typeof Button)[keyof typeof Button];
const BUTTONS: readonly Button[] = [Button.UP, Button.DOWN, Button.OK, Button.BACK];

export interface ButtonsOptions {
  readonly Digital: DigitalConstructor;
  readonly wiring: ButtonWiring;
  readonly clock: Clock;
  readonly debounceMs?: number;
  readonly onPress: (this: Buttons, button: Button) => void;
}

export class Buttons {
  readonly #onPress: ButtonsOptions['onPress'];
  readonly #clock: Clock;
  readonly #debounceMs: number;
  readonly #last = new Map<Button, number>();
  #inputs: Digital[] = [];

  constructor(options: ButtonsOptions) {
    const o = { ...options };
    this.#onPress = o.onPress;
    this.#clock = o.clock;
    this.#debounceMs = o.debounceMs ?? 30;
    const { Digital } = o;
    const pressedLevel = o.wiring.activeLow ? 0 : 1;
    try {
      for (const button of BUTTONS) {
        const self = this;
        this.#inputs.push(new Digital({
          pin: o.wiring[button],
          mode: o.wiring.activeLow ? Digital.InputPullUp : Digital.InputPullDown,
          edge: o.wiring.activeLow ? Digital.Falling : Digital.Rising,
          onReadable() {
            // The level may have bounced back by now; the edge is what counts, the level confirms.
            if (this.read() === pressedLevel) self.#pressed(button);
          },
        }));
      }
    } catch (e) {
      // Release the buttons already opened, so the caller can retry or report.
      this.close();
      throw e;
    }
  }

  close(): void {
    for (const input of this.#inputs) input.close();
    this.#inputs = [];
  }

  #pressed(button: Button): void {
    if (this.#inputs.length === 0) return;
    const now = this.#clock.ticks();
    const last = this.#last.get(button);
    if (last !== undefined && now - last < this.#debounceMs) return;
    this.#last.set(button, now);
    this.#onPress?.call(this, button);
  }
}
