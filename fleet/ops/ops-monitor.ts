/**
 * The dashboards' feed: listens to the validators' `state`, `tele` and
 * `evt/config`, is told by the ingest service about every stored batch
 * (pass `monitor.onStored` as IngestService's `onStored`), and publishes
 * JSON under `tk/v1/{op}/ops/`: `feed`, `validators/{v}`, `summary`,
 * `alerts` and `alerts/active` (see docs/mqtt.md).
 *
 * Run one monitor per fleet: with several ingest instances, give it to one of
 * them, or the retained summaries would count only that instance's share.
 * Counts start at zero when the monitor starts.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import {
  TOPIC_ROOT, ValidatorTopic, checkTopicId, decodeConfigEvent, decodeState, decodeTelemetry, isProtocolError, parseTopic,
  type BoardingBatch,
} from '../../protocol/index.js';
import type { StoreResult } from '../ingest/boarding-store.js';
import { connectServiceClient } from '../broker/service-client.js';
import { untilConnected } from '../broker/until-connected.js';
import type { Alert } from './alerts.js';
import { OperatorView, type OpsThresholds, type Publication, type Summary } from './operator-view.js';
import type { ValidatorStatus } from './validator-status.js';

export interface OpsMonitorOptions extends Partial<OpsThresholds> {
  readonly brokerUrl: string;
  /** One operator, or '+' for all (each gets its own `ops/` tree). */
  readonly operator?: string;
  readonly clientId?: string;
  readonly mqtt?: Partial<IClientOptions>;
  readonly log?: (line: string) => void;
  /** ms since the epoch. */
  readonly now?: () => number;
  /** How often tick() runs by itself, ms; 0 leaves ticking to the caller (tests). */
  readonly tickMs?: number;
}

export interface OpsStats {
  readonly messages: number;
  readonly malformed: number;
  /** By topic leaf (`state`, `tele`, `evt/config`) or TOPIC. */
  readonly malformedByKind: Readonly<Record<string, number>>;
  readonly published: number;
}

export const DEFAULT_THRESHOLDS: Readonly<OpsThresholds> = Object.freeze({
  offlineAfterMs: 180_000,
  logNearlyFull: 0.8,
  maxClockDriftMs: 60_000,
  minPublishIntervalMs: 1000,
  utcOffsetMinutes: -new Date().getTimezoneOffset(),
});

const WATCHED: readonly string[] = [ValidatorTopic.STATE, ValidatorTopic.TELE, ValidatorTopic.CONFIG_EVENT];

export class OpsMonitor {
  readonly #options: OpsMonitorOptions & { readonly operator: string; readonly now: () => number; readonly tickMs: number };
  readonly #thresholds: OpsThresholds;
  readonly #views = new Map<string, OperatorView>();
  readonly #malformedByKind: Record<string, number> = {};
  #stats = { messages: 0, malformed: 0, published: 0 };
  #client: MqttClient | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: OpsMonitorOptions) {
    this.#options = { ...options, operator: options.operator ?? '+', now: options.now ?? Date.now, tickMs: options.tickMs ?? 1000 };
    if (this.#options.operator !== '+') checkTopicId(this.#options.operator, 'operator');
    const t = { ...DEFAULT_THRESHOLDS };
    for (const key of Object.keys(DEFAULT_THRESHOLDS) as (keyof OpsThresholds)[]) {
      if (options[key] !== undefined) t[key] = options[key]!;
    }
    this.#thresholds = Object.freeze(t);
  }

