/**
 * SimMqttClient against a real Mosquitto: the MQTT client the simulated
 * validators use, with the faults the sync tests inject (network cut, no
 * coverage, broker stopped). Edge cases no real broker produces (a refused
 * CONNACK, garbage bytes) come from a tiny TCP server in this file.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { connectAsync, type MqttClient as ObserverClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MqttOperation, type MqttClient, type MqttClientConstructor, type MqttControl, type MqttReadableOptions } from '../../firmware/types/mqtt.js';
import { HostLoop } from '../../simulator/host/loop.js';
import { RealtimePump } from '../../simulator/host/realtime.js';
import { MqttConnectionError, MqttFailure } from '../../simulator/network/mqtt-connection-error.js';
import { SimMqttClient, type SimMqttClientOptions } from '../../simulator/network/mqtt-client.js';
import { NetworkFaultError, SimNetwork } from '../../simulator/network/sim-network.js';
import { freePort } from '../support/free-port.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';

// The simulator's client must fit where the firmware expects Moddable's.
const AsFirmwareSees: MqttClientConstructor = SimMqttClient;

const WAIT = { timeout: 15_000, interval: 10 };
const encoder = new TextEncoder();
const decoder = new TextDecoder();
let uniqueCounter = 0;
const unique = (name: string): string => `test/${name}/${process.pid}-${++uniqueCounter}`;

interface Message {
  readonly topic: string;
  readonly QoS: number | undefined;
  readonly bytes: Uint8Array;
  readonly fragments: MqttReadableOptions[];
}

/** Everything a client's callbacks saw, with fragments put back together. */
class Recorder {
  readonly controls: MqttControl[] = [];
  readonly errors: unknown[] = [];
  readonly writables: number[] = [];
  readonly messages: Message[] = [];
  /** loop.busy at every callback, when a loop is given. */
  readonly busy: boolean[] = [];
  closes = 0;
  #current: { topic: string; QoS: number | undefined; parts: Uint8Array[]; fragments: MqttReadableOptions[] } | undefined;

  constructor(readonly loop?: HostLoop, readonly readLimit?: number) {}

