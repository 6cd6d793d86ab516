import { describe, expect, test } from 'vitest';
import { AssemblyOutcome, MessageAssembler } from '../../firmware/sync/message-assembler.js';
import type { MqttClient } from '../../firmware/types/mqtt.js';

/** The bytes of one delivery, read the way the ECMA-419 client hands them out. */
function delivering(bytes: Uint8Array): MqttClient {
  let at = 0;
  return {
    read(count = bytes.length - at) {
      const out = bytes.slice(at, at + count);
      at += out.length;
      return out.buffer;
    },
    write: () => 0,
    close: () => {},
  };
}

const payload = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) & 0xff);

function deliver(assembler: MessageAssembler, topic: string, bytes: Uint8Array, chunk: number, announced = bytes.length) {
  const results = [];
  const client = delivering(bytes);
  for (let at = 0; at < bytes.length || at === 0; at += chunk) {
    const n = Math.min(chunk, bytes.length - at);
    const more = at + n < bytes.length;
    results.push(assembler.take(client, n, at === 0 ? { topic, byteLength: announced, QoS: 1, more } : { more }));
    if (bytes.length === 0) break;
  }
  return results;
}

describe('message assembler', () => {
  test('puts fragments back together, whatever their size', () => {
    for (const chunk of [1, 7, 128, 999, 1000]) {
      const assembler = new MessageAssembler({ limit: () => 4096 });
      const results = deliver(assembler, 'tk/v1/OP/V1/ack', payload, chunk);
      const last = results.pop();
      expect(results.every((r) => r === AssemblyOutcome.PARTIAL)).toBe(true);
      expect(last).toEqual({ topic: 'tk/v1/OP/V1/ack', payload });
    }
  });

  test('drops a message over the limit for its topic, once, and takes the next one', () => {
    const assembler = new MessageAssembler({ limit: (topic) => (topic.includes('/cfg/') ? 4096 : 100) });
    const results = deliver(assembler, 'tk/v1/OP/V1/ack', payload, 64);
    expect(results.filter((r) => r === AssemblyOutcome.DROPPED)).toHaveLength(1);
    expect(results[results.length - 1]).toBe(AssemblyOutcome.DROPPED);
    expect(deliver(assembler, 'tk/v1/OP/cfg/deny', payload, 64).pop()).toEqual({ topic: 'tk/v1/OP/cfg/deny', payload });
  });

  test('drops a message whose fragments do not add up to the length it announced', () => {
    const assembler = new MessageAssembler({ limit: () => 4096 });
    expect(deliver(assembler, 't', payload, 100, 900).pop()).toBe(AssemblyOutcome.DROPPED);
    expect(deliver(assembler, 't', payload, 100, 1100).pop()).toBe(AssemblyOutcome.DROPPED);
    expect(deliver(assembler, 't', payload, 100).pop()).toEqual({ topic: 't', payload });
  });

  test('an empty message is a message', () => {
    const assembler = new MessageAssembler({ limit: () => 4096 });
    expect(deliver(assembler, 't', new Uint8Array(0), 10).pop()).toEqual({ topic: 't', payload: new Uint8Array(0) });
  });
});
