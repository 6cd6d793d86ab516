/**
 * The validator application: scanner in, decision out.
 *
 *   scanner UART -> framed code -> validate() -> LEDs + buzzer -> boarding log -> display -> ACK
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
import { VerifiedCache } from '../../protocol/validate/cache.js';
import { OVERRIDE_REASONS, type OverrideReason } from '../../protocol/validate/override.js';
import { Decision, REASONS, Reason } from '../../protocol/validate/reasons.js';
import { validate } from '../../protocol/validate/validate.js';
import type { BoardConfig } from '../board/board.js';
import { ActiveConfig, ApplyOutcome, ConfigKind, type ApplyResult } from '../config/active-config.js';
import { boardingOutcome, inspectionOutcome } from '../display/outcomes.js';
import { homeScreen, menuScreen, type Outcome } from '../display/screens.js';
import { ScreenTone, type Text, type TextDisplay } from '../display/text-display.js';
import { TEXT } from '../display/texts.js';
import { Feedback, Tone } from '../feedback/feedback.js';
import { tripKey, type BoardingLog, type BoardingRecord } from '../log/boarding-log.js';
import { ClockSource } from '../platform/clock.js';
import type { Platform } from '../platform/platform.js';
import type { TimerId } from '../platform/timers.js';
import { UplinkState } from '../platform/uplink.js';
import { Scanner } from '../scanner/scanner.js';
import type { KeyValueStore } from '../store/key-value-store.js';
import type { DeviceProvider } from '../types/ecma419.js';
import { Button, Buttons } from '../ui/buttons.js';
import { DriverMenu } from '../ui/driver-menu.js';
import { findTrip, restoreChosenTrip, saveChosenTrip } from './chosen-trip.js';
import { Mode } from './mode.js';
import type { Provisioning } from './provisioning.js';
import { DEFAULT_SETTINGS, type ValidatorSettings } from './settings.js';

export { Mode } from './mode.js';
export type { Provisioning } from './provisioning.js';
export { DEFAULT_SETTINGS, type ValidatorSettings } from './settings.js';
export type { Platform } from '../platform/platform.js';

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
  /** Codes refused because too many were waiting. */
  readonly droppedCodes: number;
  /** Decisions that failed inside the validator (a storage or platform error). */
  readonly faults: number;
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

