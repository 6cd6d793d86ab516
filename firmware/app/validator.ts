/**
 * The validator application: scanner in, decision out.
 *
 *   scanner UART -> framed code -> validate() -> feedback + display -> boarding log
 *
 * Everything platform-specific comes in through the options: the ECMA-419
 * classes from the board provider, the clock, timers, randomness and the
 * signature verifier, the display, the stores. The same source runs on the
 * ESP32, in real XS and on Node with the simulator's host provider.
 *
 * Lifecycle: construct, boot() (load configuration and state, open I/O),
 * run (callbacks), shutdown() (close I/O; idempotent).
 */
import type { Trip } from '../../protocol/config/trips.js';
import type { TrustList } from '../../protocol/config/trust.js';
import { decodeCbor, encodeCbor } from '../../protocol/cbor.js';
import type { Verifier } from '../../protocol/crypto/verifier.js';
import { VerifiedCache } from '../../protocol/validate/cache.js';
import { OVERRIDE_REASONS, type OverrideReason } from '../../protocol/validate/override.js';
import { Decision, REASONS, Reason } from '../../protocol/validate/reasons.js';
import { DEFAULT_CLOCK_SKEW, DEFAULT_RESCAN_GRACE, validate, type ValidationResult } from '../../protocol/validate/validate.js';
import type { BoardConfig } from '../board/board.js';
import { ActiveConfig, type ApplyResult, type ConfigKind } from '../config/active-config.js';
import { clockTime, homeScreen, menuScreen, type Outcome } from '../display/screens.js';
import { TEXT } from '../display/texts.js';
import { ScreenTone, type Language, type Text, type TextDisplay } from '../display/text-display.js';
import { DEFAULT_TIMINGS, Feedback, Tone, type FeedbackTimings } from '../feedback/feedback.js';
import type { BoardingLog, BoardingRecord } from '../log/boarding-log.js';
import { ClockSource, type Clock } from '../platform/clock.js';
import type { Random } from '../platform/random.js';
import type { Timers, TimerId } from '../platform/timers.js';
import { UplinkState, type Uplink } from '../platform/uplink.js';
import { Scanner } from '../scanner/scanner.js';
import type { KeyValueStore } from '../store/key-value-store.js';
import type { DeviceProvider } from '../types/ecma419.js';
import { Button, Buttons } from '../ui/buttons.js';
import { Menu } from '../ui/menu.js';

export const Mode = Object.freeze({
  /** Passengers board: tickets are checked, recorded and counted. */
  BOARDING: 'boarding',
  /** An inspector checks tickets on board: nothing is recorded; the screen says whether the ticket was scanned on this trip. */
  INSPECTION: 'inspection',
} as const);
export type Mode = (typeof Mode)[keyof typeof Mode];

export interface Provisioning {
  readonly validatorId: string;
  readonly operator: string;
  /** Operator root public keys (SEC1) that sign configuration. */
  readonly rootKeys: readonly Uint8Array[];
}

export interface Platform {
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  readonly verifier: Verifier;
  /** The link to the back office; absent until sync exists, shown as offline. */
  readonly uplink?: Uplink;
}

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
  /** Codes waiting for a decision beyond this are dropped (and counted). */
  readonly maxQueuedCodes: number;
  readonly verifiedCacheSize: number;
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
});

/** One decision, as the app reports it to whoever listens (tests, telemetry). */
export interface DecisionEvent {
  readonly mode: Mode;
  readonly decision: Decision;
  readonly reason: Reason;
  /** OverrideReason id for a driver override, 0 otherwise. */
  readonly override: number;
  /** The log record, when one was stored. */
  readonly record?: BoardingRecord;
  /** Boarding mode only: the decision could not be stored because the log is full. */
  readonly notStored: boolean;
  readonly ticketNo?: string;
  /** From the code being framed to the feedback being shown, ms. */
  readonly latencyMs: number;
  readonly signatureChecked: boolean;
}

