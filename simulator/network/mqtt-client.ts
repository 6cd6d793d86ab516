/**
 * The simulator's MQTT 3.1.1 client: the shape of Moddable's ECMA-419 MQTT
 * client (firmware/types/mqtt.ts) over a real TCP socket, so the unchanged
 * firmware talks to a real broker. mqtt-packet encodes and parses the bytes.
 *
 * Callbacks into the firmware never run inside a firmware call: with a
 * `loop` each one is a HostLoop task (the loop must be run, in real time by a
 * RealtimePump), without one it runs from setImmediate. After close() no
 * callback runs. A lost connection (socket error, broker gone, keep-alive
 * timeout, malformed bytes) ends with exactly one onError, plus onClose when
 * the broker closed the connection; messages received before the loss are
 * still delivered first.
 *
 * Incoming messages: onReadable(count, options) once per fragment (the whole
 * payload, or at most `maxChunk` bytes); the firmware takes bytes with
 * read(count) inside the callback. Bytes of a fragment not read by the time
 * onReadable returns are discarded, as the next fragment or message replaces
 * them. QoS 1 and 2 messages are acknowledged (PUBACK / PUBREC) after their
 * last fragment was delivered.
 *
 * Writes: `count` in onWritable and write()'s result are the bytes the socket
 * takes without blocking (a 64 KiB window less what is still queued),
 * headers and topic included; a packet larger than that throws RangeError,
 * as Moddable's client throws "overflow". onWritable runs after CONNACK and
 * again whenever queued bytes have gone out, as a socket's does.
 */
import { connect, type Socket } from 'node:net';
import { generate, parser as createParser, type IConnectPacket, type IPublishPacket, type Packet, type Parser } from 'mqtt-packet';
import type { BufferSource } from '../../firmware/types/ecma419.js';
import {
  MqttOperation,
  type MqttClient,
  type MqttClientOptions,
  type MqttControl,
  type MqttReadableOptions,
  type MqttWriteOptions,
  type QoS,
} from '../../firmware/types/mqtt.js';
import type { HostLoop } from '../host/loop.js';
import { MqttConnectionError, MqttFailure } from './mqtt-connection-error.js';
import type { SimNetwork } from './sim-network.js';

export interface SimMqttClientOptions extends MqttClientOptions {
  /** Run every callback as a task of this loop. */
  readonly loop?: HostLoop;
  /** Open the socket through this link, for fault tests. */
  readonly network?: SimNetwork;
  /** Deliver incoming payloads in onReadable fragments of at most this many bytes; default whole. */
  readonly maxChunk?: number;
}

/** Bytes the socket may hold queued before a write would block. */
export const WRITE_WINDOW = 64 * 1024;
/** Like Moddable's client: give up when no CONNACK arrives within 30 s. */
export const CONNECT_TIMEOUT_MS = 30_000;
const MAX_PACKET_ID = 0xffff;

const State = Object.freeze({
  CONNECTING: 'connecting',
  CONNECTED: 'connected',
  /** The connection is gone; onError is queued and is the last callback. */
  FAILED: 'failed',
  CLOSED: 'closed',
} as const);
type State = (typeof State)[keyof typeof State];

/** CONNACK return codes of MQTT 3.1.1, for error messages. */
const CONNACK_REASONS: Readonly<Record<number, string>> = Object.freeze({
  1: 'unacceptable protocol version',
  2: 'identifier rejected',
  3: 'server unavailable',
  4: 'bad user name or password',
  5: 'not authorized',
});

interface Fragment {
  readonly bytes: Uint8Array;
  offset: number;
}

interface Settings {
  readonly host: string;
  readonly port: number;
  readonly keepaliveMs: number;
  readonly maxChunk: number;
  readonly onReadable: MqttClientOptions['onReadable'];
  readonly onWritable: MqttClientOptions['onWritable'];
  readonly onControl: MqttClientOptions['onControl'];
  readonly onClose: MqttClientOptions['onClose'];
  readonly onError: MqttClientOptions['onError'];
}

export class SimMqttClient implements MqttClient {
  static readonly CONNECT = MqttOperation.CONNECT;
  static readonly CONNACK = MqttOperation.CONNACK;
  static readonly PUBLISH = MqttOperation.PUBLISH;
  static readonly PUBACK = MqttOperation.PUBACK;
  static readonly PUBREC = MqttOperation.PUBREC;
  static readonly PUBREL = MqttOperation.PUBREL;
  static readonly PUBCOMP = MqttOperation.PUBCOMP;
  static readonly SUBSCRIBE = MqttOperation.SUBSCRIBE;
  static readonly SUBACK = MqttOperation.SUBACK;
  static readonly UNSUBSCRIBE = MqttOperation.UNSUBSCRIBE;
  static readonly UNSUBACK = MqttOperation.UNSUBACK;
  static readonly PINGREQ = MqttOperation.PINGREQ;
  static readonly PINGRESP = MqttOperation.PINGRESP;
  static readonly DISCONNECT = MqttOperation.DISCONNECT;

