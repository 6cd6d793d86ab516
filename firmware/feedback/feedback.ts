/**
 * What the passenger and the driver see and hear: green and red LEDs on
 * digital outputs and a buzzer on PWM. Each outcome has its own pattern, so
 * nobody has to read the display to know what happened:
 *
 * - accept: green, one short beep
 * - reject: red, one long beep
 * - repeat (already scanned): green blinking, two short beeps
 * - warning (e.g. a decision the log could not store): red blinking, no beep
 *
 * A new outcome cuts the previous pattern short.
 */
import type { BoardConfig } from '../board/board.js';
import type { Timers, TimerId } from '../platform/timers.js';
import type { Digital, DigitalConstructor, PWM, PWMConstructor } from '../types/ecma419.js';

export const Tone = Object.freeze({
  ACCEPT: 'accept',
  REJECT: 'reject',
  REPEAT: 'repeat',
  WARNING: 'warning',
} as const);
export type Tone = (typeof Tone)[keyof typeof Tone];

export interface FeedbackTimings {
  /** How long the green LED stays on after an accept. */
  readonly acceptMs: number;
  /** How long the red LED stays on after a reject. */
  readonly rejectMs: number;
  readonly shortBeepMs: number;
  readonly longBeepMs: number;
  /** On and off time of a blink. */
  readonly blinkMs: number;
  readonly blinks: number;
}

export const DEFAULT_TIMINGS: FeedbackTimings = Object.freeze({
  acceptMs: 800,
  rejectMs: 2000,
  shortBeepMs: 90,
  longBeepMs: 700,
  blinkMs: 150,
  blinks: 3,
});

/** One change of the outputs, `at` milliseconds into the pattern. */
interface Step {
  readonly at: number;
  readonly green?: boolean;
  readonly red?: boolean;
  readonly beep?: boolean;
}

function blink(led: 'green' | 'red', t: FeedbackTimings): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < t.blinks; i++) {
    steps.push({ at: 2 * i * t.blinkMs, [led]: true }, { at: (2 * i + 1) * t.blinkMs, [led]: false });
  }
  return steps;
}

export function pattern(tone: Tone, t: FeedbackTimings): readonly Step[] {
  switch (tone) {
    case Tone.ACCEPT:
      return [{ at: 0, green: true, beep: true }, { at: t.shortBeepMs, beep: false }, { at: t.acceptMs, green: false }];
    case Tone.REJECT:
      return [{ at: 0, red: true, beep: true }, { at: t.longBeepMs, beep: false }, { at: t.rejectMs, red: false }];
    case Tone.REPEAT:
      return [
        ...blink('green', t),
        { at: 0, beep: true }, { at: t.shortBeepMs, beep: false },
        { at: 2 * t.shortBeepMs, beep: true }, { at: 3 * t.shortBeepMs, beep: false },
      ].sort((a, b) => a.at - b.at);
    case Tone.WARNING:
      return blink('red', t);
  }
}

export interface FeedbackOptions {
  readonly Digital: DigitalConstructor;
  readonly PWM: PWMConstructor;
  readonly leds: BoardConfig['leds'];
  readonly buzzer: BoardConfig['buzzer'];
  readonly timers: Timers;
  readonly timings?: Partial<FeedbackTimings>;
}

export class Feedback {
  readonly #timers: Timers;
  readonly #timings: FeedbackTimings;
  readonly #activeLow: boolean;
  #green: Digital | undefined;
  #red: Digital | undefined;
  #buzzer: PWM | undefined;
  #pending: TimerId[] = [];

  constructor(options: FeedbackOptions) {
    const o = { ...options };
    this.#timers = o.timers;
    this.#timings = { ...DEFAULT_TIMINGS, ...o.timings };
    this.#activeLow = o.leds.activeLow;
    const { Digital, PWM } = o;
    try {
      this.#green = new Digital({ pin: o.leds.green, mode: Digital.Output });
      this.#red = new Digital({ pin: o.leds.red, mode: Digital.Output });
      this.#buzzer = new PWM({ pin: o.buzzer.pin, hz: o.buzzer.hz });
    } catch (e) {
      // Release what did open, so the caller can retry or report.
      this.#green?.close();
      this.#red?.close();
      this.#green = this.#red = undefined;
      throw e;
    }
    this.#set({ at: 0, green: false, red: false, beep: false });
  }

  get timings(): FeedbackTimings {
    return this.#timings;
  }

  /** Plays the pattern for an outcome, cutting short whatever was playing. */
  show(tone: Tone): void {
    if (!this.#green) return;
    this.#cancel();
    this.#set({ at: 0, green: false, red: false, beep: false });
    for (const step of pattern(tone, this.#timings)) {
      if (step.at === 0) this.#set(step);
      else this.#pending.push(this.#timers.set(() => this.#set(step), step.at));
    }
  }

  close(): void {
    if (!this.#green) return;
    this.#cancel();
    this.#set({ at: 0, green: false, red: false, beep: false });
    this.#green.close();
    this.#red?.close();
    this.#buzzer?.close();
    this.#green = this.#red = this.#buzzer = undefined;
  }

  #cancel(): void {
    for (const id of this.#pending) this.#timers.clear(id);
    this.#pending = [];
  }

  #set(step: Step): void {
    const level = (on: boolean) => (on !== this.#activeLow ? 1 : 0);
    if (step.green !== undefined) this.#green?.write(level(step.green));
    if (step.red !== undefined) this.#red?.write(level(step.red));
    if (step.beep !== undefined && this.#buzzer) {
      // Half duty is the loudest square wave; 0 is silence.
      this.#buzzer.write(step.beep ? 1 << (this.#buzzer.resolution - 1) : 0);
    }
  }
}