export interface ValidatorStatus {
  readonly running: boolean;
  readonly mode: Mode;
  readonly trip?: Trip;
  readonly boarded: number;
  readonly expected: number;
  readonly lastReject?: Reason;
  readonly backlog: number;
  readonly logFull: boolean;
  readonly notStored: number;
  readonly uplink: UplinkState;
  readonly configVersions: Readonly<Record<ConfigKind, number | undefined>>;
  /** Decisions since boot by reason, for telemetry. */
  readonly counts: Readonly<Partial<Record<Reason, number>>>;
  readonly droppedCodes: number;
}

export interface BootReport {
  readonly config: readonly ApplyResult[];
  readonly trip?: Trip;
  readonly nextSeq: number;
}

export interface ValidatorOptions {
  readonly device: DeviceProvider;
  readonly board: BoardConfig;
  readonly platform: Platform;
  readonly display: TextDisplay;
  readonly log: BoardingLog;
  readonly store: KeyValueStore;
  readonly provisioning: Provisioning;
  readonly settings?: Partial<ValidatorSettings>;
  readonly onDecision?: (this: ValidatorApp, event: DecisionEvent) => void;
}

interface PendingCode {
  readonly text: string;
  /** clock.ticks() when the code was framed. */
  readonly at: number;
}

interface RefusedScan {
  readonly reason: Reason;
  readonly ticket?: Uint8Array;
  readonly passengers: number;
  readonly ticketNo?: string;
  readonly at: number;
}

const TRIP_KEY = 'state/trip';

const EMPTY_TRUST = (operator: string): TrustList => ({ version: 0, issuedAt: 0, operator, issuers: new Map() });

export class ValidatorApp {
  readonly #o: ValidatorOptions;
  readonly #settings: ValidatorSettings;
  readonly #config: ActiveConfig;
  readonly #cache: VerifiedCache;
  readonly #menu = new Menu();
  #running = false;
  #closed = false;
  #scanner: Scanner | undefined;
  #buttons: Buttons | undefined;
  #feedback: Feedback | undefined;
  #mode: Mode = Mode.BOARDING;
  #trip: Trip | undefined;
  #queue: PendingCode[] = [];
  #processTimer: TimerId | undefined;
  #outcome: Outcome | undefined;
  #outcomeTimer: TimerId | undefined;
  #menuTimer: TimerId | undefined;
  #refused: RefusedScan | undefined;
  #notStored = 0;
  /** Passengers let on whose record could not be stored, by trip: still counted on screen. */
  #unstoredBoarded = new Map<string, number>();
  #counts: Partial<Record<Reason, number>> = {};
  #droppedCodes = 0;

