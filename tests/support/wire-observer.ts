/**
 * Watches the sync on the wire, as any MQTT client may: every boarding
 * batch validators publish and every ack the back office sends, decoded
 * with the protocol's own codecs. It reconnects by itself when the broker
 * restarts (what it misses meanwhile is missed).
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { ValidatorTopic, decodeAck, decodeBoardingBatch, parseTopic, type Ack, type BoardingBatch } from '../../protocol/index.js';

export interface WireObserverOptions {
  /** Told about every ack as it is seen. */
  readonly onAck?: (validator: string, ack: Ack) => void;
}

export class WireObserver {
  readonly #client: MqttClient;
  readonly #onAck: ((validator: string, ack: Ack) => void) | undefined;
  readonly #batches = new Map<string, BoardingBatch[]>();
  readonly #acks = new Map<string, Ack[]>();
  /** Messages that did not decode: something published what the protocol refuses. */
  readonly errors: string[] = [];
  #closed = false;

  private constructor(client: MqttClient, options: WireObserverOptions) {
    this.#client = client;
    this.#onAck = options.onAck;
    client.on('message', (topic, payload) => this.#receive(topic, new Uint8Array(payload)));
  }

  static async connect(url: string, options: WireObserverOptions = {}): Promise<WireObserver> {
    const client = await connectAsync(url, { clientId: `wire-${Math.random().toString(36).slice(2)}`, reconnectPeriod: 200 });
    const observer = new WireObserver(client, { ...options });
    await client.subscribeAsync([`tk/v1/+/+/${ValidatorTopic.BOARDING}`, `tk/v1/+/+/${ValidatorTopic.ACK}`], { qos: 1 });
    return observer;
  }

  /** Batches seen on a validator's `evt/boarding`, in arrival order. */
  batches(validator: string): readonly BoardingBatch[] {
    return this.#batches.get(validator) ?? [];
  }

  /** Acks seen on a validator's `ack`, in arrival order. */
  acks(validator: string): readonly Ack[] {
    return this.#acks.get(validator) ?? [];
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#client.endAsync(true);
  }

  #receive(topic: string, payload: Uint8Array): void {
    const t = parseTopic(topic);
    if (t?.kind !== 'validator') return;
    try {
      if (t.leaf === ValidatorTopic.BOARDING) push(this.#batches, t.validator, decodeBoardingBatch(payload));
      else if (t.leaf === ValidatorTopic.ACK) {
        const ack = decodeAck(payload);
        push(this.#acks, t.validator, ack);
        this.#onAck?.call(undefined, t.validator, ack);
      }
    } catch (e) {
      this.errors.push(`${topic}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
