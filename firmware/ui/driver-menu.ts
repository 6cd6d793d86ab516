/**
 * The driver's menu on the four buttons: choose the trip, switch between
 * boarding and inspection, override the last refusal, sync now. It closes by
 * itself after a while without a press; what each item does is the app's.
 */
import type { Trip } from '../../protocol/config/trips.js';
import { OVERRIDE_REASONS, type OverrideReason } from '../../protocol/validate/override.js';
import { Mode } from '../app/mode.js';
import { clockTime } from '../display/screens.js';
import type { Text } from '../display/text-display.js';
import { TEXT } from '../display/texts.js';
import type { Timers, TimerId } from '../platform/timers.js';
import { Button } from './buttons.js';
import { Menu, type MenuView } from './menu.js';

export interface DriverActions {
  readonly trips: () => readonly Trip[];
  readonly chooseTrip: (trip: Trip) => void;
  readonly mode: () => Mode;
  readonly setMode: (mode: Mode) => void;
  /** Whether there is a refusal the driver may still override. */
  readonly canOverride: () => boolean;
  readonly override: (reason: OverrideReason) => void;
  readonly syncNow: () => void;
  /** A short message on the home screen. */
  readonly notice: (text: Text) => void;
}

export interface DriverMenuOptions {
  readonly timers: Timers;
  readonly timeoutMs: number;
  readonly utcOffsetMinutes: number;
  readonly actions: DriverActions;
  /** The menu opened, moved or closed: redraw. */
  readonly onChange: () => void;
}

const OVERRIDES = Object.keys(OVERRIDE_REASONS).map((k) => Number(k) as OverrideReason);

export class DriverMenu {
  readonly #o: DriverMenuOptions;
  readonly #menu = new Menu();
  #timer: TimerId | undefined;

  constructor(options: DriverMenuOptions) {
    this.#o = { ...options };
  }

  get isOpen(): boolean {
    return this.#menu.isOpen;
  }

  view(): MenuView | undefined {
    return this.#menu.view();
  }

  open(): void {
    const a = this.#o.actions;
    const next = a.mode() === Mode.INSPECTION ? Mode.BOARDING : Mode.INSPECTION;
    const nextLabel = next === Mode.INSPECTION ? TEXT.inspection : TEXT.boarding;
    this.#menu.close();
    this.#menu.push(TEXT.menu, [
      { label: TEXT.chooseTrip, select: () => this.#openTrips() },
      { label: { zh: `${TEXT.switchMode.zh}: ${nextLabel.zh}`, en: `${TEXT.switchMode.en}: ${nextLabel.en}` }, select: () => this.#then(() => a.setMode(next)) },
      { label: TEXT.override, select: () => this.#openOverrides() },
      { label: TEXT.syncNow, select: () => this.#then(a.syncNow) },
    ]);
    this.#touched();
  }

  /** A button while the menu is open: up, down, OK chooses, back goes up a level. */
  press(button: Button): void {
    if (!this.isOpen) return;
    if (button === Button.UP) this.#menu.move(-1);
    else if (button === Button.DOWN) this.#menu.move(1);
    else if (button === Button.OK) this.#menu.select();
    else this.#menu.pop();
    this.#touched();
  }

  close(): void {
    this.#menu.close();
    this.#clearTimer();
  }

  #openTrips(): void {
    const a = this.#o.actions;
    const trips = a.trips();
    if (trips.length === 0) return this.#then(() => a.notice(TEXT.noTrips));
    this.#menu.push(TEXT.chooseTrip, trips.map((t) => {
      const label = `${t.id} ${clockTime(t.departure, this.#o.utcOffsetMinutes)}`;
      return { label: { zh: label, en: label }, select: () => this.#then(() => a.chooseTrip(t)) };
    }));
  }

  #openOverrides(): void {
    const a = this.#o.actions;
    if (!a.canOverride()) return this.#then(() => a.notice(TEXT.nothingToOverride));
    this.#menu.push(TEXT.overrideReason, OVERRIDES.map((r) => ({ label: OVERRIDE_REASONS[r], select: () => this.#then(() => a.override(r)) })));
  }

  /** Closes the menu, then does what the driver chose. */
  #then(action: () => void): void {
    this.close();
    action();
  }

  #touched(): void {
    this.#clearTimer();
    if (this.isOpen) {
      this.#timer = this.#o.timers.set(() => {
        this.#timer = undefined;
        this.#menu.close();
        this.#o.onChange();
      }, this.#o.timeoutMs);
    }
    this.#o.onChange();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#o.timers.clear(this.#timer);
    this.#timer = undefined;
  }
}
