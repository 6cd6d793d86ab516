/**
 * The validator's sync with the back office over MQTT (docs/mqtt.md):
 *
 * - presence: retained `state`, online on connect and offline as the Last
 *   Will, with a session number that rises on every connect;
 * - the outbox: unacknowledged boardings in batches on `evt/boarding`,
 *   released only by the back office's `ack`;
 * - telemetry on `tele` every telemetryIntervalMs;
 * - configuration from retained `cfg/*`, applied by the app, reported on
 *   `evt/config`;
 * - commands on `cmd/*`, answered on `res/*`.
 *
 * It is the app's Uplink: the driver sees its state and backlog, and can
 * ask for a sync. Nothing received can throw into the app or stop the
 * link: a bad message is counted and dropped.
 */
import { isProtocolError } from '../../protocol/errors.js';
import { decodeAck } from '../../protocol/sync/ack.js';
import { decodeCommand, encodeResponse } from '../../protocol/sync/command.js';
import { encodeConfigEvent } from '../../protocol/sync/config-event.js';
import { encodeState } from '../../protocol/sync/state.js';
import { encodeTelemetry } from '../../protocol/sync/telemetry.js';
import {
  ValidatorTopic, parseTopic, responseTopic, validatorSubscriptions, validatorTopic,
} from '../../protocol/sync/topics.js';
import type { BoardingLog } from '../log/boarding-log.js';
import type { Clock } from '../platform/clock.js';
import type { Random } from '../platform/random.js';
import type { TimerId, Timers } from '../platform/timers.js';
import { UplinkState, type Uplink } from '../platform/uplink.js';
import type { KeyValueStore } from '../store/key-value-store.js';
import type { MqttProvider } from '../types/mqtt.js';
import type { BackoffSettings } from './backoff.js';
import { runCommand } from './commands.js';
import { ConfigUpdates, worthReporting } from './config-updates.js';
import { LinkState, MqttLink, type BrokerAddress } from './mqtt-link.js';
import { AckOutcome, Outbox, type OutboxSettings, type OutboxStats } from './outbox.js';
import { nextSession } from './session-counter.js';
import type { SyncHost } from './sync-host.js';
import { buildTelemetry, type HeapReading } from './telemetry.js';

export interface SyncSettings {
  readonly keepaliveMs: number;
  readonly connectTimeoutMs: number;
  readonly backoff?: BackoffSettings;
  readonly outbox?: Partial<OutboxSettings>;
  /** How often new records are looked for, ms. */
  readonly flushIntervalMs: number;
  readonly telemetryIntervalMs: number;
  /** A configuration document may be this big (the settings store must hold it twice over). */
  readonly maxConfigBytes: number;
  /** Any other message. */
  readonly maxMessageBytes: number;
  /** Between answering a reboot command and restarting, so the answer gets out, ms. */
  readonly restartDelayMs: number;
}

/** Bytes of the client's send window the outbox leaves to replies, state and telemetry. */
const OUTBOX_RESERVE = 1024;

/** The bytes as an ArrayBuffer of exactly their length. */
function exactBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer);
}

export const DEFAULT_SYNC: SyncSettings = Object.freeze({
  keepaliveMs: 30_000,
  connectTimeoutMs: 15_000,
  flushIntervalMs: 1000,
  telemetryIntervalMs: 60_000,
  maxConfigBytes: 96 * 1024,
  maxMessageBytes: 8192,
  restartDelayMs: 500,
});

/** What happened, for whoever watches the sync (tests, a diagnostics screen). Never passenger data. */
export type SyncEvent =
  | { readonly type: 'connected'; readonly session: number }
  | { readonly type: 'disconnected' }
  | { readonly type: 'ack'; readonly upToSeq: number; readonly outcome: AckOutcome }
  | { readonly type: 'config'; readonly kind: string; readonly outcome: string; readonly version?: number; readonly error?: string }
  | { readonly type: 'command'; readonly name: string; readonly ok: boolean }
  | { readonly type: 'malformed'; readonly topic: string; readonly error: string };

export interface SyncStats {
  readonly state: LinkState;
  readonly session: number;
  readonly connects: number;
  readonly outbox: OutboxStats;
  /** Messages refused: unreadable, oversized, or on a topic we do not read. */
  readonly malformed: number;
  readonly clockOffset: number | null;
}

export interface SyncServiceOptions {
  /** The MQTT client class and whatever its host needs (on the device: `device.network.mqtt`). */
  readonly mqtt: MqttProvider;
  readonly broker: BrokerAddress;
  readonly validatorId: string;
  readonly operator: string;
  /** Firmware version, for the state message. */
  readonly fw: string;
  readonly log: BoardingLog;
  readonly store: KeyValueStore;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  readonly settings?: Partial<SyncSettings>;
  readonly heap?: () => HeapReading | null;
  /** Restarts the validator; without it the reboot command is refused. */
  readonly restart?: () => void;
  readonly onEvent?: (event: SyncEvent) => void;
}

