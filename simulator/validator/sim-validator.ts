/**
 * One validator in the simulator: the unchanged firmware app wired to the
 * host provider, a scanner engine on its UART, buttons, LEDs, buzzer and
 * display, all on one simulated clock. Tests, the CLI and the fleet
 * simulation drive validators through this.
 */
import { VALIDATOR_BOARD_V1, type BoardConfig, type ScannerHandshake } from '../../firmware/board/board.js';
import { ValidatorApp, type BootReport, type DecisionEvent, type Provisioning, type ValidatorSettings } from '../../firmware/app/validator.js';
import { configStoreKey, type ConfigKind } from '../../firmware/config/active-config.js';
import { openFlashStorage, type FlashStorage } from '../../firmware/app/storage.js';
import type { BoardingLog } from '../../firmware/log/boarding-log.js';
import type { ClockSource } from '../../firmware/platform/clock.js';
import type { Random } from '../../firmware/platform/random.js';
import type { Uplink } from '../../firmware/platform/uplink.js';
import type { KeyValueStore } from '../../firmware/store/key-value-store.js';
import type { Button } from '../../firmware/ui/buttons.js';
import { nobleVerifier } from '../../protocol/crypto/noble.js';
import type { Verifier } from '../../protocol/crypto/verifier.js';
import { RecordingDisplay, type Frame } from '../display/recording-display.js';
import { FlashChip, type FlashBacking } from '../host/flash.js';
import { HostLoop } from '../host/loop.js';
import { createHostDevice, type HostDevice } from '../host/provider.js';
import { costedVerifier } from '../platform/costed-verifier.js';
import { SimClock } from '../platform/sim-clock.js';
import { loopTimers } from '../platform/sim-timers.js';
import { ScannerEmulator, type ScannerChunking } from '../scanner/emulator.js';
import { seededRandom } from '../platform/seeded-random.js';
import { SyncService, type SyncEvent, type SyncSettings } from '../../firmware/sync/sync-service.js';
import type { SimNetwork } from '../network/sim-network.js';
import type { MqttClientConstructor } from '../../firmware/types/mqtt.js';

/** Bursts like a scan engine behind a USB-serial bridge. */
export const DEFAULT_CHUNKING: ScannerChunking = Object.freeze({ minBytes: 1, maxBytes: 64, gapMs: 2 });

export interface SimulatedValidatorOptions {
  readonly provisioning: Provisioning;
  /** True time at power-up, ms since the epoch. */
  readonly epochMs: number;
  readonly board?: BoardConfig;
  /** Overrides the board's scanner handshake. */
  readonly handshake?: ScannerHandshake;
  /** false: the board has no trigger line to the scanner. */
  readonly trigger?: boolean;
  readonly seed?: number;
  /** false: every code in one burst. */
  readonly chunking?: ScannerChunking | false;
  /** Symbology identifier the engine prepends, e.g. "]Q1". */
  readonly prefix?: string;
  readonly terminator?: '\r' | '\n' | '\r\n';
  readonly fifoSize?: number;
  /** Simulated CPU time one signature check takes (0: free). */
  readonly verifyCostMs?: number;
  readonly verifier?: Verifier;
  readonly clock?: { offsetMs?: number; source?: ClockSource; uncertainty?: number; ticks?: () => number };
  readonly settings?: Partial<ValidatorSettings>;
  /** Signed configuration documents already in the validator's store at first boot. */
  readonly config?: Partial<Record<ConfigKind, Uint8Array>>;
  /**
   * The board's flash chip, holding the board's log and settings partitions.
   * Default: a new chip with a 1 MiB log and a 256 KiB settings partition in
   * memory (or files, with `flashBacking`).
   */
  readonly flash?: FlashChip;
  /** Where a default chip keeps each partition: memory, or files named after the partition in this directory. */
  readonly flashBacking?: 'memory' | { readonly dir: string };
  /** Size of a default chip's log partition; default 1 MiB. */
  readonly logSize?: number;
  /** A fixed uplink for the app (tests of the driver's screen); `sync` builds the real one. */
  readonly uplink?: Uplink;
  /** Sync with a back office over MQTT through a real broker. */
  readonly sync?: SimulatedSync;
  readonly onShow?: (frame: Frame) => void;
  readonly onDecision?: (event: DecisionEvent) => void;
}

