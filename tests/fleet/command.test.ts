/**
 * `fleet command` round trips against a real Mosquitto, with a small
 * validator-side responder written with the mqtt package: the answer is
 * matched by reqId (other answers and garbage on the topic are ignored),
 * ok: false and no answer are exit code 1.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommandError, decodeCommand, encodeResponse, parseTopic, type CommandRequest } from '../../protocol/index.js';
import { runCli } from '../../fleet/run-cli.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { toBuffer } from './ingest-fixtures.js';

const OP = 'YTBUS';
let broker: Mosquitto;
let responder: MqttClient;
const received: { name: string; request: CommandRequest }[] = [];

beforeAll(async () => {
  broker = await startMosquitto();
  // Validator V1 answers every command; it knows one trip.
  responder = await connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
  responder.on('message', (topic, payload) => {
    const t = parseTopic(topic);
    if (t?.kind !== 'command') return;
    const request = decodeCommand(new Uint8Array(payload));
    received.push({ name: t.name, request });
    const res = `tk/v1/${t.operator}/${t.validator}/res/${t.name}`;
    // Noise first: garbage and someone else's answer.
    responder.publish(res, 'not json', { qos: 1 });
    responder.publish(res, toBuffer(encodeResponse({ reqId: 'someone-else', ok: false, error: CommandError.FAILED })), { qos: 1 });
    let answer: Record<string, unknown> = { ok: true };
    if (t.name === 'ping') answer = { ok: true, ts: 1764560000000 };
    if (t.name === 'sync-now') answer = { ok: true, backlog: 12 };
    if (t.name === 'set-trip') answer = request.args.trip === 'K101-0830' ? { ok: true } : { ok: false, error: CommandError.UNKNOWN_TRIP };
    responder.publish(res, toBuffer(encodeResponse({ reqId: request.reqId, ...answer } as never)), { qos: 1 });
  });
  await responder.subscribeAsync(`tk/v1/${OP}/V1/cmd/+`, { qos: 1 });
});

afterAll(async () => {
  await responder?.endAsync(true);
  await broker?.close();
});

async function fleet(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(`${t}\n`), err: (t) => err.push(`${t}\n`) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const base = () => ['command', '--broker', broker.url, '--operator', OP, '--validator', 'V1'];

describe('fleet command', () => {
  it('pings and prints the answer', async () => {
    const run = await fleet(...base(), '--name', 'ping');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout);
    expect(answer).toMatchObject({ ok: true, ts: 1764560000000 });
    expect(answer.reqId).toBe(received.at(-1)?.request.reqId);
    expect(received.at(-1)?.name).toBe('ping');
  });

  it('sends set-trip with its arguments', async () => {
    const run = await fleet(...base(), '--name', 'set-trip', '--trip', 'K101-0830', '--service-date', '2026-12-01');
    expect(run.code).toBe(0);
    expect(received.at(-1)?.request.args).toMatchObject({ trip: 'K101-0830', serviceDate: 20261201 });
    expect((await fleet(...base(), '--name', 'sync-now')).stdout).toContain('"backlog": 12');
  });

  it('exits 1 when the validator answers ok: false, after printing the answer', async () => {
    const run = await fleet(...base(), '--name', 'set-trip', '--trip', 'NOPE', '--service-date', '20261201');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, error: 'UNKNOWN_TRIP' });
    expect(run.stderr).toMatch(/V1 refused set-trip: UNKNOWN_TRIP/);
  });

  it('exits 1 when no answer comes in time', async () => {
    const run = await fleet('command', '--broker', broker.url, '--operator', OP, '--validator', 'V-OFFLINE', '--name', 'reboot', '--timeout', '300');
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no answer from V-OFFLINE to reboot within 300 ms/);
  });

  it('checks its options before connecting', async () => {
    expect((await fleet(...base(), '--name', 'explode')).code).toBe(2);
    expect((await fleet(...base(), '--name', 'set-trip', '--service-date', '20261201')).stderr).toMatch(/set-trip needs --trip/);
    expect((await fleet(...base(), '--name', 'ping', '--trip', 'K1')).code).toBe(2);
    expect((await fleet(...base(), '--name', 'ping', '--timeout', '0')).code).toBe(2);
    expect((await fleet(...base(), '--name', 'set-trip', '--trip', 'K1', '--service-date', '2026-13-01')).code).toBe(1);
  });
});
