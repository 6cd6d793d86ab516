/**
 * One validator with its firmware in the real XS engine and its hardware in
 * the simulator: the board, scan engine, flash chip, clock and display of a
 * SimulatedValidator (never booted itself) on Node, bridged to the unchanged
 * firmware running in an xsnap worker (entries/validator.ts). Same options
 * and the same test surface as SimulatedValidator, so one script can run on
 * both and the results be compared.
 *
 * Randomness: the firmware's Random is the hardware's (SimulatedValidator's
 * `random`), the same seeded generator the scan engine's bursts draw from,
 * as on Node, so both runs see the same random bytes and their flash
 * contents match byte for byte.
 *
 * Sync: with the `sync` option the board has an MQTT client (the
 * simulator's SimMqttClient over a real socket, on the board's loop), which
 * the firmware in XS sees as `device.network.mqtt`; its SyncService runs in
 * XS. As on Node, the loop must then be run in real time (RealtimePump), and
 * the reboot command reboots the validator.
 */
import type { BootReport, DecisionEvent } from '../../../firmware/app/validator.js';
import type { SyncEvent } from '../../../firmware/sync/sync-service.js';
import type { BoardConfig } from '../../../firmware/board/board.js';
import type { Random } from '../../../firmware/platform/random.js';
import type { Button } from '../../../firmware/ui/buttons.js';
import type { RecordingDisplay } from '../../display/recording-display.js';
import type { FlashChip } from '../../host/flash.js';
import type { HostLoop } from '../../host/loop.js';
import type { HostDevice } from '../../host/provider.js';
import type { SimClock } from '../../platform/sim-clock.js';
import { loopTimers } from '../../platform/sim-timers.js';
import type { ScannerEmulator } from '../../scanner/emulator.js';
import { SimMqttClient, type SimMqttClientOptions } from '../../network/mqtt-client.js';
import { SIMULATED_FIRMWARE, SimulatedValidator, type SimulatedSync, type SimulatedValidatorOptions } from '../../validator/sim-validator.js';
import { HostBridge, type BridgeableDevice } from '../bridge/host-bridge.js';
import { CLOCK, CPU, RANDOM, TEXT_DISPLAY, TIMERS, UPLINK, VERIFIER } from '../bridge/spec.js';
import { bundleForXs } from '../bundle.js';
import type { BootMessage } from '../entries/validator.js';
import { XsWorker } from '../worker.js';
import { ValidatorHostOp } from './host-ops.js';
import { XsAppView, XsLogView, XsSyncView } from './views.js';

export interface XsValidatorOptions extends SimulatedValidatorOptions {
  /** The XS worker's name, in errors. */
  readonly name?: string;
}

export class XsValidator {
  /** The hardware on Node: a SimulatedValidator whose own firmware is never booted. */
  readonly hardware: SimulatedValidator;
  readonly events: DecisionEvent[] = [];
  /** The ValidatorApp in XS, as Node sees it. */
  readonly app: XsAppView;
  /** The boarding log the firmware in XS opened from flash. */
  readonly log: XsLogView;
  /** The SyncService in XS (only with the `sync` option). */
  readonly sync: XsSyncView;
  /** Sync events since construction, across reboots. */
  readonly syncEvents: SyncEvent[] = [];
  readonly #options: XsValidatorOptions;
  readonly #worker: XsWorker;
  readonly #bridge: HostBridge;
  readonly #random: Random;
  /** Every MQTT client the firmware opened, to close with the worker: their sockets live on Node. */
  readonly #mqttClients = new Set<SimMqttClient>();
  #booted = false;

