/**
 * Simulated GPIO: the board's pin state (PinBank) and an ECMA-419 Digital
 * class over it, shaped like Moddable's embedded:io/digital.
 *
 * The PinBank is the board, not a driver: it outlives every Digital and PWM
 * instance, records what the firmware did to its outputs (with simulated
 * timestamps, so tests can check blink and beep timing) and lets tests and
 * other simulated hardware drive inputs and watch outputs.
 *
 * Levels: an open output is its last written value (nothing before the first
 * write: we do not model the power-on level). Otherwise an externally driven
 * pin is what drives it; otherwise the input's pull decides (up 1, down 0).
 * A floating input reads 0 — real hardware reads noise; the simulator stays
 * deterministic. Both pulls at once (InputPullUpDown) counts as floating.
 */
import { DigitalEdge, DigitalMode } from '../../firmware/types/digital-modes.js';
import type { Digital as DigitalInstance, DigitalConstructor, DigitalOptions } from '../../firmware/types/ecma419.js';
import type { EventHandle, HostLoop } from './loop.js';

export { DigitalEdge, DigitalMode };

/** One write that changed a digital output. */
export interface OutputChange {
  readonly pin: number;
  readonly value: number;
  /** Simulated milliseconds (loop.now()). */
  readonly at: number;
}

/** One PWM event: open (duty 0), write, close (duty 0). */
export interface PwmChange {
  readonly pin: number;
  /** 0..1 */
  readonly duty: number;
  readonly hz: number;
  readonly at: number;
}

/** Observes a digital output; called synchronously, at hardware level (not a firmware task). */
export type OutputListener = (value: number, at: number) => void;

export interface PressOptions {
  /** The button pulls the pin low when pressed. Default true, as on the validator's buttons. */
  readonly activeLow?: boolean;
  /** How long the button stays down, in simulated ms. Default 80. */
  readonly holdMs?: number;
}

/** What a simulated I/O instance tells the PinBank when it claims a pin. */
export interface PinUser {
  readonly kind: 'input' | 'output' | 'pwm';
  /** Inputs: level an undriven pin settles to (1 pull-up, 0 pull-down), undefined when floating. */
  readonly pull?: number;
  /** Outputs: open drain — writing 1 releases the line (an external pull-up is assumed). */
  readonly openDrain?: boolean;
  /** Inputs: the pin's level changed (hardware level; queue firmware work as loop tasks). */
  levelChanged?(level: number): void;
}

export const DEFAULT_PRESS_MS = 80;

function checkPin(pin: unknown, what: string): number {
  if (typeof pin !== 'number' || !Number.isInteger(pin) || pin < 0) throw new RangeError(`${what}: invalid pin ${String(pin)}`);
  return pin;
}

function checkLevel(value: unknown, what: string): number {
  if (value !== 0 && value !== 1) throw new RangeError(`${what}: value must be 0 or 1, got ${String(value)}`);
  return value;
}

/** The GPIO state of one simulated board, shared by all its Digital and PWM instances. */
export class PinBank {
  readonly loop: HostLoop;
  #users = new Map<number, PinUser>();
  /** Latched value of each open output, from its first write on. */
  #outputs = new Map<number, number>();
  /** Levels driven from outside the chip (tests, other simulated hardware). */
  #driven = new Map<number, number>();
  #duty = new Map<number, number>();
  #history: OutputChange[] = [];
  #pwmHistory: PwmChange[] = [];
  #listeners = new Map<number, Set<OutputListener>>();

  constructor(loop: HostLoop) {
    this.loop = loop;
  }

  /** Every change of a digital output, oldest first. */
  get history(): readonly OutputChange[] {
    return this.#history;
  }

  /** Every PWM open, write and close, oldest first. */
  get pwmHistory(): readonly PwmChange[] {
    return this.#pwmHistory;
  }

  /** The pin's level now, or undefined when nothing sets it (floating, unwritten output, PWM). */
  value(pin: number): number | undefined {
    const user = this.#users.get(pin);
    if (user?.kind === 'pwm') return undefined;
    if (user?.kind === 'output') {
      const out = this.#outputs.get(pin);
      // An open-drain output at 1 lets go of the line.
      if (!(user.openDrain && out === 1)) return out;
      return this.#driven.get(pin) ?? 1;
    }
    return this.#driven.get(pin) ?? user?.pull;
  }

