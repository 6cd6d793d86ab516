/**
 * The MQTT 3.1.1 client the validator talks through, shaped like the
 * ECMA-419 MQTT client Moddable ships (examples/io/tcp/mqttclient, reached
 * on a device as `device.network.mqtt.io`, whose other fields (dns, socket)
 * are spread into the constructor's options). The simulator implements the
 * same shape over a real TCP socket (simulator/network/mqtt-client.ts).
 *
 * Type-only apart from the operation numbers, which are MQTT's packet types.
 */
import type { BufferSource } from './ecma419.js';

/** MQTT control packet types, as `operation` in writes and onControl. */
export const MqttOperation = Object.freeze({
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBSCRIBE: 8,
  SUBACK: 9,
  UNSUBSCRIBE: 10,
  UNSUBACK: 11,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
} as const);
export type MqttOperation = (typeof MqttOperation)[keyof typeof MqttOperation];

export type QoS = 0 | 1 | 2;

export interface MqttWill {
  readonly topic: string;
  /** An exact ArrayBuffer: Moddable's client turns anything else into a string. */
  readonly message: ArrayBuffer | string;
  readonly QoS?: QoS;
  readonly retain?: boolean;
}

/** Passed with onReadable: the first fragment of a message carries topic and byteLength. */
export interface MqttReadableOptions {
  readonly topic?: string;
  /** Length of the whole message payload. */
  readonly byteLength?: number;
  readonly QoS?: number;
  /** More of this message follows in later onReadable calls. */
  readonly more: boolean;
}

export interface MqttControl {
  readonly operation: number;
  /** Packet id, for PUBACK, SUBACK and the like. */
  readonly id?: number;
  /** CONNACK's return code: 0 accepted. */
  readonly returnCode?: number;
}

export interface MqttWriteOptions {
  /** PUBLISH unless said otherwise. */
  readonly operation?: number;
  readonly topic?: string;
  readonly QoS?: QoS;
  readonly retain?: boolean;
  readonly duplicate?: boolean;
  /** Packet id; assigned when omitted. */
  readonly id?: number;
  /** SUBSCRIBE / UNSUBSCRIBE */
  readonly items?: ReadonlyArray<{ readonly topic: string; readonly QoS?: QoS }>;
}

export interface MqttClientOptions {
  readonly host: string;
  readonly port?: number;
  readonly id?: string;
  readonly user?: string;
  readonly password?: string | BufferSource;
  /** Keep-alive interval in milliseconds; 0 for none. */
  readonly keepalive?: number;
  readonly clean?: boolean;
  readonly will?: MqttWill;
  readonly onReadable?: (this: MqttClient, count: number, options: MqttReadableOptions) => void;
  readonly onWritable?: (this: MqttClient, count: number) => void;
  readonly onControl?: (this: MqttClient, message: MqttControl) => void;
  readonly onClose?: (this: MqttClient) => void;
  readonly onError?: (this: MqttClient, error?: unknown) => void;
}

export interface MqttClient {
  /**
   * Publishes `data` (options.topic, QoS, retain), or sends another
   * operation with `data` null. Returns the bytes that may still be written
   * without blocking. Throws when the packet does not fit in what the
   * socket can take now (Moddable: "overflow"); onWritable says when it can.
   */
  write(data: BufferSource | null, options?: MqttWriteOptions): number;
  /** Up to `count` bytes of the message being delivered in onReadable. */
  read(count?: number): ArrayBuffer;
  /** Closes the connection; no callback runs after. Idempotent. */
  close(): void;
}

export interface MqttClientConstructor {
  new (options: MqttClientOptions & Record<string, unknown>): MqttClient;
}

/** What the firmware is given for MQTT: the constructor and the options its host needs (dns, socket). */
export interface MqttProvider {
  readonly io: MqttClientConstructor;
  readonly [key: string]: unknown;
}
