/**
 * Bundled into XS by XsValidator: the unchanged firmware, composed as the
 * simulator composes it on Node (sim-validator.ts boot()), except that the
 * device provider, clock, timers, randomness and display are proxies of the
 * simulator's models across the bridge. Storage is opened from the bridged
 * flash chip, and the reference verifier runs here, in XS. With `sync`, the
 * firmware's SyncService runs here too, on the MQTT client the bridged
 * board provider has as `device.network.mqtt`, as main.ts builds it on the
 * device.
 */
import { GuestBridge } from '../bridge/guest-bridge.js';
import { GuestChannel } from '../guest/channel.js';
import { ValidatorHostOp } from '../validator/host-ops.js';
import { ValidatorApp, type BootReport, type DecisionEvent, type Provisioning, type ValidatorSettings } from '../../../firmware/app/validator.js';
import { openFlashStorage, type FlashStorage } from '../../../firmware/app/storage.js';
import type { BoardConfig } from '../../../firmware/board/board.js';
import { configStoreKey, type ConfigKind } from '../../../firmware/config/active-config.js';
import type { TextDisplay } from '../../../firmware/display/text-display.js';
import type { Clock } from '../../../firmware/platform/clock.js';
import type { Random } from '../../../firmware/platform/random.js';
import type { Timers } from '../../../firmware/platform/timers.js';
import type { Uplink } from '../../../firmware/platform/uplink.js';
import { SyncService, type SyncEvent, type SyncSettings } from '../../../firmware/sync/sync-service.js';
import type { BrokerAddress } from '../../../firmware/sync/mqtt-link.js';
import type { DeviceProvider } from '../../../firmware/types/ecma419.js';
import type { MqttProvider } from '../../../firmware/types/mqtt.js';
import { nobleVerifier } from '../../../protocol/crypto/noble.js';
import type { Verifier } from '../../../protocol/crypto/verifier.js';

/** What XsValidator sends to power the validator up. */
export interface BootMessage {
  /** Bridge marks, made into proxies here. */
  readonly services: unknown;
  readonly board: BoardConfig;
  readonly provisioning: Provisioning;
  readonly settings?: Partial<ValidatorSettings>;
  /** Documents loaded at the factory: written to the store before the first boot only. */
  readonly config?: Partial<Record<ConfigKind, Uint8Array>>;
  readonly verifyCostMs: number;
  /** Sync with the back office through `device.network.mqtt`. */
  readonly sync?: BootSync;
}

export interface BootSync {
  readonly broker: BrokerAddress;
  readonly fw: string;
  readonly settings?: Partial<SyncSettings>;
}

interface Services {
  readonly device: DeviceProvider & { readonly network?: { readonly mqtt?: MqttProvider } };
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  readonly display: TextDisplay;
  readonly cpu: { cpu(ms: number): void };
  readonly uplink?: Uplink;
  /** A verifier on Node, when the test gave one; else the reference runs here. */
  readonly verifier?: Verifier;
}

const channel = new GuestChannel();
const bridge = new GuestBridge(channel);
let app: ValidatorApp | undefined;
let storage: FlashStorage | undefined;
let sync: SyncService | undefined;

function running<T>(what: T | undefined): T {
  if (what === undefined) throw new Error('validator not booted');
  return what;
}

/** A method call or a property read on `target`, by name: the Node facades name what they need. */
function access(target: object, name: string, args: readonly unknown[]): unknown {
  const member = (target as Record<string, unknown>)[name];
  return typeof member === 'function' ? (member as (...a: readonly unknown[]) => unknown).apply(target, args as unknown[]) : member;
}

channel.serve({
  boot(message: BootMessage): BootReport {
    if (app) throw new Error('validator already booted');
    const s = bridge.materialize(message.services) as Services;
    const inner = s.verifier ?? nobleVerifier;
    const cost = message.verifyCostMs;
    // As simulator/platform/costed-verifier.ts: the simulated CPU is busy first, then the check runs.
    const verifier: Verifier = cost > 0 ? { verify: (alg, key, data, sig) => (s.cpu.cpu(cost), inner.verify(alg, key, data, sig)) } : inner;
    if (!s.device.flash) throw new Error('the board has no flash');
    storage = openFlashStorage({ flash: s.device.flash, board: message.board, random: s.random, ticks: () => s.clock.ticks() });
    for (const kind of Object.keys(message.config ?? {}) as ConfigKind[]) {
      const bytes = message.config?.[kind];
      if (bytes) storage.store.set(configStoreKey(kind), bytes);
    }
    const mqtt = s.device.network?.mqtt;
    const o = message.sync;
    sync = o && mqtt
      ? new SyncService({
        mqtt,
        broker: o.broker,
        validatorId: message.provisioning.validatorId,
        operator: message.provisioning.operator,
        fw: o.fw,
        log: storage.log,
        store: storage.store,
        clock: s.clock,
        timers: s.timers,
        random: s.random,
        settings: o.settings,
        heap: () => null,
        restart: () => void channel.callHost(ValidatorHostOp.RESTART),
        onEvent(event: SyncEvent) {
          channel.callHost(ValidatorHostOp.SYNC_EVENT, event);
        },
      })
      : undefined;
    app = new ValidatorApp({
      device: s.device,
      board: message.board,
      platform: { clock: s.clock, timers: s.timers, random: s.random, verifier, uplink: sync ?? s.uplink },
      display: s.display,
      log: storage.log,
      store: storage.store,
      provisioning: message.provisioning,
      settings: message.settings,
      onDecision(event: DecisionEvent) {
        channel.callHost(ValidatorHostOp.DECISION, event);
      },
    });
    const report = app.boot();
    sync?.attach(app);
    sync?.start();
    return report;
  },

  /** Orderly power-down: the sync says goodbye, then the app, then the storage it was given. */
  shutdown(): void {
    sync?.close(true);
    app?.shutdown();
    storage?.close();
    sync = undefined;
    app = undefined;
    storage = undefined;
  },

  app: (name: string, args: unknown[]) => access(running(app), name, args),
  log: (name: string, args: unknown[]) => access(running(storage).log, name, args),
  sync(name: string, args: unknown[]): unknown {
    if (!sync) throw new Error('the validator does not sync');
    return access(sync, name, args);
  },
});