  /** The PWM duty (0..1) on the pin now: the open PWM's, else the last recorded (0 after close); undefined if never used. */
  duty(pin: number): number | undefined {
    return this.#duty.get(pin);
  }

  /** The output changes of one pin, oldest first. */
  changes(pin: number): OutputChange[] {
    return this.#history.filter((c) => c.pin === pin);
  }

  /** The PWM events of one pin, oldest first. */
  pwmChanges(pin: number): PwmChange[] {
    return this.#pwmHistory.filter((c) => c.pin === pin);
  }

  /** Forgets both histories (pin state stays). */
  clearHistory(): void {
    this.#history.length = 0;
    this.#pwmHistory.length = 0;
  }

  /** What kind of instance has the pin open, if any. */
  inUse(pin: number): PinUser['kind'] | undefined {
    return this.#users.get(pin)?.kind;
  }

  /**
   * Drives the pin from outside (0 or 1), or stops driving it (undefined).
   * An open input sees the change at once; its onReadable, if the edge
   * matches, is queued as a loop task. An output on the pin wins over the drive.
   */
  drive(pin: number, value: number | undefined): void {
    checkPin(pin, 'drive');
    if (value !== undefined) checkLevel(value, 'drive');
    const before = this.#inputLevel(pin);
    if (value === undefined) this.#driven.delete(pin);
    else this.#driven.set(pin, value);
    const after = this.#inputLevel(pin);
    if (before !== after) this.#users.get(pin)?.levelChanged?.(after);
  }

  /** A button press: drives the pin to its pressed level now and back to the released level after holdMs. */
  press(pin: number, options: PressOptions = {}): EventHandle {
    const activeLow = options.activeLow ?? true;
    const holdMs = options.holdMs ?? DEFAULT_PRESS_MS;
    if (!(holdMs >= 0) || !Number.isFinite(holdMs)) throw new RangeError(`press: invalid holdMs ${String(holdMs)}`);
    const pressed = activeLow ? 0 : 1;
    this.drive(pin, pressed);
    // Released = driven to the idle level, so even an input without a pull sees the release edge.
    return this.loop.after(holdMs, () => this.drive(pin, 1 - pressed));
  }