  constructor(options: ValidatorOptions) {
    this.#o = { ...options };
    this.#settings = { ...DEFAULT_SETTINGS, ...options.settings };
    this.#config = new ActiveConfig({
      operator: options.provisioning.operator,
      rootKeys: options.provisioning.rootKeys,
      verifier: options.platform.verifier,
      store: options.store,
    });
    this.#cache = new VerifiedCache({ capacity: this.#settings.verifiedCacheSize });
  }

  /** Loads configuration and state, opens the I/O, shows the home screen. */
  boot(): BootReport {
    if (this.#running || this.#closed) throw new Error('validator already booted');
    const config = this.#config.load();
    this.#trip = this.#restoreTrip();
    const { device, board, platform } = this.#o;
    this.#feedback = new Feedback({
      Digital: device.io.Digital,
      PWM: device.io.PWM,
      leds: board.leds,
      buzzer: board.buzzer,
      timers: platform.timers,
      timings: this.#settings.feedback,
    });
    const app = this;
    this.#scanner = new Scanner({
      Serial: device.io.Serial,
      Digital: device.io.Digital,
      wiring: board.scanner,
      onCode(text) {
        app.#onCode(text);
      },
      onMisread() {
        app.#onMisread();
      },
    });
    this.#buttons = new Buttons({
      Digital: device.io.Digital,
      wiring: board.buttons,
      clock: platform.clock,
      onPress(button) {
        app.#onButton(button);
      },
    });
    this.#running = true;
    this.#scanner.enable();
    this.#render();
    return { config, trip: this.#trip, nextSeq: this.#o.log.status().nextSeq };
  }

  /**
   * Closes the I/O the app opened (scanner, buttons, LEDs, buzzer); the
   * display, log and store belong to whoever passed them in. Codes not yet
   * decided are dropped unacknowledged, so the engine sends them again.
   */
  shutdown(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#running = false;
    const { timers } = this.#o.platform;
    for (const t of [this.#processTimer, this.#outcomeTimer, this.#menuTimer]) if (t !== undefined) timers.clear(t);
    this.#queue = [];
    this.#scanner?.close();
    this.#buttons?.close();
    this.#feedback?.close();
  }

  get status(): ValidatorStatus {
    const log = this.#o.log.status();
    return {
      running: this.#running,
      mode: this.#mode,
      trip: this.#trip,
      boarded: this.#boarded(),
      expected: this.#trip?.expected ?? 0,
      lastReject: this.#refused?.reason,
      backlog: log.unacked,
      logFull: log.full,
      notStored: this.#notStored,
      uplink: this.#o.platform.uplink?.state() ?? UplinkState.OFFLINE,
      configVersions: { trust: this.#config.version('trust'), deny: this.#config.version('deny'), trips: this.#config.version('trips') },
      counts: { ...this.#counts },
      droppedCodes: this.#droppedCodes,
    };
  }

  /** Trips the driver may choose from, in departure order. */
  get trips(): readonly Trip[] {
    return [...(this.#config.trips?.trips ?? [])].sort((a, b) => a.departure - b.departure);
  }

  /** The driver picks the trip being served; false if the trip list has no such trip. */
  chooseTrip(id: string, serviceDate: number): boolean {
    const trip = this.#config.trips?.trips.find((t) => t.id === id && t.serviceDate === serviceDate);
    if (!trip) return false;
    this.#trip = trip;
    this.#refused = undefined;
    this.#o.store.set(TRIP_KEY, encodeCbor([trip.id, trip.serviceDate]));
    this.#notice(TEXT.tripChosen, [trip.id]);
    return true;
  }

  setMode(mode: Mode): void {
    this.#mode = mode;
    this.#refused = undefined;
    this.#notice(mode === Mode.INSPECTION ? TEXT.inspection : TEXT.boarding, []);
  }

  /**
   * The driver lets the last refused passenger on anyway. Logged as an
   * accept with the override reason and the reason it was refused.
   */
  override(reason: OverrideReason): boolean {
    const refused = this.#refused;
    if (!this.#running || !refused || this.#mode !== Mode.BOARDING) return false;
    if (this.#o.platform.clock.ticks() - refused.at > this.#settings.overrideWindowMs) return false;
    if (!(reason in OVERRIDE_REASONS)) return false;
    this.#refused = undefined;
    const started = this.#o.platform.clock.ticks();
    const title = OVERRIDE_REASONS[reason];
    this.#feedback?.show(Tone.ACCEPT);
    const passengers = Math.max(refused.passengers, 1);
    const { record, notStored } = this.#record(Decision.ACCEPT, refused.reason, reason, refused.ticket, passengers);
    this.#showOutcome({ tone: ScreenTone.ACCEPT, title: TEXT.overridden, details: [title[this.#settings.language], ...(refused.ticketNo ? [refused.ticketNo] : [])] });
    this.#emit({
      mode: this.#mode, decision: Decision.ACCEPT, reason: refused.reason, override: reason, record, notStored,
      ticketNo: refused.ticketNo, latencyMs: this.#o.platform.clock.ticks() - started, signatureChecked: false,
    });
    return true;
  }

  /** Asks the uplink to send the backlog now. */
  syncNow(): void {
    this.#o.platform.uplink?.syncNow();
    this.#notice(TEXT.syncRequested, []);
  }

  /** A signed configuration document from the back office (or a provisioning tool). */
  applyConfig(kind: ConfigKind, bytes: Uint8Array): ApplyResult {
    const result = this.#config.apply(kind, bytes);
    if (result.outcome === 'applied' && kind === 'trips' && this.#trip) {
      // Keep the chosen trip if the new list still has it, with its new details.
      const { id, serviceDate } = this.#trip;
      this.#trip = this.#config.trips?.trips.find((t) => t.id === id && t.serviceDate === serviceDate);
    }
    this.#render();
    return result;
  }

  // Scanning

  #onCode(text: string): void {
    if (!this.#running) return;
    if (this.#queue.length >= this.#settings.maxQueuedCodes) {
      this.#droppedCodes++;
      this.#scanner?.acknowledge(false);
      return;
    }
    this.#queue.push({ text, at: this.#o.platform.clock.ticks() });
    // A trigger-wired engine stops reading while we decide: nothing can pile up in the FIFO.
    this.#scanner?.disable();
    this.#scheduleProcessing();
  }

  /** A code was damaged on the wire and the engine cannot be asked again: the passenger must. */
  #onMisread(): void {
    if (!this.#running) return;
    this.#feedback?.show(Tone.WARNING);
    this.#showOutcome({ tone: ScreenTone.WARNING, title: TEXT.scanAgain, details: [] });
  }

  /** Decide in a later turn, so the UART callback returns at once and keeps draining the FIFO. */
  #scheduleProcessing(): void {
    if (this.#processTimer !== undefined) return;
    this.#processTimer = this.#o.platform.timers.set(() => {
      this.#processTimer = undefined;
      const code = this.#queue.shift();
      if (code && this.#running) this.#decide(code);
      if (this.#queue.length > 0) this.#scheduleProcessing();
      else if (this.#running) this.#scanner?.enable();
    }, 0);
  }

  #decide(code: PendingCode): void {
    const { clock, verifier } = this.#o.platform;
    const s = this.#settings;
    const now = Math.floor(clock.now() / 1000);
    const boarding = this.#mode === Mode.BOARDING;
    const result = validate(code.text, {
      operator: this.#o.provisioning.operator,
      trust: this.#config.trust ?? EMPTY_TRUST(this.#o.provisioning.operator),
      deny: this.#config.deny,
      trip: this.#trip,
      now,
      clockSkew: s.clockSkew + Math.min(Math.max(clock.uncertainty(), 0), s.maxClockAllowance),
      rescanGrace: s.rescanGrace,
      // An inspector's scan is not a boarding: usage is looked at below, not enforced.
      usage: boarding ? this.#o.log : undefined,
      verifier,
      verified: this.#cache,
    });
    this.#count(result.reason);
    const shown = boarding ? this.#boardingOutcome(result) : this.#inspectionOutcome(result);
    // Light and sound first: they are what the passenger waits for.
    this.#feedback?.show(shown.tone);
    let stored: { record?: BoardingRecord; notStored: boolean } = { notStored: false };
    if (boarding) {
      stored = this.#record(result.decision, result.reason, 0, result.ticket?.hash, result.ticket?.passengers ?? 0);
      this.#refused = result.decision === Decision.REJECT
        ? { reason: result.reason, ticket: result.ticket?.hash, passengers: result.ticket?.passengers ?? 0, ticketNo: result.summary?.ticketNo, at: clock.ticks() }
        : undefined;
    }
    // The screen last, so the count on it includes this boarding.
    this.#showOutcome(shown.outcome);
    // The scanner engine may send its next code now.
    this.#scanner?.acknowledge(true);
    const latencyMs = clock.ticks() - code.at;
    this.#emit({
      mode: this.#mode, decision: result.decision, reason: result.reason, override: 0, ...stored,
      ticketNo: result.summary?.ticketNo, latencyMs, signatureChecked: result.signatureChecked,
    });
  }

  #boardingOutcome(result: ValidationResult): { tone: Tone; outcome: Outcome } {
    const tone = result.decision === Decision.ACCEPT ? Tone.ACCEPT : result.decision === Decision.REPEAT ? Tone.REPEAT : Tone.REJECT;
    return { tone, outcome: { tone, title: result.text, details: this.#details(result) } };
  }

  /** Inspection: a valid ticket is green only if it was scanned when boarding this trip. */
  #inspectionOutcome(result: ValidationResult): { tone: Tone; outcome: Outcome } {
    if (result.decision !== Decision.ACCEPT || !result.ticket) return this.#boardingOutcome(result);
    const usage = this.#o.log.get(result.ticket.hash);
    const here = usage !== undefined && this.#trip !== undefined && usage.lastTrip === this.#trip.id;
    const tone = here ? Tone.ACCEPT : Tone.WARNING;
    return { tone, outcome: { tone, title: here ? TEXT.boardedHere : TEXT.notBoardedHere, details: [result.text[this.#settings.language], ...this.#details(result)] } };
  }

  /** Only what the ticket itself shows the driver. */
  #details(result: ValidationResult): string[] {
    const s = result.summary;
    if (!s) return [];
    const l = this.#settings.language;
    const who = [s.holderName, s.holderId].filter((x) => x !== undefined).join(' ');
    const what = [
      s.productLabel[l],
      s.passengers > 1 ? `x${s.passengers}` : undefined,
      s.seat,
      s.origin !== undefined && s.destination !== undefined ? `${s.origin}→${s.destination}` : undefined,
    ].filter((x) => x !== undefined).join(' ');
    return who ? [who, what] : [what];
  }

  #record(decision: Decision, reason: Reason, override: number, ticket: Uint8Array | undefined, passengers: number): { record?: BoardingRecord; notStored: boolean } {
    const log = this.#o.log;
    const trip = this.#trip;
    const record = log.append({
      time: Math.floor(this.#o.platform.clock.now() / 1000),
      ticket,
      trip: trip?.id,
      serviceDate: trip?.serviceDate,
      decision,
      reason: REASONS[reason].id,
      override,
      passengers,
    });
    if (record) return { record, notStored: false };
    // The log is full of records the back office has not acknowledged: keep validating, warn, count.
    this.#notStored++;
    if (decision === Decision.ACCEPT && trip) {
      const key = `${trip.id}@${trip.serviceDate}`;
      this.#unstoredBoarded.set(key, (this.#unstoredBoarded.get(key) ?? 0) + passengers);
    }
    return { notStored: true };
  }

  #boarded(): number {
    const trip = this.#trip;
    if (!trip) return 0;
    return this.#o.log.boarded(trip.id, trip.serviceDate) + (this.#unstoredBoarded.get(`${trip.id}@${trip.serviceDate}`) ?? 0);
  }

  #count(reason: Reason): void {
    this.#counts[reason] = (this.#counts[reason] ?? 0) + 1;
  }

  #emit(event: DecisionEvent): void {
    this.#o.onDecision?.call(this, event);
  }

  // Driver interface

  #onButton(button: Button): void {
    if (!this.#running) return;
    const menu = this.#menu;
    if (!menu.isOpen) {
      if (button === Button.OK) this.#openMenu();
      else if (button === Button.BACK) this.#clearOutcome();
      return;
    }
    if (button === Button.UP) menu.move(-1);
    else if (button === Button.DOWN) menu.move(1);
    else if (button === Button.OK) menu.select();
    else menu.pop();
    this.#armMenuTimeout();
    this.#render();
  }

  #openMenu(): void {
    const inspection = this.#mode === Mode.INSPECTION;
    this.#menu.push(TEXT.menu, [
      { label: TEXT.chooseTrip, select: () => this.#openTripMenu() },
      { label: { zh: `${TEXT.switchMode.zh}: ${inspection ? TEXT.boarding.zh : TEXT.inspection.zh}`, en: `${TEXT.switchMode.en}: ${inspection ? TEXT.boarding.en : TEXT.inspection.en}` },
        select: () => this.#closeMenuThen(() => this.setMode(inspection ? Mode.BOARDING : Mode.INSPECTION)) },
      { label: TEXT.override, select: () => this.#openOverrideMenu() },
      { label: TEXT.syncNow, select: () => this.#closeMenuThen(() => this.syncNow()) },
    ]);
    this.#armMenuTimeout();
    this.#render();
  }

  #openTripMenu(): void {
    const trips = this.trips;
    if (trips.length === 0) return this.#closeMenuThen(() => this.#notice(TEXT.noTrips, []));
    const at = (t: Trip) => `${t.id} ${clockTime(t.departure, this.#settings.utcOffsetMinutes)}`;
    this.#menu.push(TEXT.chooseTrip, trips.map((t) => ({
      label: { zh: at(t), en: at(t) },
      select: () => this.#closeMenuThen(() => this.chooseTrip(t.id, t.serviceDate)),
    })));
  }

  #openOverrideMenu(): void {
    const refused = this.#refused;
    if (!refused || this.#mode !== Mode.BOARDING || this.#o.platform.clock.ticks() - refused.at > this.#settings.overrideWindowMs) {
      return this.#closeMenuThen(() => this.#notice(TEXT.nothingToOverride, []));
    }
    const reasons = Object.keys(OVERRIDE_REASONS).map((k) => Number(k) as OverrideReason);
    this.#menu.push(TEXT.overrideReason, reasons.map((r) => ({
      label: OVERRIDE_REASONS[r],
      select: () => this.#closeMenuThen(() => this.override(r)),
    })));
  }

  #closeMenuThen(action: () => void): void {
    this.#menu.close();
    this.#clearTimer('menu');
    action();
    this.#render();
  }

  #armMenuTimeout(): void {
    this.#clearTimer('menu');
    if (!this.#menu.isOpen) return;
    this.#menuTimer = this.#o.platform.timers.set(() => {
      this.#menuTimer = undefined;
      this.#menu.close();
      this.#render();
    }, this.#settings.menuTimeoutMs);
  }

  // Display

  #showOutcome(outcome: Outcome): void {
    // A scan always wins over the menu: the driver must see the decision.
    if (this.#menu.isOpen) {
      this.#menu.close();
      this.#clearTimer('menu');
    }
    this.#outcome = outcome;
    this.#clearTimer('outcome');
    this.#outcomeTimer = this.#o.platform.timers.set(() => this.#clearOutcome(), this.#settings.resultHoldMs);
    this.#render();
  }

  #notice(title: Text, details: string[]): void {
    if (!this.#running) return;
    this.#outcome = { tone: ScreenTone.IDLE, title, details };
    this.#clearTimer('outcome');
    this.#outcomeTimer = this.#o.platform.timers.set(() => this.#clearOutcome(), this.#settings.resultHoldMs);
    this.#render();
  }

  #clearOutcome(): void {
    this.#clearTimer('outcome');
    this.#outcome = undefined;
    this.#render();
  }

  #clearTimer(which: 'outcome' | 'menu'): void {
    const timers = this.#o.platform.timers;
    if (which === 'outcome' && this.#outcomeTimer !== undefined) {
      timers.clear(this.#outcomeTimer);
      this.#outcomeTimer = undefined;
    }
    if (which === 'menu' && this.#menuTimer !== undefined) {
      timers.clear(this.#menuTimer);
      this.#menuTimer = undefined;
    }
  }

  #render(): void {
    if (!this.#running) return;
    const language = this.#settings.language;
    const menu = this.#menu.view();
    if (menu) {
      this.#o.display.show(menuScreen(menu, language));
      return;
    }
    const log = this.#o.log.status();
    const clock = this.#o.platform.clock;
    this.#o.display.show(homeScreen({
      language,
      inspection: this.#mode === Mode.INSPECTION,
      trip: this.#trip,
      utcOffsetMinutes: this.#settings.utcOffsetMinutes,
      boarded: this.#boarded(),
      outcome: this.#outcome,
      lastReject: this.#refused && REASONS[this.#refused.reason],
      uplink: this.#o.platform.uplink?.state() ?? UplinkState.OFFLINE,
      backlog: log.unacked,
      logFull: log.full,
      notStored: this.#notStored,
      clockUnsure: clock.source() === ClockSource.NONE || clock.uncertainty() > this.#settings.clockSkew,
      configured: this.#config.trust !== undefined,
    }));
  }

  #restoreTrip(): Trip | undefined {
    const bytes = this.#o.store.get(TRIP_KEY);
    if (!bytes) return undefined;
    try {
      const saved = decodeCbor(bytes);
      if (!Array.isArray(saved)) return undefined;
      const [id, serviceDate] = saved;
      return this.#config.trips?.trips.find((t) => t.id === id && t.serviceDate === serviceDate);
    } catch {
      // A damaged entry only costs the driver choosing the trip again.
      return undefined;
    }
  }
}
