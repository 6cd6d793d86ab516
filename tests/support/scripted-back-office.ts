/**
 * A back office whose every move a test decides: it records what validators
 * publish (decoded with the protocol's own decoders) and acks only when told
 * to, or automatically when `autoAck` is on. The firmware's sync tests use it
 * to hold acks back, send bad ones, publish configuration and commands; the
 * real ingest service is tested with the fleet.
 */
import mqtt, { type MqttClient } from 'mqtt';
import {
  decodeBoardingBatch, decodeConfigEvent, decodeResponse, decodeState, decodeTelemetry, encodeAck, encodeCommand,
  parseTopic, validatorTopic, ValidatorTopic, type BoardingBatch, type CommandResponse, type ConfigEvent, type StateMessage, type Telemetry,
} from '../../protocol/index.js';

export interface Received<T> {
  readonly validator: string;
  readonly value: T;
  readonly bytes: Uint8Array;
  readonly retained: boolean;
}

export class ScriptedBackOffice {
  readonly client: MqttClient;
  readonly operator: string;
  readonly batches: Received<BoardingBatch>[] = [];
  readonly states: Received<StateMessage>[] = [];
  readonly tele: Received<Telemetry>[] = [];
  readonly configEvents: Received<ConfigEvent>[] = [];
  readonly responses: Received<CommandResponse>[] = [];
  /** Every payload any validator published, for privacy checks. */
  readonly raw: Array<{ topic: string; bytes: Uint8Array }> = [];
  /** Payloads that did not decode: a validator published something the protocol refuses. */
  readonly errors: Array<{ topic: string; error: string }> = [];
  /**
   * Ack every batch as the real back office would: only up to where
   * everything received so far is contiguous (a batch that arrives after a
   * gap waits for the validator to send again).
   */
  autoAck = false;
  readonly #through = new Map<string, number>();

  private constructor(client: MqttClient, operator: string) {
    this.client = client;
    this.operator = operator;
    client.on('message', (topic, payload, packet) => {
      try {
        this.#receive(topic, new Uint8Array(payload), packet.retain);
      } catch (e) {
        this.errors.push({ topic, error: String(e) });
      }
    });
  }

  static async connect(url: string, operator: string): Promise<ScriptedBackOffice> {
    const client = await mqtt.connectAsync(url, { clientId: `office-${Math.random().toString(16).slice(2)}`, reconnectPeriod: 200 });
    const office = new ScriptedBackOffice(client, operator);
    await client.subscribeAsync([`tk/v1/${operator}/+/state`, `tk/v1/${operator}/+/evt/#`, `tk/v1/${operator}/+/tele`, `tk/v1/${operator}/+/res/+`], { qos: 1 });
    return office;
  }

  /** All records received from a validator, each seq once, in seq order. */
  records(validator: string) {
    const bySeq = new Map<number, BoardingBatch['records'][number]>();
    for (const b of this.batches) if (b.validator === validator) for (const r of b.value.records) bySeq.set(r.seq, r);
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }

  /** How many times each seq arrived. */
  deliveries(validator: string): Map<number, number> {
    const counts = new Map<number, number>();
    for (const b of this.batches) if (b.validator === validator) for (const r of b.value.records) counts.set(r.seq, (counts.get(r.seq) ?? 0) + 1);
    return counts;
  }

  async ack(validator: string, upToSeq: number, log: number, ts = Date.now()): Promise<void> {
    const key = `${validator}/${log}`;
    this.#through.set(key, Math.max(this.#through.get(key) ?? 0, upToSeq));
    await this.publish(validatorTopic(this.operator, validator, ValidatorTopic.ACK), encodeAck({ upToSeq, log, ts }));
  }

  async publish(topic: string, bytes: Uint8Array, retain = false): Promise<void> {
    await this.client.publishAsync(topic, Buffer.from(bytes), { qos: 1, retain });
  }

  async command(validator: string, name: string, reqId: string, args: object = {}): Promise<void> {
    await this.publish(`tk/v1/${this.operator}/${validator}/cmd/${name}`, encodeCommand(reqId, args));
  }

  /** Removes a retained message. */
  async clearRetained(topic: string): Promise<void> {
    await this.client.publishAsync(topic, Buffer.alloc(0), { qos: 1, retain: true });
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }

  #advance(validator: string, batch: BoardingBatch): number {
    const key = `${validator}/${batch.log}`;
    let through = Math.max(this.#through.get(key) ?? 0, batch.acked);
    if (batch.fromSeq <= through + 1 && batch.toSeq > through) through = batch.toSeq;
    this.#through.set(key, through);
    return through;
  }

  #receive(topic: string, bytes: Uint8Array, retained: boolean): void {
    const parsed = parseTopic(topic);
    if (!parsed || !('validator' in parsed) || parsed.validator === undefined) return;
    const validator = parsed.validator;
    this.raw.push({ topic, bytes });
    if (bytes.length === 0) return; // a cleared retained message
    if (parsed.kind === 'validator') {
      switch (parsed.leaf) {
        case ValidatorTopic.BOARDING: {
          const value = decodeBoardingBatch(bytes);
          this.batches.push({ validator, value, bytes, retained });
          if (this.autoAck) void this.ack(validator, this.#advance(validator, value), value.log);
          return;
        }
        case ValidatorTopic.STATE:
          this.states.push({ validator, value: decodeState(bytes), bytes, retained });
          return;
        case ValidatorTopic.TELE:
          this.tele.push({ validator, value: decodeTelemetry(bytes), bytes, retained });
          return;
        case ValidatorTopic.CONFIG_EVENT:
          this.configEvents.push({ validator, value: decodeConfigEvent(bytes), bytes, retained });
          return;
      }
    }
    if (parsed.kind === 'response') this.responses.push({ validator, value: decodeResponse(bytes), bytes, retained });
  }
}