export class SyncService implements Uplink {
  readonly #o: SyncServiceOptions;
  readonly #settings: SyncSettings;
  readonly #link: MqttLink;
  readonly #outbox: Outbox;
  readonly #config = new ConfigUpdates();
  readonly #startedAt: number;
  #host: SyncHost | undefined;
  #session = 0;
  #malformed = 0;
  #clockOffset: number | null = null;
  #flushTimer: TimerId | undefined;
  /** The trip the last online state named: a new one is announced. */
  #announcedTrip: string | undefined;
  #teleTimer: TimerId | undefined;
  #closed = false;

  constructor(options: SyncServiceOptions) {
    this.#o = { ...options };
    const settings = { ...DEFAULT_SYNC, ...options.settings };
    this.#settings = settings;
    this.#startedAt = options.clock.ticks();
    const { operator, validatorId } = options;
    const sync = this;
    this.#outbox = new Outbox({
      log: options.log,
      settings: settings.outbox,
      ticks: () => options.clock.ticks(),
      publish: (payload) => this.#link.publish(validatorTopic(operator, validatorId, ValidatorTopic.BOARDING), payload, 1, false, OUTBOX_RESERVE),
    });
    this.#link = new MqttLink({
      mqtt: options.mqtt,
      broker: options.broker,
      clientId: validatorId,
      keepaliveMs: settings.keepaliveMs,
      connectTimeoutMs: settings.connectTimeoutMs,
      backoff: settings.backoff,
      timers: options.timers,
      random: options.random,
      limit: (topic) => (parseTopic(topic)?.kind === 'config' ? settings.maxConfigBytes : settings.maxMessageBytes),
      will() {
        sync.#session = nextSession(options.store);
        return { topic: validatorTopic(operator, validatorId, ValidatorTopic.STATE), message: exactBuffer(sync.#state(false)), QoS: 1, retain: true };
      },
      subscriptions: validatorSubscriptions(operator, validatorId),
      onConnected: () => this.#connected(),
      onDisconnected: () => this.#disconnected(),
      onMessage: (topic, payload) => this.#receive(topic, payload),
      onDropped: (topic) => this.#refuse(topic ?? '', 'TOO_LARGE'),
      onWritable: () => this.#outbox.pump(),
    });
  }

  /** The app the sync serves; before start(). */
  attach(host: SyncHost): void {
    this.#host = host;
  }

  start(): void {
    if (this.#closed) return;
    this.#link.start();
    this.#scheduleFlush();
    this.#scheduleTelemetry();
  }

  state(): UplinkState {
    switch (this.#link.state) {
      case LinkState.CONNECTED:
        return UplinkState.ONLINE;
      case LinkState.CONNECTING:
        return UplinkState.CONNECTING;
      default:
        return UplinkState.OFFLINE;
    }
  }

  syncNow(): void {
    this.#outbox.pump();
  }

  get stats(): SyncStats {
    return {
      state: this.#link.state,
      session: this.#session,
      connects: this.#link.connects,
      outbox: this.#outbox.stats,
      malformed: this.#malformed,
      clockOffset: this.#clockOffset,
    };
  }

  /**
   * Stops syncing. `clean`: the validator says it is going offline and
   * disconnects; otherwise it just vanishes (a power cut), and the broker
   * publishes its Will. Idempotent.
   */
  close(clean = true): void {
    if (this.#closed) return;
    this.#closed = true;
    const { timers, operator, validatorId } = this.#o;
    if (this.#flushTimer !== undefined) timers.clear(this.#flushTimer);
    if (this.#teleTimer !== undefined) timers.clear(this.#teleTimer);
    if (clean) this.#link.publish(validatorTopic(operator, validatorId, ValidatorTopic.STATE), this.#state(false), 1, true);
    this.#outbox.close();
    this.#link.close(clean);
  }

  /** Publishes the retained online state, with the trip being served. */
  #announce(): void {
    const { operator, validatorId } = this.#o;
    const trip = this.#host?.status.trip?.id;
    if (this.#link.publish(validatorTopic(operator, validatorId, ValidatorTopic.STATE), this.#state(true), 1, true)) this.#announcedTrip = trip;
  }

  #state(online: boolean): Uint8Array {
    const trip = this.#host?.status.trip?.id;
    return encodeState({ online, session: this.#session, fw: this.#o.fw, trip, ts: this.#now() });
  }

  #connected(): void {
    this.#announce();
    this.#emit({ type: 'connected', session: this.#session });
    this.#outbox.open();
    this.#publishTelemetry();
    this.#host?.uplinkChanged();
  }

  #disconnected(): void {
    this.#outbox.close();
    this.#emit({ type: 'disconnected' });
    if (!this.#closed) this.#host?.uplinkChanged();
  }

  #receive(topic: string, payload: Uint8Array): void {
    try {
      this.#route(topic, payload);
    } catch (e) {
      this.#refuse(topic, isProtocolError(e) ? e.code : 'MALFORMED');
    }
  }

  #route(topic: string, payload: Uint8Array): void {
    const { operator, validatorId } = this.#o;
    const parsed = parseTopic(topic);
    const ours = parsed !== undefined && parsed.operator === operator && (!('validator' in parsed) || parsed.validator === undefined || parsed.validator === validatorId);
    if (!parsed || !ours) return this.#refuse(topic, 'UNEXPECTED_TOPIC');
    const host = this.#host;
    switch (parsed.kind) {
      case 'validator': {
        if (parsed.leaf !== ValidatorTopic.ACK) return this.#refuse(topic, 'UNEXPECTED_TOPIC');
        const ack = decodeAck(payload);
        const outcome = this.#outbox.acknowledge(ack);
        if (ack.ts !== undefined && outcome !== AckOutcome.OTHER_LOG && outcome !== AckOutcome.BEYOND_LOG) this.#clockOffset = this.#now() - ack.ts;
        this.#emit({ type: 'ack', upToSeq: ack.upToSeq, outcome });
        if (outcome === AckOutcome.ADVANCED) host?.uplinkChanged();
        return;
      }
      case 'config': {
        // An empty retained message is a document withdrawn from the broker, not a new one: keep what is held.
        if (!host || payload.length === 0) return;
        const result = this.#config.handle(host, topic, parsed.config, payload);
        if (!worthReporting(result)) return;
        this.#emit({ type: 'config', kind: result.kind, outcome: result.outcome, version: result.version, error: result.error });
        const event = encodeConfigEvent({ kind: result.kind, outcome: result.outcome === 'applied' ? 'applied' : 'rejected', version: result.version, error: result.error, ts: this.#now() });
        this.#link.publish(validatorTopic(operator, validatorId, ValidatorTopic.CONFIG_EVENT), event, 1);
        return;
      }
      case 'command': {
        if (!host) return;
        const request = decodeCommand(payload);
        const restart = this.#o.restart;
        const response = runCommand(parsed.name, request, {
          host,
          now: () => this.#now(),
          syncNow: () => this.syncNow(),
          backlog: () => this.#o.log.status().unacked,
          restart: restart && (() => {
            this.#o.timers.set(() => restart(), this.#settings.restartDelayMs);
          }),
        });
        this.#emit({ type: 'command', name: parsed.name, ok: response.ok });
        this.#link.publish(responseTopic(operator, validatorId, parsed.name), encodeResponse(response), 1);
        return;
      }
      default:
        return this.#refuse(topic, 'UNEXPECTED_TOPIC');
    }
  }

  #refuse(topic: string, error: string): void {
    this.#malformed++;
    this.#emit({ type: 'malformed', topic, error });
  }

  #publishTelemetry(): void {
    const host = this.#host;
    if (!host || this.#link.state !== LinkState.CONNECTED) return;
    const { clock, log, operator, validatorId } = this.#o;
    const outbox = this.#outbox.stats;
    const tele = buildTelemetry(host.status, log.status(), clock, clock.ticks() - this.#startedAt, {
      session: this.#session,
      sent: outbox.recordsSent,
      acked: outbox.acks,
      reconnects: Math.max(0, this.#link.connects - 1),
      malformed: this.#malformed,
      clockOffset: this.#clockOffset,
    }, this.#o.heap?.() ?? null);
    this.#link.publish(validatorTopic(operator, validatorId, ValidatorTopic.TELE), encodeTelemetry(tele), 0);
  }

  #scheduleFlush(): void {
    this.#flushTimer = this.#o.timers.set(() => {
      this.#flushTimer = undefined;
      if (this.#closed) return;
      this.#outbox.pump();
      // The driver chose another trip: dashboards see it without waiting for telemetry.
      if (this.#link.state === LinkState.CONNECTED && this.#host?.status.trip?.id !== this.#announcedTrip) this.#announce();
      this.#scheduleFlush();
    }, this.#settings.flushIntervalMs);
  }

  #scheduleTelemetry(): void {
    this.#teleTimer = this.#o.timers.set(() => {
      this.#teleTimer = undefined;
      if (this.#closed) return;
      this.#publishTelemetry();
      this.#scheduleTelemetry();
    }, this.#settings.telemetryIntervalMs);
  }

  /** Whole ms: the messages carry integers, and a host clock may give fractions. */
  #now(): number {
    return Math.floor(this.#o.clock.now());
  }

  #emit(event: SyncEvent): void {
    this.#o.onEvent?.call(undefined, event);
  }
}
