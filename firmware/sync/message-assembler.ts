/**
 * Whole messages out of the MQTT client's onReadable calls. The ECMA-419
 * client hands a message over in fragments (the first with its topic and
 * length, the rest with `more`), and the ESP32 cannot afford to hold a
 * message it will refuse anyway: one bigger than the limit for its topic is
 * read and dropped as it comes, and reported once as DROPPED (as is one
 * whose fragments do not add up to the length it announced).
 */
import type { MqttClient, MqttReadableOptions } from '../types/mqtt.js';

export interface AssembledMessage {
  readonly topic: string;
  readonly payload: Uint8Array;
}

export const AssemblyOutcome = Object.freeze({ PARTIAL: 0, DROPPED: 1 } as const);

export interface MessageAssemblerOptions {
  /** Largest payload accepted on a topic, bytes. */
  readonly limit: (topic: string) => number;
}

export class MessageAssembler {
  readonly #limit: (topic: string) => number;
  #topic: string | undefined;
  #buffer: Uint8Array | undefined;
  #length = 0;
  #dropping = false;

  constructor(options: MessageAssemblerOptions) {
    this.#limit = options.limit;
  }

  /**
   * Takes the `count` bytes on offer from `client`. Returns the message once
   * its last fragment is in, DROPPED once for a message over the limit,
   * and PARTIAL otherwise.
   */
  take(client: MqttClient, count: number, options: MqttReadableOptions): AssembledMessage | typeof AssemblyOutcome.DROPPED | typeof AssemblyOutcome.PARTIAL {
    if (options.topic !== undefined) {
      const total = options.byteLength ?? count;
      this.#topic = options.topic;
      this.#length = 0;
      this.#dropping = total > this.#limit(options.topic);
      this.#buffer = this.#dropping ? undefined : new Uint8Array(total);
    }
    const chunk = count > 0 ? new Uint8Array(client.read(count)) : new Uint8Array(0);
    const topic = this.#topic;
    if (topic === undefined) return AssemblyOutcome.PARTIAL; // a fragment with no start: nothing to add it to
    if (!this.#dropping && this.#buffer) {
      if (this.#length + chunk.length > this.#buffer.length) {
        // More bytes than the message said it had: not to be trusted.
        this.#dropping = true;
        this.#buffer = undefined;
      } else {
        this.#buffer.set(chunk, this.#length);
        this.#length += chunk.length;
      }
    }
    if (options.more) return AssemblyOutcome.PARTIAL;
    const buffer = this.#buffer;
    const dropped = this.#dropping || !buffer || this.#length !== buffer.length;
    this.#topic = undefined;
    this.#buffer = undefined;
    this.#dropping = false;
    return dropped ? AssemblyOutcome.DROPPED : { topic, payload: buffer };
  }
}