export interface SimulatedSync {
  /**
   * The MQTT client class: simulator/network's SimMqttClient for a real
   * broker. Passed in, so a validator that does not sync needs no sockets
   * (the portability scenario runs SimulatedValidator with only ECMAScript).
   */
  readonly client: MqttClientConstructor;
  readonly host?: string;
  readonly port: number;
  /** The validator's link, for dropping it or taking it out of coverage; a new one if not given. */
  readonly network?: SimNetwork;
  /** Deliver incoming messages in fragments of this many bytes, as the ESP32's client does. */
  readonly maxChunk?: number;
  readonly settings?: Partial<SyncSettings>;
  readonly fw?: string;
  readonly onEvent?: (event: SyncEvent) => void;
}

export class SimulatedValidator {
  readonly loop: HostLoop;
  readonly board: BoardConfig;
  readonly host: HostDevice;
  readonly scanner: ScannerEmulator;
  readonly display: RecordingDisplay;
  readonly clock: SimClock;
  readonly flash: FlashChip;
  /** The firmware's randomness: the same seeded generator as the scan engine's bursts. */
  readonly random: Random;
  readonly events: DecisionEvent[] = [];
  readonly #options: SimulatedValidatorOptions;
  readonly #random: () => number;
  #app: ValidatorApp | undefined;
  #storage: FlashStorage | undefined;
  #sync: SyncService | undefined;
  #booted = false;
  /** Sync events since construction, across reboots. */
  readonly syncEvents: SyncEvent[] = [];

  constructor(options: SimulatedValidatorOptions) {
    this.#options = options;
    const base = options.board ?? VALIDATOR_BOARD_V1;
    const scanner = {
      ...base.scanner,
      handshake: options.handshake ?? base.scanner.handshake,
      trigger: options.trigger === false ? undefined : base.scanner.trigger,
    };
    this.board = { ...base, scanner };
    this.loop = new HostLoop();
    this.#random = seededRandom(options.seed ?? 1);
    const rng = this.#random;
    this.random = Object.freeze({ bytes: (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rng() * 256)) });
    this.clock = new SimClock(this.loop, { epochMs: options.epochMs, ...options.clock });
    this.display = new RecordingDisplay(this.loop, { onShow: options.onShow });
    this.flash = options.flash ?? defaultChip(this.board, options);
    this.host = createHostDevice({ loop: this.loop, board: this.board, fifoSize: options.fifoSize, flash: this.flash });