  readonly #settings: Settings;
  readonly #loop: HostLoop | undefined;
  readonly #parser: Parser;
  readonly #connectBytes: Buffer;
  #socket: Socket | undefined;
  #state: State = State.CONNECTING;
  #nextId = 1;
  #fragment: Fragment | undefined;
  #writableQueued = false;
  #disconnectSent = false;
  #pingOutstanding = false;
  #lastRead = 0;
  #lastWrite = 0;
  #connectTimer: NodeJS.Timeout | undefined;
  #keepaliveTimer: NodeJS.Timeout | undefined;

  constructor(options: SimMqttClientOptions) {
    if (typeof options?.host !== 'string' || options.host === '') throw new TypeError('MQTT client: host required');
    const keepaliveMs = options.keepalive ?? 0;
    if (!Number.isFinite(keepaliveMs) || keepaliveMs < 0 || keepaliveMs > 65_535_000) {
      throw new RangeError(`MQTT client: keepalive must be 0..65535000 ms (got ${keepaliveMs})`);
    }
    const maxChunk = options.maxChunk ?? Infinity;
    if (!(maxChunk === Infinity || (Number.isInteger(maxChunk) && maxChunk > 0))) {
      throw new RangeError(`MQTT client: maxChunk must be a positive integer (got ${maxChunk})`);
    }
    this.#settings = Object.freeze({
      host: options.host,
      port: options.port ?? 1883,
      keepaliveMs,
      maxChunk,
      onReadable: options.onReadable,
      onWritable: options.onWritable,
      onControl: options.onControl,
      onClose: options.onClose,
      onError: options.onError,
    });
    this.#loop = options.loop;
    // Encoded now so bad options (a will without topic, say) throw here, not later in a socket event.
    this.#connectBytes = encode(connectPacket(options, keepaliveMs), 'CONNECT');
    this.#parser = createParser({ protocolVersion: 4 });
    this.#parser.on('packet', (packet: Packet) => this.#onPacket(packet));
    this.#parser.on('error', (error: unknown) => this.#fail(protocolError(`malformed packet from the broker: ${messageOf(error)}`, error)));
    this.#open(options.network);
  }

  write(data: BufferSource | null, options: MqttWriteOptions = {}): number {
    switch (this.#state) {
      case State.CLOSED:
        throw new Error('MQTT client: write() after the connection was closed');
      case State.CONNECTING:
        throw new Error('MQTT client: write() before CONNACK; wait for onControl(CONNACK) or onWritable');
      case State.FAILED:
        // The connection is lost and onError is on its way: bytes vanish, as into a dead TCP socket.
        return 0;
    }
    const operation = options.operation ?? MqttOperation.PUBLISH;
    const packet = this.#packetFor(operation, data, options);
    const bytes = encode(packet, packet.cmd.toUpperCase());
    const writable = this.#writable();
    if (bytes.length > writable) {
      throw new RangeError(`MQTT client: overflow, a ${bytes.length}-byte packet with ${writable} bytes writable; wait for onWritable`);
    }
    this.#send(bytes);
    if (operation === MqttOperation.PINGREQ) this.#pingOutstanding = true;
    if (operation === MqttOperation.DISCONNECT) this.#disconnectSent = true;
    return this.#writable();
  }

  read(count?: number): ArrayBuffer {
    const fragment = this.#fragment;
    if (!fragment) return new ArrayBuffer(0);
    const left = fragment.bytes.length - fragment.offset;
    const n = count === undefined ? left : Math.max(0, Math.min(left, Math.floor(count)));
    const out = fragment.bytes.slice(fragment.offset, fragment.offset + n);
    fragment.offset += n;
    return out.buffer;
  }

  /**
   * Destroys the socket without DISCONNECT, so the broker publishes the Will:
   * what a validator losing power looks like. For a clean end, write
   * DISCONNECT first; then the queued bytes are flushed before the socket
   * closes. No callback runs after this. Idempotent.
   */
  close(): void {
    if (this.#state === State.CLOSED) return;
    this.#state = State.CLOSED;
    this.#stopTimers();
    this.#fragment = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    if (!socket) return;
    if (this.#disconnectSent) {
      socket.end();
      // The broker closes its side on DISCONNECT; in case it does not.
      setTimeout(() => socket.destroy(), 1_000).unref();
    } else {
      socket.destroy();
    }
  }

  #open(network: SimNetwork | undefined): void {
    const { host, port } = this.#settings;
    let socket: Socket;
    try {
      socket = network ? network.connect({ host, port }) : connect({ host, port });
    } catch (error) {
      this.#fail(new MqttConnectionError(MqttFailure.SOCKET, `MQTT client: cannot connect to ${host}:${port}: ${messageOf(error)}`, { cause: error }));
      return;
    }
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => this.#onConnect());
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) =>
      this.#fail(new MqttConnectionError(MqttFailure.SOCKET, `MQTT client: connection to ${host}:${port} failed: ${messageOf(error)}`, { cause: error })),
    );
    socket.on('close', () => this.#onSocketClose());
    this.#connectTimer = setTimeout(() => {
      this.#fail(new MqttConnectionError(MqttFailure.TIMEOUT, `MQTT client: no CONNACK from ${host}:${port} within ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS).unref();
  }

  #onConnect(): void {
    if (this.#state !== State.CONNECTING) return;
    this.#lastRead = performance.now();
    this.#send(this.#connectBytes);
    const interval = this.#settings.keepaliveMs;
    if (interval > 0) {
      this.#keepaliveTimer = setInterval(() => this.#keepalive(), Math.max(50, interval / 4)).unref();
    }
  }

  #onData(chunk: Buffer): void {
    if (this.#state !== State.CONNECTING && this.#state !== State.CONNECTED) return;
    this.#lastRead = performance.now();
    try {
      this.#parser.parse(chunk);
    } catch (error) {
      this.#fail(protocolError(`malformed packet from the broker: ${messageOf(error)}`, error));
    }
  }

  #onSocketClose(): void {
    if (this.#state !== State.CONNECTING && this.#state !== State.CONNECTED) return;
    // After our DISCONNECT the broker closing is the expected end, not an error.
    const error = this.#disconnectSent
      ? undefined
      : new MqttConnectionError(MqttFailure.PEER_CLOSED, `MQTT client: ${this.#settings.host}:${this.#settings.port} closed the connection`);
    this.#finish(error, true);
  }

  #onPacket(packet: Packet): void {
    if (this.#state === State.CONNECTING) {
      this.#onConnack(packet);
      return;
    }
    if (this.#state !== State.CONNECTED) return;
    const id = packet.messageId;
    switch (packet.cmd) {
      case 'publish':
        this.#deliver(packet);
        return;
      case 'puback':
        this.#control({ operation: MqttOperation.PUBACK, id });
        return;
      case 'pubrec':
        this.#send(encode({ cmd: 'pubrel', messageId: id }, 'PUBREL'));
        this.#control({ operation: MqttOperation.PUBREC, id });
        return;
      case 'pubrel':
        this.#send(encode({ cmd: 'pubcomp', messageId: id }, 'PUBCOMP'));
        this.#control({ operation: MqttOperation.PUBREL, id });
        return;
      case 'pubcomp':
        this.#control({ operation: MqttOperation.PUBCOMP, id });
        return;
      case 'suback':
        this.#control({ operation: MqttOperation.SUBACK, id });
        return;
      case 'unsuback':
        this.#control({ operation: MqttOperation.UNSUBACK, id });
        return;
      case 'pingresp':
        this.#pingOutstanding = false;
        this.#control({ operation: MqttOperation.PINGRESP });
        return;
      default:
        this.#fail(protocolError(`unexpected ${packet.cmd.toUpperCase()} from the broker`));
    }
  }

  #onConnack(packet: Packet): void {
    if (packet.cmd !== 'connack') {
      this.#fail(protocolError(`expected CONNACK, got ${packet.cmd.toUpperCase()}`));
      return;
    }
    clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
    const returnCode = packet.returnCode ?? 0;
    this.#control({ operation: MqttOperation.CONNACK, returnCode });
    if (returnCode !== 0) {
      const reason = CONNACK_REASONS[returnCode] ?? `return code ${returnCode}`;
      this.#fail(new MqttConnectionError(MqttFailure.REFUSED, `MQTT client: the broker refused the connection: ${reason}`, { returnCode }));
      return;
    }
    this.#state = State.CONNECTED;
    this.#queueWritable();
  }

  /** Queues the fragments of one message, in order, with the acknowledgement after the last. */
  #deliver(packet: IPublishPacket): void {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const bytes = new Uint8Array(payload); // a copy: the parser's buffers are reused
    const { topic, qos, messageId } = packet;
    const chunk = this.#settings.maxChunk;
    let offset = 0;
    do {
      const start = offset;
      const end = Math.min(bytes.length, start + chunk);
      const more = end < bytes.length;
      const options: MqttReadableOptions = start === 0 ? { topic, byteLength: bytes.length, QoS: qos, more } : { more };
      this.#post(() => {
        try {
          this.#readable(bytes.subarray(start, end), options);
        } finally {
          if (!more && qos > 0 && this.#state === State.CONNECTED) {
            this.#send(encode({ cmd: qos === 1 ? 'puback' : 'pubrec', messageId }, qos === 1 ? 'PUBACK' : 'PUBREC'));
          }
        }
      });
      offset = end;
    } while (offset < bytes.length);
  }

  #readable(bytes: Uint8Array, options: MqttReadableOptions): void {
    this.#fragment = { bytes, offset: 0 };
    try {
      this.#settings.onReadable?.call(this, bytes.length, options);
    } finally {
      this.#fragment = undefined;
    }
  }

  #control(message: MqttControl): void {
    this.#post(() => this.#settings.onControl?.call(this, message));
  }

  #queueWritable(): void {
    if (this.#writableQueued || this.#state !== State.CONNECTED) return;
    this.#writableQueued = true;
    this.#post(() => {
      this.#writableQueued = false;
      if (this.#state === State.CONNECTED) this.#settings.onWritable?.call(this, this.#writable());
    });
  }

  #keepalive(): void {
    const interval = this.#settings.keepaliveMs;
    const now = performance.now();
    if (now - this.#lastRead >= interval * 1.5) {
      this.#fail(new MqttConnectionError(MqttFailure.TIMEOUT, `MQTT client: nothing from the broker for 1.5 keep-alive intervals (${interval} ms)`));
      return;
    }
    if (this.#state !== State.CONNECTED || this.#pingOutstanding) return;
    // Ping when we have been quiet (the broker's rule) or the broker has (ours: a PINGRESP proves the
    // link). At 3/4 of the interval, as Moddable's client, to leave room for a slow event loop.
    const due = interval * 0.75;
    if (now - this.#lastWrite >= due || now - this.#lastRead >= due) {
      this.#pingOutstanding = true;
      this.#send(encode({ cmd: 'pingreq' }, 'PINGREQ'));
    }
  }

  #send(bytes: Buffer): void {
    const socket = this.#socket;
    if (!socket || socket.destroyed) return;
    this.#lastWrite = performance.now();
    socket.write(bytes, (error) => {
      if (!error) this.#queueWritable();
    });
  }

  #writable(): number {
    const socket = this.#socket;
    return socket && !socket.destroyed ? Math.max(0, WRITE_WINDOW - socket.writableLength) : 0;
  }

  /** Ends the connection from our side: the socket goes, onError follows the callbacks already queued. */
  #fail(error: MqttConnectionError): void {
    if (this.#state !== State.CONNECTING && this.#state !== State.CONNECTED) return;
    this.#finish(error, false);
  }

  #finish(error: MqttConnectionError | undefined, peerClosed: boolean): void {
    this.#state = State.FAILED;
    this.#stopTimers();
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.destroy();
    this.#post(() => {
      this.#state = State.CLOSED;
      if (error) this.#settings.onError?.call(this, error);
      if (peerClosed) this.#settings.onClose?.call(this);
    });
  }

  #stopTimers(): void {
    clearTimeout(this.#connectTimer);
    clearInterval(this.#keepaliveTimer);
    this.#connectTimer = undefined;
    this.#keepaliveTimer = undefined;
  }

  /** A callback into the firmware: a loop task, or the next turn of Node's loop; dropped once closed. */
  #post(task: () => void): void {
    const run = (): void => {
      if (this.#state !== State.CLOSED) task();
    };
    if (this.#loop) this.#loop.post(run);
    else setImmediate(run);
  }

  #packetFor(operation: number, data: BufferSource | null, options: MqttWriteOptions): Packet {
    switch (operation) {
      case MqttOperation.PUBLISH: {
        const topic = options.topic;
        if (typeof topic !== 'string' || topic === '') throw new TypeError('MQTT client: PUBLISH needs a topic');
        const qos = checkQoS(options.QoS ?? 0);
        const packet: IPublishPacket = {
          cmd: 'publish',
          topic,
          payload: data === null || data === undefined ? Buffer.alloc(0) : copyBytes(data),
          qos,
          retain: options.retain === true,
          dup: options.duplicate === true,
        };
        if (qos > 0) packet.messageId = options.id === undefined ? this.#allocateId() : checkId(options.id);
        return packet;
      }
      case MqttOperation.SUBSCRIBE:
        return {
          cmd: 'subscribe',
          messageId: options.id === undefined ? this.#allocateId() : checkId(options.id),
          subscriptions: itemsOf(options, 'SUBSCRIBE').map((item) => ({ topic: item.topic, qos: checkQoS(item.QoS ?? 0) })),
        };
      case MqttOperation.UNSUBSCRIBE:
        return {
          cmd: 'unsubscribe',
          messageId: options.id === undefined ? this.#allocateId() : checkId(options.id),
          unsubscriptions: itemsOf(options, 'UNSUBSCRIBE').map((item) => item.topic),
        };
      case MqttOperation.PUBACK:
        return { cmd: 'puback', messageId: checkId(options.id) };
      case MqttOperation.PUBREC:
        return { cmd: 'pubrec', messageId: checkId(options.id) };
      case MqttOperation.PUBREL:
        return { cmd: 'pubrel', messageId: checkId(options.id) };
      case MqttOperation.PUBCOMP:
        return { cmd: 'pubcomp', messageId: checkId(options.id) };
      case MqttOperation.PINGREQ:
        return { cmd: 'pingreq' };
      case MqttOperation.DISCONNECT:
        return { cmd: 'disconnect' };
      default:
        throw new RangeError(`MQTT client: a client cannot send operation ${operation}`);
    }
  }

  /** Packet ids 1..65535, wrapping; 0 is not a valid id. */
  #allocateId(): number {
    const id = this.#nextId;
    this.#nextId = id === MAX_PACKET_ID ? 1 : id + 1;
    return id;
  }
}

