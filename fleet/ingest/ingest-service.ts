/**
 * The ingest service: takes boarding batches off the broker, stores each
 * record exactly once, and only then acknowledges on the validator's `ack`
 * topic. The validator deletes nothing before that ack, so a crash anywhere
 * here costs a resend, never a boarding.
 *
 * Several instances share the work through a shared subscription
 * (`$share/{group}/...`, MQTT 5); the store's ack rule keeps them correct
 * when they receive one validator's batches out of order. Brokers without
 * shared subscriptions (aedes) take `shared: false` and a single instance.
 *
 * Batches of one validator are handled in arrival order (a promise chain per
 * validator); different validators are handled concurrently.
 */
import type { IClientOptions, MqttClient } from 'mqtt';
import {
  ValidatorTopic, decodeBoardingBatch, encodeAck, ingestSubscription, isProtocolError, parseTopic, validatorTopic, type BoardingBatch,
} from '../../protocol/index.js';
import { connectServiceClient } from '../broker/service-client.js';
import { untilConnected } from '../broker/until-connected.js';
import type { BoardingStore, StoreResult } from './boarding-store.js';

/**
 * A batch of MAX_BATCH_RECORDS records with the longest trip ids is about
 * 150 KB of CBOR; anything bigger is refused before it is decoded.
 */
export const MAX_BATCH_BYTES = 256 * 1024;

/** Why a message was refused: its topic, its size, or the protocol's ErrorCode. */
export const MalformedKind = Object.freeze({ TOPIC: 'TOPIC', TOO_LARGE: 'TOO_LARGE' } as const);

export interface IngestOptions {
  /** mqtt://host:port, mqtts://..., ws://... */
  readonly brokerUrl: string;
  readonly store: BoardingStore;
  /** Shared subscription group. */
  readonly group?: string;
  /** Use a shared subscription (MQTT 5); false for brokers without them, such as aedes. */
  readonly shared?: boolean;
  /** One operator, or '+' for all. */
  readonly operator?: string;
  readonly clientId?: string;
  /** Credentials, TLS and the like, passed to the mqtt client. */
  readonly mqtt?: Partial<IClientOptions>;
  /** One line per event worth a log line. */
  readonly log?: (line: string) => void;
  /** ms since the epoch. */
  readonly now?: () => number;
  /** Told about every stored batch, before its ack (the ops monitor listens here). */
  readonly onStored?: (operator: string, validator: string, batch: BoardingBatch, result: StoreResult) => void;
  /** Test hook between storing and acknowledging: the "killed before the ack" fault. */
  readonly beforeAck?: (batch: BoardingBatch) => void | Promise<void>;
}

export interface IngestStats {
  /** Batches stored (including ones that were wholly duplicates). */
  readonly batches: number;
  /** Records stored for the first time. */
  readonly records: number;
  readonly duplicates: number;
  readonly malformed: number;
  /** By MalformedKind or ErrorCode. */
  readonly malformedByKind: Readonly<Record<string, number>>;
  readonly acks: number;
  readonly storeErrors: number;
}

const MAX_LOGGED_TOPIC = 200;