    const trigger = scanner.trigger;
    this.scanner = new ScannerEmulator({
      loop: this.loop,
      uart: this.host.scannerUart,
      baud: scanner.baud,
      handshake: scanner.handshake,
      terminator: options.terminator,
      prefix: options.prefix,
      random: this.#random,
      chunking: options.chunking === false ? undefined : (options.chunking ?? DEFAULT_CHUNKING),
      // With a trigger line the engine scans only while the firmware asserts it.
      enabled: trigger === undefined,
    });
    if (trigger) {
      this.host.pins.onOutput(trigger.pin, (value) => this.scanner.setEnabled(value === (trigger.activeLow ? 0 : 1)));
    }
  }

  get app(): ValidatorApp {
    if (!this.#app) throw new Error('validator not booted');
    return this.#app;
  }

  /** The boarding log the firmware opened from flash at its last boot. */
  get log(): BoardingLog & FlashStorage['log'] {
    if (!this.#storage) throw new Error('validator not booted');
    return this.#storage.log;
  }

  /** The settings store the firmware opened from flash at its last boot. */
  get store(): KeyValueStore {
    if (!this.#storage) throw new Error('validator not booted');
    return this.#storage.store;
  }

  /** The sync service of the current boot, when the validator syncs. */
  get sync(): SyncService | undefined {
    return this.#sync;
  }

  /** Powers up the firmware: opens its flash (recovering the log), then the app. */
  boot(): BootReport {
    const o = this.#options;
    const verifier = costedVerifier(o.verifier ?? nobleVerifier, this.loop, o.verifyCostMs ?? 0);
    const random = this.random;
    const sim = this;
    this.#storage = openFlashStorage({ flash: this.flash, board: this.board, random, ticks: () => this.clock.ticks() });
    if (!this.#booted) {
      // Documents loaded at the factory, before the first power-up.
      for (const [kind, bytes] of Object.entries(o.config ?? {})) if (bytes) this.#storage.store.set(configStoreKey(kind as ConfigKind), bytes);
      this.#booted = true;
    }
    const timers = loopTimers(this.loop);
    this.#sync = o.sync && new SyncService({
      mqtt: { io: o.sync.client, loop: this.loop, network: o.sync.network, maxChunk: o.sync.maxChunk },
      broker: { host: o.sync.host ?? '127.0.0.1', port: o.sync.port },
      validatorId: o.provisioning.validatorId,
      operator: o.provisioning.operator,
      fw: o.sync.fw ?? SIMULATED_FIRMWARE,
      log: this.#storage.log,
      store: this.#storage.store,
      clock: this.clock,
      timers,
      random,
      settings: o.sync.settings,
      heap: () => null,
      // Like the device's restart: everything in RAM goes, flash stays.
      restart: () => void this.loop.after(0, () => this.reboot()),
      onEvent(event) {
        sim.syncEvents.push(event);
        o.sync?.onEvent?.(event);
      },
    });
    this.#app = new ValidatorApp({
      device: this.host.device,
      board: this.board,
      platform: {
        clock: this.clock,
        timers,
        random,
        verifier,
        uplink: this.#sync ?? o.uplink,
      },
      display: this.display,
      log: this.#storage.log,
      store: this.#storage.store,
      provisioning: o.provisioning,
      settings: o.settings,
      onDecision(event) {
        sim.events.push(event);
        o.onDecision?.(event);
      },
    });
    const report = this.#app.boot();
    this.#sync?.attach(this.#app);
    this.#sync?.start();
    this.loop.runUntilIdle(0);
    return report;
  }

  /** Orderly shutdown, then power-up: the firmware finds what flash kept. */
  reboot(): BootReport {
    this.#powerDown();
    return this.boot();
  }

  /**
   * The battery is pulled: the flash chip loses power with the log and store
   * still open (an operation in progress is cut as its PowerCut says), the
   * pins, ports and timers reset as the chip's reset would (modelled by the
   * app's shutdown, which writes nothing), then the validator powers up
   * again from what flash kept.
   */
  powerCycle(): BootReport {
    // The radio dies with the rest: no goodbye, the broker publishes the Will.
    this.#sync?.close(false);
    this.#sync = undefined;
    this.#app?.shutdown();
    this.#app = undefined;
    this.#storage = undefined;
    this.flash.reboot();
    return this.boot();
  }

  /** A passenger holds up a code; runs until the validator has decided on it (or `limitMs` passes). */
  scan(text: string, limitMs = 10_000): DecisionEvent {
    const before = this.events.length;
    this.scanner.present(text);
    this.loop.runUntil(() => this.events.length > before, limitMs);
    return this.events[before];
  }

  /** Presents several codes at once and runs until all are decided. */
  scanAll(texts: readonly string[], limitMs = 30_000): DecisionEvent[] {
    const before = this.events.length;
    for (const t of texts) this.scanner.present(t);
    this.loop.runUntil(() => this.events.length >= before + texts.length && this.scanner.idle(), limitMs);
    return this.events.slice(before);
  }

  /** The driver presses a button; runs until the firmware has handled it. */
  press(button: Button): void {
    this.host.pins.press(this.board.buttons[button], { activeLow: this.board.buttons.activeLow });
    this.loop.runFor(100);
  }

  /** Lets `ms` of simulated time pass. */
  run(ms: number): void {
    this.loop.runFor(ms);
  }

  /** LED levels as seen by the passenger (true = lit). */
  get leds(): { green: boolean; red: boolean } {
    const { green, red, activeLow } = this.board.leds;
    const lit = (pin: number) => this.host.pins.value(pin) === (activeLow ? 0 : 1);
    return { green: lit(green), red: lit(red) };
  }

  /** Whether the buzzer sounds now. */
  get beeping(): boolean {
    return (this.host.pins.duty(this.board.buzzer.pin) ?? 0) > 0;
  }

  /** Orderly power-down: the app, then the parts the board owns. */
  shutdown(): void {
    this.#powerDown();
    this.display.close();
  }

  #powerDown(): void {
    this.#sync?.close(true);
    this.#sync = undefined;
    this.#app?.shutdown();
    this.#app = undefined;
    this.#storage?.close();
    this.#storage = undefined;
  }
}

/** What a simulated validator reports as its firmware version. */
export const SIMULATED_FIRMWARE = 'sim-0.1.0';

/** A chip with the board's two data partitions. */
function defaultChip(board: BoardConfig, options: SimulatedValidatorOptions): FlashChip {
  const where = options.flashBacking ?? 'memory';
  const backing = (name: string): FlashBacking => (where === 'memory' ? 'memory' : { file: `${where.dir}/${name}.bin` });
  return new FlashChip({
    partitions: {
      [board.flash.log]: { size: options.logSize ?? 1 << 20, backing: backing(board.flash.log) },
      [board.flash.store]: { size: 256 * 1024, backing: backing(board.flash.store) },
    },
  });
}