function connectPacket(options: MqttClientOptions, keepaliveMs: number): IConnectPacket {
  const packet: IConnectPacket = {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId: options.id ?? '',
    clean: options.clean ?? true,
    keepalive: Math.ceil(keepaliveMs / 1000),
  };
  if (options.user !== undefined) packet.username = options.user;
  if (options.password !== undefined) {
    packet.password = typeof options.password === 'string' ? Buffer.from(options.password, 'utf8') : copyBytes(options.password);
  }
  const will = options.will;
  if (will) {
    // Moddable's client sends an ArrayBuffer as it is and turns anything else into a string
    // (a Uint8Array would go out as "1,2,3"): refuse what the device would garble.
    if (typeof will.message !== 'string' && !(will.message instanceof ArrayBuffer)) {
      throw new TypeError('MQTT client: will.message must be an ArrayBuffer or a string, as on Moddable');
    }
    const message = typeof will.message === 'string' ? Buffer.from(will.message, 'utf8') : copyBytes(will.message);
    packet.will = { topic: will.topic, payload: message, qos: checkQoS(will.QoS ?? 0), retain: will.retain === true };
  }
  return packet;
}

function encode(packet: Packet, what: string): Buffer {
  try {
    return generate(packet);
  } catch (error) {
    throw new TypeError(`MQTT client: cannot encode ${what}: ${messageOf(error)}`, { cause: error });
  }
}