export class IngestService {
  readonly #options: Required<Pick<IngestOptions, 'brokerUrl' | 'store' | 'group' | 'shared' | 'operator' | 'now'>> & IngestOptions;
  readonly #chains = new Map<string, Promise<void>>();
  readonly #malformedByKind: Record<string, number> = {};
  #stats = { batches: 0, records: 0, duplicates: 0, malformed: 0, acks: 0, storeErrors: 0 };
  #client: MqttClient | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(options: IngestOptions) {
    this.#options = {
      ...options,
      group: options.group ?? 'ingest',
      shared: options.shared ?? true,
      operator: options.operator ?? '+',
      now: options.now ?? Date.now,
    };
    // Bad ids fail here, not at start().
    ingestSubscription(this.#options.group, this.#options.operator);
  }

  get stats(): IngestStats {
    return { ...this.#stats, malformedByKind: { ...this.#malformedByKind } };
  }

  /** The subscription this instance uses. */
  get subscription(): string {
    const shared = ingestSubscription(this.#options.group, this.#options.operator);
    return this.#options.shared ? shared : shared.replace(/^\$share\/[^/]+\//, '');
  }

  /** Connects and subscribes; resolves once subscribed (or when closed first). Retries until the broker is there. */
  async start(): Promise<void> {
    if (this.#client || this.#closed) throw new Error('the ingest service was already started');
    const o = this.#options;
    const client = connectServiceClient(o.brokerUrl, { protocolVersion: o.shared ? 5 : 4, clientId: o.clientId, mqtt: o.mqtt });
    this.#client = client;
    let connected = false;
    let warned = false;
    client.on('message', (topic, payload) => this.#receive(topic, payload));
    client.on('error', (e) => this.#log(`mqtt error: ${e.message}`));
    client.on('offline', () => {
      if ((connected || !warned) && !this.#closed) this.#log(connected ? 'lost the broker; reconnecting' : `cannot reach the broker at ${o.brokerUrl}; retrying`);
      connected = false;
      warned = true;
    });
    client.on('connect', () => {
      if (warned) this.#log('connected to the broker');
      connected = true;
    });
    if (!(await untilConnected(client))) return;
    await client.subscribeAsync(this.subscription, { qos: 1 });
    this.#log(`ingest subscribed to ${this.subscription}`);
  }

  /** Stops taking batches and disconnects; a batch stored but not yet acknowledged is not acknowledged. */
  close(): Promise<void> {
    this.#closed = true;
    this.#closing ??= (async () => {
      await Promise.allSettled([...this.#chains.values()]);
      await this.#client?.endAsync(!this.#client.connected);
    })();
    return this.#closing;
  }

  #receive(topic: string, payload: Buffer): void {
    if (this.#closed) return;
    const t = parseTopic(topic);
    const wanted = this.#options.operator;
    if (!t || t.kind !== 'validator' || t.leaf !== ValidatorTopic.BOARDING || (wanted !== '+' && t.operator !== wanted)) {
      this.#malformed(topic, MalformedKind.TOPIC, payload.length);
      return;
    }
    if (payload.length > MAX_BATCH_BYTES) {
      this.#malformed(topic, MalformedKind.TOO_LARGE, payload.length);
      return;
    }
    let batch: BoardingBatch;
    try {
      batch = decodeBoardingBatch(new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength));
    } catch (e) {
      this.#malformed(topic, isProtocolError(e) ? e.code : 'UNREADABLE', payload.length);
      return;
    }
    const { operator, validator } = t;
    const key = `${operator}/${validator}`;
    const next = (this.#chains.get(key) ?? Promise.resolve()).then(() => this.#handle(operator, validator, batch));
    this.#chains.set(key, next);
    void next.finally(() => {
      if (this.#chains.get(key) === next) this.#chains.delete(key);
    });
  }

  async #handle(operator: string, validator: string, batch: BoardingBatch): Promise<void> {
    const o = this.#options;
    const where = `${operator}/${validator} log ${batch.log} seqs ${batch.fromSeq}..${batch.toSeq}`;
    let result: StoreResult;
    try {
      result = await o.store.storeBatch(operator, validator, batch, o.now());
    } catch (e) {
      this.#stats.storeErrors++;
      this.#log(`could not store ${where}, not acknowledged: ${oneLine(e)}`);
      return;
    }
    this.#stats.batches++;
    this.#stats.records += result.inserted;
    this.#stats.duplicates += result.duplicates;
    if (result.raised) {
      this.#log(
        `${operator}/${validator} log ${batch.log} already holds seqs up to ${result.raised.to} as acknowledged (we had ${result.raised.from}): ` +
          'the validator deleted those records already, nothing to wait for',
      );
    }
    try {
      o.onStored?.call(undefined, operator, validator, batch, result);
    } catch (e) {
      this.#log(`onStored failed for ${where}: ${oneLine(e)}`);
    }
    if (o.beforeAck) {
      try {
        await o.beforeAck(batch);
      } catch (e) {
        this.#log(`beforeAck failed for ${where}, not acknowledged: ${oneLine(e)}`);
        return;
      }
    }
    if (this.#closed || !this.#client) return;
    const topic = validatorTopic(operator, validator, ValidatorTopic.ACK);
    const ack = encodeAck({ upToSeq: result.ackUpTo, log: batch.log, ts: o.now() });
    this.#client.publish(topic, Buffer.from(ack.buffer, ack.byteOffset, ack.byteLength), { qos: 1 }, (e) => {
      if (e) this.#log(`ack to ${operator}/${validator} not delivered: ${e.message}`);
      else this.#stats.acks++;
    });
  }

  #malformed(topic: string, kind: string, bytes: number): void {
    this.#stats.malformed++;
    this.#malformedByKind[kind] = (this.#malformedByKind[kind] ?? 0) + 1;
    // The topic and the code only: a payload is never logged.
    const shown = topic.length > MAX_LOGGED_TOPIC ? `${topic.slice(0, MAX_LOGGED_TOPIC)}...` : topic;
    this.#log(`refused a batch on ${JSON.stringify(shown)}: ${kind} (${bytes} bytes)`);
  }

  #log(line: string): void {
    this.#options.log?.call(undefined, line);
  }
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
}