  get calls(): number {
    return this.controls.length + this.errors.length + this.writables.length + this.messages.length + this.closes + (this.#current ? 1 : 0);
  }

  get connected(): boolean {
    return this.controls.some((c) => c.operation === MqttOperation.CONNACK && c.returnCode === 0);
  }

  controlsOf(operation: number): MqttControl[] {
    return this.controls.filter((c) => c.operation === operation);
  }

  texts(topic: string): string[] {
    return this.messages.filter((m) => m.topic === topic).map((m) => decoder.decode(m.bytes));
  }

  options(): Pick<SimMqttClientOptions, 'onReadable' | 'onWritable' | 'onControl' | 'onClose' | 'onError'> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const recorder = this;
    const seen = (): void => {
      if (recorder.loop) recorder.busy.push(recorder.loop.busy);
    };
    return {
      onReadable(this: MqttClient, count: number, options: MqttReadableOptions) {
        seen();
        if (options.topic !== undefined) recorder.#current = { topic: options.topic, QoS: options.QoS, parts: [], fragments: [] };
        const current = recorder.#current!;
        current.fragments.push(options);
        current.parts.push(new Uint8Array(recorder.readLimit === undefined ? this.read(count) : this.read(recorder.readLimit)));
        // Whatever is left of the fragment is not ours once we return.
        if (!options.more) {
          recorder.messages.push({ topic: current.topic, QoS: current.QoS, bytes: concat(current.parts), fragments: current.fragments });
          recorder.#current = undefined;
        }
      },
      onWritable(count: number) {
        seen();
        recorder.writables.push(count);
      },
      onControl(message: MqttControl) {
        seen();
        recorder.controls.push(message);
      },
      onClose() {
        seen();
        recorder.closes++;
      },
      onError(error?: unknown) {
        seen();
        recorder.errors.push(error);
      },
    };
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('SimMqttClient against Mosquitto', () => {
  let broker: Mosquitto;
  let observer: ObserverClient;
  const clients: SimMqttClient[] = [];

  beforeAll(async () => {
    broker = await startMosquitto();
    observer = await connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await observer?.endAsync();
    await broker?.close();
  });

  function open(recorder: Recorder, extra: Partial<SimMqttClientOptions> = {}, port = broker.port): SimMqttClient {
    const client = new SimMqttClient({ host: '127.0.0.1', port, id: unique('client').replaceAll('/', '-'), ...recorder.options(), ...extra });
    clients.push(client);
    return client;
  }

  async function openConnected(recorder: Recorder, extra: Partial<SimMqttClientOptions> = {}): Promise<SimMqttClient> {
    const client = open(recorder, extra);
    await vi.waitFor(() => expect(recorder.connected).toBe(true), WAIT);
    return client;
  }

  async function subscribe(client: SimMqttClient, recorder: Recorder, topic: string, QoS: 0 | 1 | 2): Promise<void> {
    const before = recorder.controlsOf(MqttOperation.SUBACK).length;
    client.write(null, { operation: MqttOperation.SUBSCRIBE, items: [{ topic, QoS }] });
    await vi.waitFor(() => expect(recorder.controlsOf(MqttOperation.SUBACK).length).toBe(before + 1), WAIT);
  }

  it('connects: CONNACK in onControl, then onWritable with room to write', async () => {
    const log = new Recorder();
    open(log);
    await vi.waitFor(() => expect(log.writables.length).toBeGreaterThan(0), WAIT);
    expect(log.controls[0]).toEqual({ operation: MqttOperation.CONNACK, returnCode: 0 });
    expect(log.writables[0]).toBeGreaterThan(1024);
    expect(log.errors).toEqual([]);
    expect(SimMqttClient.CONNACK).toBe(2);
    expect(SimMqttClient.DISCONNECT).toBe(14);
  });

  it('receives its own publishes at QoS 0 and 1, with PUBACK in onControl', async () => {
    const log = new Recorder();
    const client = await openConnected(log);
    const topic = unique('own');
    await subscribe(client, log, topic, 1);
    client.write(encoder.encode('zero'), { topic, QoS: 0 });
    client.write(encoder.encode('one'), { topic, QoS: 1, id: 777 });
    await vi.waitFor(() => expect(log.texts(topic)).toEqual(['zero', 'one']), WAIT);
    await vi.waitFor(() => expect(log.controlsOf(MqttOperation.PUBACK)).toEqual([{ operation: MqttOperation.PUBACK, id: 777 }]), WAIT);
    expect(log.messages.map((m) => m.QoS)).toEqual([0, 1]);
  });

  it('acknowledges incoming QoS 1 messages itself (more than the broker lets in flight unacknowledged)', async () => {
    const log = new Recorder();
    const client = await openConnected(log);
    const topic = unique('many');
    await subscribe(client, log, topic, 1);
    // Mosquitto holds at most 20 unacknowledged QoS 1 messages in flight per client.
    for (let i = 0; i < 60; i++) observer.publish(topic, `m${i}`, { qos: 1 });
    await vi.waitFor(() => expect(log.texts(topic)).toHaveLength(60), WAIT);
    expect(log.texts(topic)).toEqual(Array.from({ length: 60 }, (_, i) => `m${i}`));
  });

  it('completes QoS 2 handshakes both ways', async () => {
    const log = new Recorder();
    const client = await openConnected(log);
    const topic = unique('qos2');
    await subscribe(client, log, topic, 2);
    client.write(encoder.encode('twice-safe'), { topic, QoS: 2, id: 4242 });
    await vi.waitFor(() => expect(log.controlsOf(MqttOperation.PUBCOMP)).toEqual([{ operation: MqttOperation.PUBCOMP, id: 4242 }]), WAIT);
    expect(log.controlsOf(MqttOperation.PUBREC)).toEqual([{ operation: MqttOperation.PUBREC, id: 4242 }]);
    await vi.waitFor(() => expect(log.texts(topic)).toEqual(['twice-safe']), WAIT);
    expect(log.messages[0].QoS).toBe(2);
    // The broker's PUBREL for the delivery, answered with PUBCOMP by the client.
    await vi.waitFor(() => expect(log.controlsOf(MqttOperation.PUBREL)).toHaveLength(1), WAIT);
  });

  it('delivers a retained message on subscribe', async () => {
    const publisher = new Recorder();
    const client = await openConnected(publisher);
    const topic = unique('retained');
    client.write(encoder.encode('last good config'), { topic, QoS: 1, retain: true });
    await vi.waitFor(() => expect(publisher.controlsOf(MqttOperation.PUBACK)).toHaveLength(1), WAIT);

    const reader = new Recorder();
    const late = await openConnected(reader);
    await subscribe(late, reader, topic, 1);
    await vi.waitFor(() => expect(reader.texts(topic)).toEqual(['last good config']), WAIT);
  });

  it('delivers a binary payload in maxChunk fragments that reassemble to the same bytes', async () => {
    const log = new Recorder();
    const client = await openConnected(log, { maxChunk: 7 });
    const topic = unique('chunks');
    await subscribe(client, log, topic, 1);
    const payload = Uint8Array.from({ length: 1000 }, (_, i) => [0x00, 0xff, 0x7f, 0x80][i % 4] ^ (i >> 2));
    payload[0] = 0x00;
    payload[999] = 0xff;
    client.write(payload, { topic, QoS: 1 });
    await vi.waitFor(() => expect(log.messages).toHaveLength(1), WAIT);
    const message = log.messages[0];
    expect(message.bytes).toEqual(payload);
    expect(message.fragments).toHaveLength(Math.ceil(1000 / 7));
    expect(message.fragments[0]).toEqual({ topic, byteLength: 1000, QoS: 1, more: true });
    expect(message.fragments.slice(1, -1).every((f) => f.more && f.topic === undefined && f.byteLength === undefined)).toBe(true);
    expect(message.fragments.at(-1)).toEqual({ more: false });
  });

  it('discards the bytes of a fragment not read in onReadable', async () => {
    const log = new Recorder(undefined, 2);
    const client = await openConnected(log, { maxChunk: 5 });
    const topic = unique('partial');
    await subscribe(client, log, topic, 0);
    client.write(encoder.encode('abcdefghijkl'), { topic });
    await vi.waitFor(() => expect(log.messages).toHaveLength(1), WAIT);
    expect(decoder.decode(log.messages[0].bytes)).toBe('abfgkl');
    expect(client.read(10).byteLength).toBe(0);
  });

  it('publishes its Will when the network drops under it', async () => {
    const willTopic = unique('will');
    const wills: string[] = [];
    observer.on('message', (topic, payload) => {
      if (topic === willTopic) wills.push(payload.toString());
    });
    await observer.subscribeAsync(willTopic, { qos: 1 });

    const network = new SimNetwork();
    const log = new Recorder();
    await openConnected(log, { network, keepalive: 60_000, will: { topic: willTopic, message: encoder.encode('offline').buffer as ArrayBuffer, QoS: 1, retain: false } });
    expect(network.connected).toBe(1);
    expect(network.drop()).toBe(1);
    await vi.waitFor(() => expect(log.errors).toHaveLength(1), WAIT);
    const error = log.errors[0] as MqttConnectionError;
    expect(error).toBeInstanceOf(MqttConnectionError);
    expect(error.reason).toBe(MqttFailure.SOCKET);
    expect(error.cause).toBeInstanceOf(NetworkFaultError);
    await vi.waitFor(() => expect(wills).toEqual(['offline']), WAIT);
    expect(network.connected).toBe(0);
  });

  it('publishes no Will after a clean DISCONNECT', async () => {
    const willTopic = unique('no-will');
    const seen: string[] = [];
    observer.on('message', (topic, payload) => {
      if (topic === willTopic) seen.push(payload.toString());
    });
    await observer.subscribeAsync(willTopic, { qos: 1 });

    const network = new SimNetwork();
    const log = new Recorder();
    const client = await openConnected(log, { network, will: { topic: willTopic, message: encoder.encode('offline').buffer as ArrayBuffer, QoS: 1 } });
    client.write(null, { operation: MqttOperation.DISCONNECT });
    client.close();
    // The broker closes its end once it has handled DISCONNECT (and dropped the Will)...
    await vi.waitFor(() => expect(network.connected).toBe(0), WAIT);
    // ...so a message the observer publishes after that arrives after any Will would have.
    await observer.publishAsync(willTopic, 'marker', { qos: 1 });
    await vi.waitFor(() => expect(seen).toContain('marker'), WAIT);
    expect(seen).toEqual(['marker']);
    expect(log.errors).toEqual([]);
  });

  it('reports a stopped broker with one onError', async () => {
    const own = await startMosquitto();
    try {
      const log = new Recorder();
      open(log, {}, own.port);
      await vi.waitFor(() => expect(log.connected).toBe(true), WAIT);
      await own.stop();
      await vi.waitFor(() => expect(log.errors).toHaveLength(1), WAIT);
      expect(log.errors[0]).toBeInstanceOf(MqttConnectionError);
      expect([MqttFailure.PEER_CLOSED, MqttFailure.SOCKET]).toContain((log.errors[0] as MqttConnectionError).reason);
    } finally {
      await own.close();
    }
  });

  it('fails at once, opening no socket, while the network is down; connects again once up', async () => {
    const network = new SimNetwork();
    network.down();
    const log = new Recorder();
    const client = open(log, { network });
    await vi.waitFor(() => expect(log.errors).toHaveLength(1), WAIT);
    expect((log.errors[0] as MqttConnectionError).cause).toBeInstanceOf(NetworkFaultError);
    expect(network.connects).toBe(1);
    expect(network.connected).toBe(0);
    expect(() => client.write(null, { operation: MqttOperation.PINGREQ })).toThrow(/closed/);

    network.up();
    const again = new Recorder();
    await openConnected(again, { network });
    expect(network.connects).toBe(2);
    expect(network.connected).toBe(1);
  });

  it('reports a refused TCP connection through onError', async () => {
    const log = new Recorder();
    open(log, {}, await freePort());
    await vi.waitFor(() => expect(log.errors).toHaveLength(1), WAIT);
    expect((log.errors[0] as MqttConnectionError).reason).toBe(MqttFailure.SOCKET);
    expect(log.controls).toEqual([]);
  });

  it('keeps an idle connection alive with PINGREQ past two keep-alive intervals', async () => {
    const log = new Recorder();
    const client = await openConnected(log, { keepalive: 1000 });
    // Mosquitto drops a client silent for 1.5 intervals; the client must ping.
    await new Promise((resolve) => setTimeout(resolve, 2_600));
    expect(log.errors).toEqual([]);
    expect(log.controlsOf(MqttOperation.PINGRESP).length).toBeGreaterThan(0);
    const topic = unique('alive');
    await subscribe(client, log, topic, 0);
    client.write(encoder.encode('still here'), { topic });
    await vi.waitFor(() => expect(log.texts(topic)).toEqual(['still here']), WAIT);
  });

  it('runs no callback after close(), which is idempotent; write() then throws', async () => {
    const loop = new HostLoop();
    const log = new Recorder(loop);
    const client = open(log, { loop });
    expect(() => client.write(encoder.encode('x'), { topic: 'early' })).toThrow(/before CONNACK/);
    // CONNACK arrived: its callbacks wait in the loop, which nobody runs yet.
    await vi.waitFor(() => expect(loop.pendingTasks).toBeGreaterThan(0), WAIT);
    client.close();
    client.close();
    loop.runUntilIdle();
    expect(log.calls).toBe(0);
    expect(() => client.write(encoder.encode('x'), { topic: 'late' })).toThrow(/closed/);
    expect(() => client.write(null, { operation: MqttOperation.DISCONNECT })).toThrow(/closed/);
  });

  it('rejects a packet larger than the writable count', async () => {
    const log = new Recorder();
    const client = await openConnected(log);
    await vi.waitFor(() => expect(log.writables.length).toBeGreaterThan(0), WAIT);
    expect(() => client.write(new Uint8Array(70 * 1024), { topic: unique('big') })).toThrow(RangeError);
    expect(() => client.write(null, { operation: MqttOperation.SUBSCRIBE, items: [] })).toThrow(TypeError);
    expect(() => client.write(null, { topic: unique('bad'), QoS: 3 as 0 })).toThrow(RangeError);
  });

  it('runs every callback as a task of its loop when given one', async () => {
    const loop = new HostLoop();
    const pump = new RealtimePump();
    pump.add(loop);
    pump.start();
    try {
      const log = new Recorder(loop);
      const client = open(log, { loop });
      await pump.until(() => log.connected);
      const topic = unique('loop');
      client.write(null, { operation: MqttOperation.SUBSCRIBE, items: [{ topic, QoS: 1 }] });
      await pump.until(() => log.controlsOf(MqttOperation.SUBACK).length === 1);
      client.write(encoder.encode('in a task'), { topic, QoS: 1 });
      await pump.until(() => log.messages.length === 1 && log.controlsOf(MqttOperation.PUBACK).length === 1);
      expect(log.texts(topic)).toEqual(['in a task']);
      expect(log.busy.length).toBeGreaterThanOrEqual(5);
      expect(log.busy.every((b) => b)).toBe(true);
      client.close();
    } finally {
      pump.stop();
    }
  });
});

describe('SimMqttClient against a misbehaving server', () => {
  let server: Server;
  let port: number;
  /** What the server does with each new connection. */
  let behave: (socket: Socket) => void = () => {};
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.once('close', () => sockets.delete(socket));
      behave(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  function open(log: Recorder): SimMqttClient {
    return new SimMqttClient({ host: '127.0.0.1', port, id: 'odd', ...log.options() });
  }

  it('reports a refused CONNACK: onControl with the return code, then onError', async () => {
    behave = (socket) => socket.once('data', () => socket.write(Uint8Array.of(0x20, 0x02, 0x00, 0x05)));
    const log = new Recorder();
    const client = open(log);
    await vi.waitFor(() => expect(log.errors).toHaveLength(1), WAIT);
    expect(log.controls).toEqual([{ operation: MqttOperation.CONNACK, returnCode: 5 }]);
    const error = log.errors[0] as MqttConnectionError;
    expect(error.reason).toBe(MqttFailure.REFUSED);
    expect(error.returnCode).toBe(5);
    expect(() => client.write(null, { operation: MqttOperation.PINGREQ })).toThrow(/closed/);
  });

  it.each([
    ['reserved packet type', Uint8Array.of(0xf0, 0x00)],
    ['bad header flags', Uint8Array.of(0x20, 0x02, 0x00, 0x00, 0x92, 0x00)],
    ['remaining length too long', Uint8Array.of(0x20, 0x02, 0x00, 0x00, 0x30, 0xff, 0xff, 0xff, 0xff, 0x01)],
    ['a CONNECT sent to a client', Uint8Array.of(0x20, 0x02, 0x00, 0x00, 0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00)],
    ['PUBLISH before CONNACK', Uint8Array.of(0x30, 0x03, 0x00, 0x01, 0x61)],
  ])('treats malformed bytes (%s) as a protocol error, without throwing', async (_name, bytes) => {
    behave = (socket) => socket.once('data', () => socket.write(bytes));
    const log = new Recorder();
    open(log);
    await vi.waitFor(() => expect(log.errors).toHaveLength(1), WAIT);
    expect((log.errors[0] as MqttConnectionError).reason).toBe(MqttFailure.PROTOCOL);
  });

  it('gives up on a server that never answers CONNECT when keep-alive is on', async () => {
    behave = () => {};
    const log = new Recorder();
    const client = new SimMqttClient({ host: '127.0.0.1', port, keepalive: 200, ...log.options() });
    await vi.waitFor(() => expect(log.errors).toHaveLength(1), WAIT);
    expect((log.errors[0] as MqttConnectionError).reason).toBe(MqttFailure.TIMEOUT);
    client.close();
  });
});

void AsFirmwareSees;