  get stats(): OpsStats {
    return { ...this.#stats, malformedByKind: { ...this.#malformedByKind } };
  }

  /** Subscriptions: every validator's state, telemetry and configuration events. */
  get subscriptions(): string[] {
    return WATCHED.map((leaf) => `${TOPIC_ROOT}/${this.#options.operator}/+/${leaf}`);
  }

  /** Connects and subscribes; resolves once subscribed (or when closed first). Retries until the broker is there. */
  async start(): Promise<void> {
    if (this.#client || this.#closed) throw new Error('the ops monitor was already started');
    const o = this.#options;
    const client = connectServiceClient(o.brokerUrl, { protocolVersion: 4, clientId: o.clientId, mqtt: o.mqtt });
    this.#client = client;
    client.on('message', (topic, payload, packet) => this.#receive(topic, payload, packet.retain));
    client.on('error', (e) => this.#log(`ops mqtt error: ${e.message}`));
    if (!(await untilConnected(client))) return;
    await client.subscribeAsync(this.subscriptions, { qos: 1 });
    if (o.tickMs > 0 && !this.#closed) {
      this.#timer = setInterval(() => this.tick(), o.tickMs);
      this.#timer.unref?.();
    }
  }

  /** IngestService's `onStored`: the feed, counts and boardings today. Bound, so it can be passed as it is. */
  readonly onStored = (operator: string, validator: string, batch: BoardingBatch, result: StoreResult): void => {
    if (this.#closed || !this.#wanted(operator)) return;
    this.#publish(this.#view(operator).onStored(validator, batch, result, this.#options.now()));
  };

  /** Timeouts and held-back retained messages; runs every `tickMs`, or when a test calls it. */
  tick(): void {
    if (this.#closed) return;
    const now = this.#options.now();
    for (const view of this.#views.values()) this.#publish(view.tick(now));
  }

  summary(operator: string): Summary | undefined {
    return this.#views.get(operator)?.summary(this.#options.now());
  }

  status(operator: string, validator: string): ValidatorStatus | undefined {
    return this.#views.get(operator)?.status(validator);
  }

  activeAlerts(operator: string): Alert[] {
    return this.#views.get(operator)?.activeAlerts() ?? [];
  }

  close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#closing ??= this.#client ? this.#client.endAsync(!this.#client.connected) : Promise.resolve();
    return this.#closing;
  }

  #receive(topic: string, payload: Buffer, retained: boolean): void {
    if (this.#closed) return;
    this.#stats.messages++;
    const t = parseTopic(topic);
    if (!t || t.kind !== 'validator' || !WATCHED.includes(t.leaf) || !this.#wanted(t.operator)) {
      this.#malformed(topic, 'TOPIC');
      return;
    }
    // Someone cleared a retained state (an empty message): nothing to read.
    if (payload.length === 0 && t.leaf === ValidatorTopic.STATE) return;
    const bytes = new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
    const view = this.#view(t.operator);
    const now = this.#options.now();
    try {
      if (t.leaf === ValidatorTopic.STATE) this.#publish(view.onState(t.validator, decodeState(bytes), now, retained));
      else if (t.leaf === ValidatorTopic.TELE) this.#publish(view.onTelemetry(t.validator, decodeTelemetry(bytes), now));
      else this.#publish(view.onConfigEvent(t.validator, decodeConfigEvent(bytes), now));
    } catch (e) {
      // Decoders throw ProtocolError; anything else is still this message's fault, never the monitor's end.
      this.#malformed(topic, t.leaf, isProtocolError(e) ? e.code : 'UNREADABLE');
    }
  }

  #wanted(operator: string): boolean {
    return this.#options.operator === '+' || this.#options.operator === operator;
  }

  #view(operator: string): OperatorView {
    let view = this.#views.get(operator);
    if (!view) {
      view = new OperatorView(operator, this.#thresholds);
      this.#views.set(operator, view);
    }
    return view;
  }

  #publish(publications: readonly Publication[]): void {
    const client = this.#client;
    if (!client || this.#closed) return;
    for (const p of publications) {
      client.publish(p.topic, JSON.stringify(p.payload), { qos: p.qos, retain: p.retain }, (e) => {
        if (e) this.#log(`could not publish ${p.topic}: ${e.message}`);
      });
      this.#stats.published++;
      if (p.topic.endsWith('/ops/alerts')) {
        const a = p.payload as Alert;
        this.#log(`alert ${a.active ? 'raised' : 'cleared'}: ${a.id}: ${a.message}`);
      }
    }
  }

  #malformed(topic: string, kind: string, code?: string): void {
    this.#stats.malformed++;
    this.#malformedByKind[kind] = (this.#malformedByKind[kind] ?? 0) + 1;
    const shown = topic.length > 200 ? `${topic.slice(0, 200)}...` : topic;
    this.#log(`ignored a message on ${JSON.stringify(shown)}: ${code ?? kind}`);
  }

  #log(line: string): void {
    this.#options.log?.call(undefined, line);
  }
}