function copyBytes(data: BufferSource): Buffer {
  if (ArrayBuffer.isView(data)) return Buffer.from(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (data instanceof ArrayBuffer) return Buffer.from(new Uint8Array(data));
  throw new TypeError('MQTT client: data must be an ArrayBuffer or a view of one');
}

function checkQoS(qos: number): QoS {
  if (qos !== 0 && qos !== 1 && qos !== 2) throw new RangeError(`MQTT client: QoS must be 0, 1 or 2 (got ${qos})`);
  return qos;
}

function checkId(id: number | undefined): number {
  if (!Number.isInteger(id) || id! < 1 || id! > MAX_PACKET_ID) throw new RangeError(`MQTT client: packet id must be 1..65535 (got ${id})`);
  return id!;
}

function itemsOf(options: MqttWriteOptions, what: string): NonNullable<MqttWriteOptions['items']> {
  const items = options.items;
  if (!Array.isArray(items) || items.length === 0) throw new TypeError(`MQTT client: ${what} needs items`);
  for (const item of items) {
    if (typeof item?.topic !== 'string' || item.topic === '') throw new TypeError(`MQTT client: every ${what} item needs a topic`);
  }
  return items;
}

function protocolError(message: string, cause?: unknown): MqttConnectionError {
  return new MqttConnectionError(MqttFailure.PROTOCOL, `MQTT client: ${message}`, cause === undefined ? {} : { cause });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