  /** Calls `listener` whenever the firmware changes the output on `pin`. Returns the unsubscribe function. */
  onOutput(pin: number, listener: OutputListener): () => void {
    checkPin(pin, 'onOutput');
    let set = this.#listeners.get(pin);
    if (!set) this.#listeners.set(pin, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  // For the simulated I/O classes (digital.ts, pwm.ts), not for tests.

  /** Takes the pin for `user`; throws if another open instance has it. */
  claim(pin: number, user: PinUser): void {
    const other = this.#users.get(pin);
    if (other) throw new Error(`pin ${pin} is already in use (open as ${other.kind})`);
    this.#users.set(pin, user);
    this.#outputs.delete(pin);
  }

  /** Gives the pin back; a no-op unless `user` holds it. */
  unclaim(pin: number, user: PinUser): void {
    if (this.#users.get(pin) !== user) return;
    this.#users.delete(pin);
    this.#outputs.delete(pin);
  }

  /** An output write by the pin's holder: recorded and reported when it changes the latched value. */
  setOutput(pin: number, user: PinUser, value: number): void {
    if (this.#users.get(pin) !== user) throw new Error(`pin ${pin} is not held by this output`);
    if (this.#outputs.get(pin) === value) return;
    this.#outputs.set(pin, value);
    const at = this.loop.now();
    this.#history.push(Object.freeze({ pin, value, at }));
    const listeners = this.#listeners.get(pin);
    if (listeners) for (const listener of [...listeners]) listener(value, at);
  }

  /** A PWM event by the pin's holder; always recorded. */
  setDuty(pin: number, user: PinUser, duty: number, hz: number): void {
    if (this.#users.get(pin) !== user) throw new Error(`pin ${pin} is not held by this PWM`);
    this.#duty.set(pin, duty);
    this.#pwmHistory.push(Object.freeze({ pin, duty, hz, at: this.loop.now() }));
  }

  /** What an input on the pin reads (floating reads 0). */
  #inputLevel(pin: number): number {
    return this.value(pin) ?? 0;
  }
}

/** The pull level of an input mode, undefined when floating. */
function pullOf(mode: number): number | undefined {
  if (mode === DigitalMode.InputPullUp) return 1;
  if (mode === DigitalMode.InputPullDown) return 0;
  return undefined;
}

const MODES: ReadonlySet<number> = new Set(Object.values(DigitalMode));

/** An ECMA-419 Digital class for one simulated board. */
export function digitalClass(loop: HostLoop, pins: PinBank): DigitalConstructor {
  if (pins.loop !== loop) throw new Error('digitalClass: the PinBank belongs to another loop');

  class Digital implements DigitalInstance {
    static readonly Input = DigitalMode.Input;
    static readonly InputPullUp = DigitalMode.InputPullUp;
    static readonly InputPullDown = DigitalMode.InputPullDown;
    static readonly InputPullUpDown = DigitalMode.InputPullUpDown;
    static readonly Output = DigitalMode.Output;
    static readonly OutputOpenDrain = DigitalMode.OutputOpenDrain;
    static readonly Rising = DigitalEdge.Rising;
    static readonly Falling = DigitalEdge.Falling;

    readonly #pin: number;
    readonly #output: boolean;
    readonly #edge: number;
    readonly #onReadable: ((this: DigitalInstance) => void) | undefined;
    readonly #user: PinUser;
    #closed = false;

    constructor(options: DigitalOptions) {
      if (typeof options !== 'object' || options === null) throw new TypeError('Digital: options object required');
      // Copy once: later changes to the caller's object must not reach the pin.
      const { pin, mode, edge, onReadable } = options;
      if (pin === undefined) throw new TypeError('Digital: pin required');
      checkPin(pin, 'Digital');
      if (mode === undefined) throw new TypeError('Digital: mode required');
      if (!MODES.has(mode)) throw new RangeError(`Digital: unknown mode ${String(mode)}`);
      const output = mode === DigitalMode.Output || mode === DigitalMode.OutputOpenDrain;
      if (onReadable !== undefined) {
        if (typeof onReadable !== 'function') throw new TypeError('Digital: onReadable must be a function');
        if (output) throw new TypeError('Digital: onReadable requires an input mode');
        if (edge === undefined) throw new TypeError('Digital: edge required with onReadable');
      }
      if (edge !== undefined && (edge !== 1 && edge !== 2 && edge !== 3)) throw new RangeError(`Digital: invalid edge ${String(edge)}`);

      this.#pin = pin;
      this.#output = output;
      this.#edge = edge ?? 0;
      this.#onReadable = onReadable;
      this.#user = output
        ? { kind: 'output', openDrain: mode === DigitalMode.OutputOpenDrain }
        : { kind: 'input', pull: pullOf(mode), levelChanged: (level: number) => this.#levelChanged(level) };
      pins.claim(pin, this.#user);
    }

    get format(): 'number' {
      return 'number';
    }

    read(): number {
      this.#check('read');
      if (this.#output) throw new Error(`Digital: read() on output pin ${this.#pin}`);
      return pins.value(this.#pin) ?? 0;
    }

    write(value: number): void {
      this.#check('write');
      if (!this.#output) throw new Error(`Digital: write() on input pin ${this.#pin}`);
      pins.setOutput(this.#pin, this.#user, checkLevel(value, 'Digital: write'));
    }

    close(): void {
      if (this.#closed) return;
      this.#closed = true;
      pins.unclaim(this.#pin, this.#user);
    }

    #check(what: string): void {
      if (this.#closed) throw new Error(`Digital: ${what}() after close`);
    }

    #levelChanged(level: number): void {
      if (this.#closed || !this.#onReadable) return;
      if (!(this.#edge & (level ? DigitalEdge.Rising : DigitalEdge.Falling))) return;
      loop.post(() => {
        // The instance may have been closed while the task waited.
        if (!this.#closed) this.#onReadable?.call(this);
      });
    }
  }

  return Digital;
}
