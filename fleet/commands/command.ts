/**
 * command: send one command to a validator and print its answer. Subscribes
 * to the answer topic before publishing, so a quick answer is not missed,
 * and matches the answer by a fresh reqId.
 */
import { randomBytes } from 'node:crypto';
import {
  COMMANDS, Command as CommandName, commandTopic, decodeResponse, encodeCommand, responseTopic, type CommandResponse,
} from '../../protocol/index.js';
import type { Command } from '../command.js';
import { InputError, UsageError } from '../errors.js';
import { optionalString, requiredString } from '../input/options.js';
import { parseServiceDate } from '../input/time.js';
import { connectBroker } from '../broker/connect-broker.js';
import { brokerUrl, topicId } from '../input/mqtt-options.js';

const DEFAULT_TIMEOUT_MS = 10_000;

export const command: Command = {
  name: 'command',
  summary: 'send a command (ping, sync-now, set-trip, reboot) to a validator and print its answer',
  help: `Usage: fleet command --broker URL --operator OP --validator V --name NAME [--trip ID --service-date YYYYMMDD] [--timeout MS]

Publishes tk/v1/OP/V/cmd/NAME with a fresh reqId and prints the validator's
answer from tk/v1/OP/V/res/NAME as JSON. Exit code 1 when the answer says
ok: false or no answer comes in time (the validator is offline, or busy).

Commands:
  ping        answers with its clock
  sync-now    sends its backlog now; answers with the backlog
  set-trip    chooses the current trip: needs --trip and --service-date
  reboot      answers, then restarts

Options:
  --broker URL         mqtt://host:port (also mqtts://, ws://, wss://)
  --operator OP        the operator
  --validator V        the validator id
  --name NAME          one of: ${COMMANDS.join(', ')}
  --trip ID            set-trip: the trip id
  --service-date DATE  set-trip: YYYYMMDD or YYYY-MM-DD
  --timeout MS         how long to wait for the answer (default ${DEFAULT_TIMEOUT_MS})`,
  options: {
    broker: { type: 'string' },
    operator: { type: 'string' },
    validator: { type: 'string' },
    name: { type: 'string' },
    trip: { type: 'string' },
    'service-date': { type: 'string' },
    timeout: { type: 'string' },
  },
  async run(values, _positionals, io) {
    const broker = brokerUrl(values.broker);
    const operator = topicId(values, 'operator', true)!;
    const validator = topicId(values, 'validator', true)!;
    const name = requiredString(values, 'name');
    if (!(COMMANDS as readonly string[]).includes(name)) throw new UsageError(`--name must be one of ${COMMANDS.join(', ')}, got "${name}"`);
    const args = commandArgs(name, values);
    const timeoutMs = timeout(optionalString(values, 'timeout'));

    const reqId = `fleet-${randomBytes(8).toString('hex')}`;
    const client = await connectBroker(broker);
    let response: CommandResponse;
    try {
      let answered!: (r: CommandResponse) => void;
      const answer = new Promise<CommandResponse>((resolve) => (answered = resolve));
      client.on('message', (topic, payload) => {
        if (topic !== responseTopic(operator, validator, name)) return;
        try {
          const r = decodeResponse(new Uint8Array(payload));
          if (r.reqId === reqId) answered(r);
        } catch {
          // someone else's garbage on the answer topic: keep waiting for ours
        }
      });
      await client.subscribeAsync(responseTopic(operator, validator, name), { qos: 1 });
      const bytes = encodeCommand(reqId, args);
      await client.publishAsync(commandTopic(operator, validator, name), Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { qos: 1 });
      response = await within(answer, timeoutMs, () => new InputError(`no answer from ${validator} to ${name} within ${timeoutMs} ms`));
    } finally {
      await client.endAsync(true);
    }
    io.out(JSON.stringify(response, null, 2));
    if (!response.ok) throw new InputError(`${validator} refused ${name}: ${response.error ?? 'no reason given'}`);
  },
};

function commandArgs(name: string, values: Parameters<Command['run']>[0]): object {
  const trip = optionalString(values, 'trip');
  const date = optionalString(values, 'service-date');
  if (name !== CommandName.SET_TRIP) {
    if (trip !== undefined || date !== undefined) throw new UsageError('--trip and --service-date go with --name set-trip only');
    return {};
  }
  if (trip === undefined) throw new UsageError('set-trip needs --trip');
  if (date === undefined) throw new UsageError('set-trip needs --service-date');
  return { trip, serviceDate: parseServiceDate(date, '--service-date') };
}

function timeout(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TIMEOUT_MS;
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > 600_000) throw new UsageError(`--timeout must be 1 to 600000 ms, got "${text}"`);
  return Number(text);
}

async function within<T>(promise: Promise<T>, ms: number, timedOut: () => Error): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(timedOut()), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
