/**
 * publish: put a signed configuration document on its retained topic,
 * `tk/v1/{op}/cfg/{kind}` for the whole operator or
 * `tk/v1/{op}/{v}/cfg/{kind}` for one validator. The kind comes from the
 * document's own signed type field; the signature is not checked here (the
 * validators do that), but a file that is not a signed document, or is for
 * another operator, is refused. Like trust/deny/trips, it refuses to replace
 * a retained document of the same or a newer version unless --force.
 */
import type { MqttClient } from 'mqtt';
import {
  ConfigTopic, DocumentType, decodeSign1, isTopicId, operatorConfigTopic, validatorConfigTopic, type ConfigTopic as ConfigKind,
} from '../../protocol/index.js';
import type { Command, OptionValues } from '../command.js';
import { InputError, UsageError } from '../errors.js';
import { readInputFile } from '../input/input-file.js';
import { flag, optionalString, requiredString } from '../input/options.js';
import { brokerUrl, topicId } from '../input/mqtt-options.js';
import { connectBroker } from '../broker/connect-broker.js';
import { documentHead, type DocumentHead } from '../inspect/document-summary.js';

const KIND_OF: Readonly<Record<string, ConfigKind>> = Object.freeze({
  [DocumentType.TRUST]: ConfigTopic.TRUST,
  [DocumentType.DENY]: ConfigTopic.DENY,
  [DocumentType.TRIPS]: ConfigTopic.TRIPS,
});

export const publish: Command = {
  name: 'publish',
  summary: 'publish a signed trust, deny or trips document to the validators (retained)',
  help: `Usage: fleet publish --broker URL --operator OP --file <doc.cbor> [--validator V] [--force]

Publishes a document made by "fleet trust", "fleet deny" or "fleet trips" on
its retained MQTT topic (QoS 1), where every validator of the operator (or
the one given by --validator) picks it up, now or when it next connects:
  tk/v1/OP/cfg/{trust,deny,trips}      or      tk/v1/OP/V/cfg/{trust,deny,trips}

Options:
  --broker URL       mqtt://host:port (also mqtts://, ws://, wss://)
  --operator OP      the operator; must match the document's operator
  --file <file>      the signed document (CBOR)
  --validator V      publish for this validator only
  --force            replace a retained document of the same or a newer version
                     (validators keep the newer one they hold and refuse this)`,
  options: {
    broker: { type: 'string' },
    operator: { type: 'string' },
    file: { type: 'string' },
    validator: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const broker = brokerUrl(values.broker);
    const operator = topicId(values, 'operator', true)!;
    const validator = topicId(values, 'validator', false);
    const file = requiredString(values, 'file');
    const bytes = new Uint8Array(await readInputFile(file, 'document'));
    const head = readHead(bytes, file);
    const kind = KIND_OF[head.type];
    if (head.type === DocumentType.DENY_DELTA) {
      throw new InputError(`${file} is a deny list delta; a retained topic must hold a full list (publish the full deny list)`);
    }
    if (!kind) throw new InputError(`${file} is a "${head.type}" document, not a trust, deny or trips document`);
    if (head.operator !== operator) throw new InputError(`${file} is for operator ${head.operator}, not ${operator}`);
    const topic = validator ? validatorConfigTopic(operator, validator, kind) : operatorConfigTopic(operator, kind);

    const client = await connectBroker(broker);
    try {
      if (!flag(values, 'force')) {
        const held = await retainedHead(client, topic);
        if (held && held.type === head.type && held.version >= head.version) {
          throw new InputError(
            `${topic} already holds ${head.type} version ${held.version}; validators ignore a version that is not newer (sign version ${held.version + 1}, or --force)`,
          );
        }
      }
      await client.publishAsync(topic, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { qos: 1, retain: true });
    } finally {
      await client.endAsync();
    }
    io.out(`published ${head.type} version ${head.version} for ${operator} (${bytes.length} bytes) -> ${topic}`);
  },
};

function readHead(bytes: Uint8Array, file: string): DocumentHead {
  let head: DocumentHead | undefined;
  try {
    head = documentHead(decodeSign1(bytes));
  } catch {
    head = undefined;
  }
  if (!head || !Number.isSafeInteger(head.version)) throw new InputError(`${file} is not a signed configuration document`);
  return head;
}

/**
 * The retained document on `topic`, if any. The broker sends retained
 * messages right after a subscription's SUBACK, in order on the connection,
 * so a second subscription's SUBACK means the first one's retained message
 * has arrived if there is one.
 */
async function retainedHead(client: MqttClient, topic: string): Promise<DocumentHead | undefined> {
  let held: DocumentHead | undefined;
  const listener = (t: string, payload: Buffer) => {
    if (t !== topic || payload.length === 0) return;
    try {
      held = documentHead(decodeSign1(new Uint8Array(payload)));
    } catch {
      held = undefined; // not a document: replacing it is fine
    }
  };
  client.on('message', listener);
  try {
    await client.subscribeAsync(topic, { qos: 1 });
    await client.subscribeAsync(`${topic}/publish-barrier`, { qos: 0 });
    await client.unsubscribeAsync([topic, `${topic}/publish-barrier`]);
  } finally {
    client.removeListener('message', listener);
  }
  return held;
}
