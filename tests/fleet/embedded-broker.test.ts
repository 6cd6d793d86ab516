/**
 * The embedded aedes broker (`npm start`): the simulator's MQTT client over
 * its TCP listener, and an `mqtt` package client over its WebSocket listener,
 * as the dashboard would connect.
 */
import { connectAsync, type MqttClient as PackageClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../fleet/broker/embedded-broker.js';
import { MqttOperation, type MqttClient, type MqttControl, type MqttReadableOptions } from '../../firmware/types/mqtt.js';
import { SimMqttClient, type SimMqttClientOptions } from '../../simulator/network/mqtt-client.js';
import { SimNetwork } from '../../simulator/network/sim-network.js';

const WAIT = { timeout: 15_000, interval: 10 };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What one client's callbacks saw; messages arrive whole (no maxChunk here). */
class Log {
  readonly controls: MqttControl[] = [];
  readonly errors: unknown[] = [];
  readonly messages: Array<{ topic: string; text: string }> = [];

  get connected(): boolean {
    return this.controls.some((c) => c.operation === MqttOperation.CONNACK && c.returnCode === 0);
  }

  count(operation: number): number {
    return this.controls.filter((c) => c.operation === operation).length;
  }

  texts(topic: string): string[] {
    return this.messages.filter((m) => m.topic === topic).map((m) => m.text);
  }

  options(): Partial<SimMqttClientOptions> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const log = this;
    return {
      onReadable(this: MqttClient, count: number, options: MqttReadableOptions) {
        log.messages.push({ topic: options.topic!, text: decoder.decode(this.read(count)) });
      },
      onControl: (message) => void log.controls.push(message),
      onError: (error) => void log.errors.push(error),
    };
  }
}

describe('embedded aedes broker', () => {
  let broker: EmbeddedBroker;
  const clients: SimMqttClient[] = [];
  const packageClients: PackageClient[] = [];

  beforeAll(async () => {
    broker = await startEmbeddedBroker();
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    for (const c of packageClients) await c.endAsync(true);
    await broker?.close();
  });

  async function connect(log: Log, extra: Partial<SimMqttClientOptions> = {}): Promise<SimMqttClient> {
    const client = new SimMqttClient({ host: '127.0.0.1', port: broker.port, id: `sim-${clients.length}`, ...log.options(), ...extra });
    clients.push(client);
    await vi.waitFor(() => expect(log.connected).toBe(true), WAIT);
    return client;
  }

  async function subscribe(client: SimMqttClient, log: Log, topic: string): Promise<void> {
    const before = log.count(MqttOperation.SUBACK);
    client.write(null, { operation: MqttOperation.SUBSCRIBE, items: [{ topic, QoS: 1 }] });
    await vi.waitFor(() => expect(log.count(MqttOperation.SUBACK)).toBe(before + 1), WAIT);
  }

  it('reports its URLs', () => {
    expect(broker.url).toBe(`mqtt://127.0.0.1:${broker.port}`);
    expect(broker.wsUrl).toBe(`ws://127.0.0.1:${broker.wsPort}/mqtt`);
    expect(broker.port).toBeGreaterThan(0);
    expect(broker.wsPort).toBeGreaterThan(0);
  });

  it('takes the simulator client over TCP: subscribe, publish, PUBACK', async () => {
    const log = new Log();
    const client = await connect(log);
    await subscribe(client, log, 'tk/v1/OP/V1/ack');
    client.write(encoder.encode('{"upToSeq":3}'), { topic: 'tk/v1/OP/V1/ack', QoS: 1 });
    await vi.waitFor(() => expect(log.texts('tk/v1/OP/V1/ack')).toEqual(['{"upToSeq":3}']), WAIT);
    await vi.waitFor(() => expect(log.count(MqttOperation.PUBACK)).toBe(1), WAIT);
  });

  it('keeps retained messages for later subscribers', async () => {
    const publisher = new Log();
    const p = await connect(publisher);
    p.write(encoder.encode('trust v7'), { topic: 'tk/v1/OP/cfg/trust', QoS: 1, retain: true });
    await vi.waitFor(() => expect(publisher.count(MqttOperation.PUBACK)).toBe(1), WAIT);

    const reader = new Log();
    const r = await connect(reader);
    await subscribe(r, reader, 'tk/v1/OP/cfg/+');
    await vi.waitFor(() => expect(reader.texts('tk/v1/OP/cfg/trust')).toEqual(['trust v7']), WAIT);
  });

  it('publishes the Will of a client whose network drops', async () => {
    const watcher = new Log();
    const w = await connect(watcher);
    await subscribe(w, watcher, 'tk/v1/OP/V9/state');

    const network = new SimNetwork();
    const lost = new Log();
    await connect(lost, { network, will: { topic: 'tk/v1/OP/V9/state', message: encoder.encode('{"online":false}').buffer as ArrayBuffer, QoS: 1, retain: true } });
    network.drop();
    await vi.waitFor(() => expect(lost.errors).toHaveLength(1), WAIT);
    await vi.waitFor(() => expect(watcher.texts('tk/v1/OP/V9/state')).toEqual(['{"online":false}']), WAIT);
  });

  it('carries messages between a WebSocket client and a TCP client', async () => {
    const ws = await connectAsync(broker.wsUrl, { protocolVersion: 4, reconnectPeriod: 0 });
    packageClients.push(ws);
    const fromTcp: string[] = [];
    ws.on('message', (topic, payload) => {
      if (topic === 'tk/v1/OP/ops/feed') fromTcp.push(payload.toString());
    });
    await ws.subscribeAsync('tk/v1/OP/ops/feed', { qos: 1 });

    const log = new Log();
    const tcp = await connect(log);
    await subscribe(tcp, log, 'tk/v1/OP/V1/cmd/ping');
    tcp.write(encoder.encode('{"boarded":1}'), { topic: 'tk/v1/OP/ops/feed', QoS: 1 });
    await vi.waitFor(() => expect(fromTcp).toEqual(['{"boarded":1}']), WAIT);

    await ws.publishAsync('tk/v1/OP/V1/cmd/ping', '{"reqId":"r1"}', { qos: 1 });
    await vi.waitFor(() => expect(log.texts('tk/v1/OP/V1/cmd/ping')).toEqual(['{"reqId":"r1"}']), WAIT);
  });

  it('closes listeners and connections, idempotently', async () => {
    const own = await startEmbeddedBroker();
    const log = new Log();
    const client = new SimMqttClient({ host: '127.0.0.1', port: own.port, id: 'closing', ...log.options() });
    clients.push(client);
    await vi.waitFor(() => expect(log.connected).toBe(true), WAIT);
    const ws = await connectAsync(own.wsUrl, { protocolVersion: 4, reconnectPeriod: 0 });
    const wsClosed = new Promise<void>((resolve) => ws.once('close', () => resolve()));

    await Promise.all([own.close(), own.close()]);
    await own.close();
    await vi.waitFor(() => expect(log.errors).toHaveLength(1), WAIT);
    await wsClosed;
    await ws.endAsync(true);

    const late = new Log();
    const refused = new SimMqttClient({ host: '127.0.0.1', port: own.port, ...late.options() });
    clients.push(refused);
    await vi.waitFor(() => expect(late.errors).toHaveLength(1), WAIT);
  });
});