export class ValidatorApp {
  readonly #o: ValidatorOptions;
  readonly #settings: ValidatorSettings;
  readonly #config: ActiveConfig;
  readonly #cache: VerifiedCache;
  readonly #menu: DriverMenu;
  /** Used while no trust list has been loaded: every ticket is from an unknown issuer. */
  readonly #noTrust: TrustList;
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
  #housekeepingTimer: TimerId | undefined;
  #refused: RefusedScan | undefined;
  #notStored = 0;
  /** Passengers let on whose record could not be stored, by trip: still counted on screen. */
  #unstoredBoarded = new Map<string, number>();
  #counts: Partial<Record<Reason, number>> = {};
  #droppedCodes = 0;
  #faults = 0;

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
    this.#noTrust = { version: 0, issuedAt: 0, operator: options.provisioning.operator, issuers: new Map() };
    this.#menu = new DriverMenu({
      timers: options.platform.timers,
      timeoutMs: this.#settings.menuTimeoutMs,
      utcOffsetMinutes: this.#settings.utcOffsetMinutes,
      onChange: () => this.#render(),
      actions: {
        trips: () => this.trips,
        chooseTrip: (trip) => this.chooseTrip(trip.id, trip.serviceDate),
        mode: () => this.#mode,
        setMode: (mode) => this.setMode(mode),
        canOverride: () => this.#overridable() !== undefined,
        override: (reason) => this.override(reason),
        syncNow: () => this.syncNow(),
        notice: (text) => this.#notice(text, []),
      },
    });
  }

  /** Loads configuration and state, opens the I/O, shows the home screen. */
  boot(): BootReport {
    if (this.#running || this.#closed) throw new Error('validator already booted');
    const config = this.#config.load();
    this.#trip = restoreChosenTrip(this.#o.store, this.#config.trips);
    const { device, board, platform } = this.#o;
    const app = this;
    try {
      this.#feedback = new Feedback({
        Digital: device.io.Digital,
        PWM: device.io.PWM,
        leds: board.leds,
        buzzer: board.buzzer,
        timers: platform.timers,
        timings: this.#settings.feedback,
      });
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
    } catch (e) {
      // A pin or port that will not open: release what did, so a retry can.
      this.#closeIo();
      throw e;
    }
    this.#running = true;
    this.#scanner.enable();
    this.#render();
    this.#scheduleHousekeeping();
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
    if (this.#processTimer !== undefined) this.#o.platform.timers.clear(this.#processTimer);
    if (this.#outcomeTimer !== undefined) this.#o.platform.timers.clear(this.#outcomeTimer);
    if (this.#housekeepingTimer !== undefined) this.#o.platform.timers.clear(this.#housekeepingTimer);
    this.#menu.close();
    this.#queue = [];
    this.#closeIo();
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
      configVersions: {
        trust: this.#config.version(ConfigKind.TRUST),
        deny: this.#config.version(ConfigKind.DENY),
        trips: this.#config.version(ConfigKind.TRIPS),
      },
      counts: { ...this.#counts },
      droppedCodes: this.#droppedCodes,
      faults: this.#faults,
    };
  }

  /** Trips the driver may choose from, in departure order. */
  get trips(): readonly Trip[] {
    return [...(this.#config.trips?.trips ?? [])].sort((a, b) => a.departure - b.departure);
  }

  /** The driver picks the trip being served; false if the trip list has no such trip. */
  chooseTrip(id: string, serviceDate: number): boolean {
    const trip = findTrip(this.#config.trips, id, serviceDate);
    if (!trip) return false;
    this.#trip = trip;
    this.#refused = undefined;
    saveChosenTrip(this.#o.store, trip);
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
    const refused = this.#overridable();
    if (!this.#running || !refused || !(reason in OVERRIDE_REASONS)) return false;
    this.#refused = undefined;
    const { clock } = this.#o.platform;
    const started = clock.ticks();
    this.#feedback?.show(Tone.ACCEPT);
    const stored = this.#record(Decision.ACCEPT, refused.reason, reason, refused.ticket, Math.max(refused.passengers, 1));
    const details = [OVERRIDE_REASONS[reason][this.#settings.language], ...(refused.ticketNo ? [refused.ticketNo] : [])];
    this.#showOutcome({ tone: ScreenTone.ACCEPT, title: TEXT.overridden, details });
    this.#emit({
      mode: this.#mode, decision: Decision.ACCEPT, reason: refused.reason, override: reason, ...stored,
      ticketNo: refused.ticketNo, latencyMs: clock.ticks() - started, signatureChecked: false,
    });
    return true;
  }

  /** Asks the uplink to send the backlog now. */
  syncNow(): void {
    this.#o.platform.uplink?.syncNow();
    this.#notice(TEXT.syncRequested, []);
  }

  /** The uplink's state or the backlog changed: the home screen shows both. */
  uplinkChanged(): void {
    if (this.#outcome === undefined) this.#render();
  }

  /** A signed configuration document from the back office (or a provisioning tool). */
  applyConfig(kind: ConfigKind, bytes: Uint8Array): ApplyResult {
    const result = this.#config.apply(kind, bytes);
    if (result.outcome === ApplyOutcome.APPLIED && kind === ConfigKind.TRIPS && this.#trip) {
      // Keep the chosen trip if the new list still has it, with its new details.
      this.#trip = findTrip(this.#config.trips, this.#trip.id, this.#trip.serviceDate);
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

  #scheduleHousekeeping(): void {
    this.#housekeepingTimer = this.#o.platform.timers.set(() => {
      this.#housekeepingTimer = undefined;
      if (!this.#running) return;
      this.#housekeep();
      this.#scheduleHousekeeping();
    }, this.#settings.housekeepingIntervalMs);
  }

  /**
   * Forgets acknowledged boardings past the retention period, one block at a
   * time and only while no code waits, so a passenger never waits on it.
   * Not without a trusted clock: a wrong one could forget today's tickets.
   */
  #housekeep(): void {
    const { clock } = this.#o.platform;
    if (this.#queue.length > 0 || this.#processTimer !== undefined || clock.source() === ClockSource.NONE) return;
    try {
      this.#o.log.reclaim(Math.floor(clock.now() / 1000) - this.#settings.logRetentionDays * 86_400, 1);
    } catch {
      // The log is still as it was; the next round tries again.
      this.#faults++;
    }
  }

  /** Decide in a later turn, so the UART callback returns at once and keeps draining the FIFO. */
  #scheduleProcessing(): void {
    if (this.#processTimer !== undefined) return;
    this.#processTimer = this.#o.platform.timers.set(() => {
      this.#processTimer = undefined;
      const code = this.#queue.shift();
      if (code && this.#running) this.#decideSafely(code);
      if (this.#queue.length > 0) this.#scheduleProcessing();
      else if (this.#running) this.#scanner?.enable();
    }, 0);
  }

  /**
   * validate() never throws, but storage or a platform service can fail. The
   * validator must keep serving the next passenger: show a fault, count it.
   */
  #decideSafely(code: PendingCode): void {
    try {
      this.#decide(code);
    } catch {
      this.#faults++;
      this.#feedback?.show(Tone.WARNING);
      this.#showOutcome({ tone: ScreenTone.WARNING, title: TEXT.fault, details: [] });
      this.#scanner?.acknowledge(true);
    }
  }

  #decide(code: PendingCode): void {
    const { clock, verifier } = this.#o.platform;
    const s = this.#settings;
    const boarding = this.#mode === Mode.BOARDING;
    const result = validate(code.text, {
      operator: this.#o.provisioning.operator,
      trust: this.#config.trust ?? this.#noTrust,
      deny: this.#config.deny,
      trip: this.#trip,
      now: Math.floor(clock.now() / 1000),
      clockSkew: s.clockSkew + Math.min(Math.max(clock.uncertainty(), 0), s.maxClockAllowance),
      rescanGrace: s.rescanGrace,
      // An inspector's scan is not a boarding: usage is looked at below, not enforced.
      usage: boarding ? this.#o.log : undefined,
      verifier,
      verified: this.#cache,
    });
    this.#counts[result.reason] = (this.#counts[result.reason] ?? 0) + 1;
    const shown = boarding ? boardingOutcome(result, s.language) : inspectionOutcome(result, this.#boardedHere(result.ticket?.hash), s.language);
    // Light and sound first: they are what the passenger waits for.
    this.#feedback?.show(shown.tone);
    let stored: { record?: BoardingRecord; notStored: boolean } = { notStored: false };
    if (boarding) {
      const passengers = result.ticket?.passengers ?? 0;
      stored = this.#record(result.decision, result.reason, 0, result.ticket?.hash, passengers);
      this.#refused = result.decision === Decision.REJECT
        ? { reason: result.reason, ticket: result.ticket?.hash, passengers, ticketNo: result.summary?.ticketNo, at: clock.ticks() }
        : undefined;
    }
    // The screen last, so the count on it includes this boarding.
    this.#showOutcome(shown.outcome);
    // The scanner engine may send its next code now.
    this.#scanner?.acknowledge(true);
    this.#emit({
      mode: this.#mode, decision: result.decision, reason: result.reason, override: 0, ...stored,
      ticketNo: result.summary?.ticketNo, latencyMs: clock.ticks() - code.at, signatureChecked: result.signatureChecked,
    });
  }

  #boardedHere(ticket: Uint8Array | undefined): boolean {
    const usage = ticket && this.#o.log.get(ticket);
    return usage !== undefined && this.#trip !== undefined && usage.lastTrip === this.#trip.id;
  }

  /** The last refusal, if the driver may still override it. */
  #overridable(): RefusedScan | undefined {
    const refused = this.#refused;
    if (!refused || this.#mode !== Mode.BOARDING) return undefined;
    return this.#o.platform.clock.ticks() - refused.at > this.#settings.overrideWindowMs ? undefined : refused;
  }

  #record(decision: Decision, reason: Reason, override: number, ticket: Uint8Array | undefined, passengers: number): { record?: BoardingRecord; notStored: boolean } {
    const trip = this.#trip;
    const record = this.#o.log.append({
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
      const key = tripKey(trip.id, trip.serviceDate);
      this.#unstoredBoarded.set(key, (this.#unstoredBoarded.get(key) ?? 0) + passengers);
    }
    return { notStored: true };
  }

  #boarded(): number {
    const trip = this.#trip;
    if (!trip) return 0;
    return this.#o.log.boarded(trip.id, trip.serviceDate) + (this.#unstoredBoarded.get(tripKey(trip.id, trip.serviceDate)) ?? 0);
  }

  #emit(event: DecisionEvent): void {
    this.#o.onDecision?.call(this, event);
  }

  #onButton(button: Button): void {
    if (!this.#running) return;
    if (this.#menu.isOpen) this.#menu.press(button);
    else if (button === Button.OK) this.#menu.open();
    else if (button === Button.BACK) this.#clearOutcome();
  }

  // Display

  #showOutcome(outcome: Outcome): void {
    // A scan always wins over the menu: the driver must see the decision.
    this.#menu.close();
    this.#notice(outcome.title, outcome.details, outcome.tone);
  }

  /** Shows a result or a message for resultHoldMs, then the home screen again. */
  #notice(title: Text, details: readonly string[], tone: Outcome['tone'] = ScreenTone.IDLE): void {
    if (!this.#running) return;
    this.#outcome = { tone, title, details };
    if (this.#outcomeTimer !== undefined) this.#o.platform.timers.clear(this.#outcomeTimer);
    this.#outcomeTimer = this.#o.platform.timers.set(() => this.#clearOutcome(), this.#settings.resultHoldMs);
    this.#render();
  }

  #clearOutcome(): void {
    if (this.#outcomeTimer !== undefined) this.#o.platform.timers.clear(this.#outcomeTimer);
    this.#outcomeTimer = undefined;
    this.#outcome = undefined;
    this.#render();
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

  #closeIo(): void {
    this.#scanner?.close();
    this.#buttons?.close();
    this.#feedback?.close();
    this.#scanner = this.#buttons = this.#feedback = undefined;
  }
}
