/**
 * One MQTT connection to the back office, kept up: connect with a Last Will,
 * subscribe, and after any failure try again with backoff and jitter, for
 * as long as it takes (a validator may be out of coverage for days). What
 * flows over the link is the SyncService's business; the link only tells
 * it when the connection is up or gone and hands it whole messages.
 */
import type { Random } from '../platform/random.js';
import type { TimerId, Timers } from '../platform/timers.js';
import { MqttOperation, type MqttClient, type MqttProvider, type MqttWill, type QoS } from '../types/mqtt.js';
import { DEFAULT_BACKOFF, reconnectDelay, type BackoffSettings } from './backoff.js';
import { AssemblyOutcome, MessageAssembler } from './message-assembler.js';

export const LinkState = Object.freeze({ IDLE: 'idle', CONNECTING: 'connecting', CONNECTED: 'connected', WAITING: 'waiting', CLOSED: 'closed' } as const);
export type LinkState = (typeof LinkState)[keyof typeof LinkState];

export interface BrokerAddress {
  readonly host: string;
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
}

export interface MqttLinkOptions {
  readonly mqtt: MqttProvider;
  readonly broker: BrokerAddress;
  readonly clientId: string;
  readonly keepaliveMs: number;
  /** A connect that has not reached CONNACK in this long is given up, ms. */
  readonly connectTimeoutMs: number;
  readonly backoff?: BackoffSettings;
  readonly timers: Timers;
  readonly random: Random;
  /** Largest payload accepted on a topic. */
  readonly limit: (topic: string) => number;
  /** Called before each attempt: the Will for this session. */
  readonly will: () => MqttWill;
  readonly subscriptions: readonly string[];
  readonly onConnected?: () => void;
  readonly onDisconnected?: () => void;
  readonly onMessage?: (topic: string, payload: Uint8Array) => void;
  /** A message dropped unread: too big or not the length it said. */
  readonly onDropped?: (topic: string | undefined) => void;
  /** The link could take no more for now; onWritable follows. */
  readonly onWritable?: () => void;
}

export class MqttLink {
  readonly #o: MqttLinkOptions;
  #state: LinkState = LinkState.IDLE;
  #client: MqttClient | undefined;
  #timer: TimerId | undefined;
  #failures = 0;
  #connects = 0;
  /** Bytes the client said it can take now; unknown (optimistic) until the first write after connect. */
  #writable = Infinity;

  constructor(options: MqttLinkOptions) {
    this.#o = { ...options };
  }

  get state(): LinkState {
    return this.#state;
  }

  /** Connections made (CONNACK received) since start. */
  get connects(): number {
    return this.#connects;
  }

  start(): void {
    if (this.#state !== LinkState.IDLE) return;
    this.#connect();
  }

  /**
   * Publishes; false if not connected, or if the client cannot take it now
   * (`reserve` bytes are kept free for small messages such as replies, so a
   * backlog never crowds them out). onWritable follows when it can.
   */
  publish(topic: string, payload: Uint8Array, QoS: QoS, retain = false, reserve = 0): boolean {
    const client = this.#client;
    if (!client || this.#state !== LinkState.CONNECTED) return false;
    // Fixed header, length, topic and packet id come on top of the payload.
    if (payload.length + topic.length + 8 + reserve > this.#writable) return false;
    try {
      this.#writable = client.write(payload, { topic, QoS, retain });
      return true;
    } catch {
      // The socket could not take it all now: not a lost link (onError says that), just wait for onWritable.
      this.#writable = 0;
      return false;
    }
  }

  /** Gives up the current connection at once and tries again after backoff (a failed keepalive, say). */
  drop(): void {
    if (this.#client) this.#lost();
  }

  /**
   * Ends the link. `clean`: say goodbye with DISCONNECT (the broker drops
   * the Will); otherwise the socket just goes, as in a power cut.
   */
  close(clean = true): void {
    if (this.#state === LinkState.CLOSED) return;
    const wasConnected = this.#state === LinkState.CONNECTED;
    this.#state = LinkState.CLOSED;
    this.#clearTimer();
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      if (clean && wasConnected) {
        try {
          client.write(null, { operation: MqttOperation.DISCONNECT });
        } catch {
          // Going anyway.
        }
      }
      client.close();
    }
    if (wasConnected) this.#o.onDisconnected?.call(undefined);
  }

  #connect(): void {
    const o = this.#o;
    this.#state = LinkState.CONNECTING;
    const link = this;
    const assembler = new MessageAssembler({ limit: o.limit });
    let client: MqttClient | undefined;
    const mine = () => client !== undefined && link.#client === client;
    try {
      const { io: Client, ...host } = o.mqtt;
      client = new Client({
        ...host,
        host: o.broker.host,
        port: o.broker.port ?? 1883,
        id: o.clientId,
        user: o.broker.user,
        password: o.broker.password,
        keepalive: o.keepaliveMs,
        clean: true,
        will: o.will(),
        onControl(message) {
          if (!mine()) return;
          if (message.operation === MqttOperation.CONNACK) link.#connected(this);
        },
        onReadable(count, options) {
          if (!mine()) {
            if (count > 0) this.read(count);
            return;
          }
          const taken = assembler.take(this, count, options);
          if (taken === AssemblyOutcome.PARTIAL) return;
          if (taken === AssemblyOutcome.DROPPED) o.onDropped?.call(undefined, options.topic);
          else o.onMessage?.call(undefined, taken.topic, taken.payload);
        },
        onWritable(count) {
          if (!mine() || link.#state !== LinkState.CONNECTED) return;
          link.#writable = count;
          o.onWritable?.call(undefined);
        },
        onError() {
          if (mine()) link.#lost();
        },
        onClose() {
          if (mine()) link.#lost();
        },
      });
    } catch {
      // No network stack, bad host: the same as a failed attempt.
      this.#client = undefined;
      this.#retry();
      return;
    }
    this.#client = client;
    this.#timer = o.timers.set(() => {
      this.#timer = undefined;
      if (this.#state === LinkState.CONNECTING) this.#lost();
    }, o.connectTimeoutMs);
  }

  #connected(client: MqttClient): void {
    this.#clearTimer();
    this.#failures = 0;
    this.#connects++;
    this.#state = LinkState.CONNECTED;
    this.#writable = Infinity;
    try {
      this.#writable = client.write(null, { operation: MqttOperation.SUBSCRIBE, items: this.#o.subscriptions.map((topic) => ({ topic, QoS: 1 as const })) });
    } catch {
      this.#lost();
      return;
    }
    this.#o.onConnected?.call(undefined);
  }

  /** The connection failed or went: close it and try again later. */
  #lost(): void {
    if (this.#state === LinkState.CLOSED) return;
    const wasConnected = this.#state === LinkState.CONNECTED;
    this.#clearTimer();
    const client = this.#client;
    this.#client = undefined;
    client?.close();
    if (wasConnected) this.#o.onDisconnected?.call(undefined);
    this.#retry();
  }

  #retry(): void {
    if (this.#state === LinkState.CLOSED) return;
    this.#state = LinkState.WAITING;
    const delay = reconnectDelay(this.#failures++, this.#o.random, this.#o.backoff ?? DEFAULT_BACKOFF);
    this.#timer = this.#o.timers.set(() => {
      this.#timer = undefined;
      if (this.#state === LinkState.WAITING) this.#connect();
    }, delay);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#o.timers.clear(this.#timer);
    this.#timer = undefined;
  }
}