  constructor(options: XsValidatorOptions) {
    const o = { ...options };
    this.#options = o;
    this.hardware = new SimulatedValidator({ ...o, verifier: undefined, onDecision: undefined, sync: undefined });
    this.#random = this.hardware.random;
    const self = this;
    this.#worker = new XsWorker({
      name: o.name ?? 'xs-validator',
      onHostCall(op, args) {
        return self.#onHostCall(op, args);
      },
    });
    this.#bridge = new HostBridge({ callGuest: (op, ...args) => this.#worker.call(op, ...args) });
    try {
      this.#worker.evaluate(bundleForXs('simulator/xs/entries/validator.ts').code);
    } catch (e) {
      this.#worker.close();
      throw e;
    }
    const call = (op: string, name: string, args: unknown[]) => this.#worker.call(op, name, args);
    this.app = new XsAppView((name, args) => call('app', name, args));
    this.log = new XsLogView((name, args) => call('log', name, args));
    this.sync = new XsSyncView((name, args) => call('sync', name, args));
  }

  get loop(): HostLoop {
    return this.hardware.loop;
  }

  get board(): BoardConfig {
    return this.hardware.board;
  }

  get host(): HostDevice {
    return this.hardware.host;
  }

  get scanner(): ScannerEmulator {
    return this.hardware.scanner;
  }

  get display(): RecordingDisplay {
    return this.hardware.display;
  }

  get clock(): SimClock {
    return this.hardware.clock;
  }

  get flash(): FlashChip {
    return this.hardware.flash;
  }

  /** What XS and the worker printed, for failure reports. */
  get output(): string {
    return this.#worker.output;
  }

  /** Powers up the firmware in XS: it opens its flash storage, then the app. */
  boot(): BootReport {
    const o = this.#options;
    const h = this.hardware;
    const b = this.#bridge;
    const loop = h.loop;
    const device: BridgeableDevice = o.sync ? { ...h.host.device, network: { mqtt: { io: mqttClientOn(loop, o.sync, this.#mqttClients) } } } : h.host.device;
    const message: BootMessage = {
      services: {
        device: b.exportDevice(device),
        clock: b.exportObject(CLOCK, h.clock),
        timers: b.exportObject(TIMERS, loopTimers(loop)),
        random: b.exportObject(RANDOM, this.#random),
        display: b.exportObject(TEXT_DISPLAY, h.display),
        cpu: b.exportObject(CPU, { cpu: (ms: number) => loop.cpu(ms) }),
        uplink: o.uplink && b.exportObject(UPLINK, o.uplink),
        verifier: o.verifier && b.exportObject(VERIFIER, o.verifier),
      },
      board: h.board,
      provisioning: o.provisioning,
      settings: o.settings,
      config: this.#booted ? undefined : o.config,
      verifyCostMs: o.verifyCostMs ?? 0,
      sync: o.sync && {
        broker: { host: o.sync.host ?? '127.0.0.1', port: o.sync.port },
        fw: o.sync.fw ?? SIMULATED_FIRMWARE,
        settings: o.sync.settings,
      },
    };
    const report = this.#worker.call('boot', message) as BootReport;
    this.#booted = true;
    loop.runUntilIdle(0);
    return report;
  }

  /** Orderly shutdown, then power-up: the firmware finds what flash kept. */
  reboot(): BootReport {
    this.#worker.call('shutdown');
    return this.boot();
  }

  /** A passenger holds up a code; runs until the validator has decided on it (or `limitMs` passes). */
  scan(text: string, limitMs = 10_000): DecisionEvent {
    const before = this.events.length;
    this.hardware.scanner.present(text);
    this.loop.runUntil(() => this.events.length > before, limitMs);
    return this.events[before];
  }

  /** Presents several codes at once and runs until all are decided. */
  scanAll(texts: readonly string[], limitMs = 30_000): DecisionEvent[] {
    const before = this.events.length;
    for (const t of texts) this.hardware.scanner.present(t);
    this.loop.runUntil(() => this.events.length >= before + texts.length && this.hardware.scanner.idle(), limitMs);
    return this.events.slice(before);
  }

  /** The driver presses a button; runs until the firmware has handled it. */
  press(button: Button): void {
    const { buttons } = this.board;
    this.host.pins.press(buttons[button], { activeLow: buttons.activeLow });
    this.loop.runFor(100);
  }

  run(ms: number): void {
    this.loop.runFor(ms);
  }

  get leds(): { green: boolean; red: boolean } {
    return this.hardware.leds;
  }

  get beeping(): boolean {
    return this.hardware.beeping;
  }

  /** Orderly power-down (the app, then its storage, the display), then the XS worker ends. Idempotent. */
  shutdown(): void {
    if (this.#worker.closed) return;
    try {
      this.#worker.call('shutdown');
      this.display.close();
    } finally {
      this.close();
    }
  }

  /** Ends the XS worker without an orderly power-down, and any MQTT connection it had; idempotent. For cleanup after a failure. */
  close(): void {
    this.#worker.close();
    for (const client of this.#mqttClients) client.close();
    this.#mqttClients.clear();
  }

  #onHostCall(op: string, args: unknown[]): unknown {
    if (HostBridge.serves(op)) return this.#bridge.handle(op, args);
    switch (op) {
      case ValidatorHostOp.DECISION: {
        const event = args[0] as DecisionEvent;
        this.events.push(event);
        this.#options.onDecision?.(event);
        return undefined;
      }
      case ValidatorHostOp.SYNC_EVENT: {
        const event = args[0] as SyncEvent;
        this.syncEvents.push(event);
        this.#options.sync?.onEvent?.(event);
        return undefined;
      }
      case ValidatorHostOp.RESTART:
        // Like the device's restart: everything in RAM goes, flash stays. Not now: XS is mid-call.
        this.loop.after(0, () => this.reboot());
        return undefined;
      default:
        throw new Error(`no host operation ${op}`);
    }
  }
}

/**
 * SimMqttClient with what the board adds on the host (its loop, its network
 * link), as the guest's `device.network.mqtt.io`; each one made is put in
 * `made` (closing one twice is harmless).
 */
function mqttClientOn(loop: HostLoop, sync: SimulatedSync, made: Set<SimMqttClient>): new (options: SimMqttClientOptions) => SimMqttClient {
  const { network, maxChunk } = sync;
  return class BoardMqttClient extends SimMqttClient {
    constructor(options: SimMqttClientOptions) {
      super({ ...options, loop, network, maxChunk });
      made.add(this);
    }

    override close(): void {
      super.close();
      made.delete(this);
    }
  };
}
