/**
 * The ops monitor against a real Mosquitto: the feed and counts from stored
 * batches (through a real ingest service into SQLite), alerts from a real
 * Last Will, from telemetry and from configuration events, and malformed
 * messages counted. The monitor's clock and ticks are driven by the tests.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  REASONS, ValidatorTopic, encodeConfigEvent, encodeState, encodeTelemetry, opsTopic, validatorTopic, type Telemetry,
} from '../../protocol/index.js';
import { IngestService, SqliteBoardingStore } from '../../fleet/ingest/index.js';
import { AlertType, OpsMonitor, type Alert, type FeedMessage, type Summary, type ValidatorStatus } from '../../fleet/ops/index.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { ValidatorDouble, batchesOf, makeBatch, record, toBuffer, waitFor } from './ingest-fixtures.js';

let broker: Mosquitto;
let dir: string;
const cleanup: (() => Promise<void>)[] = [];
let n = 0;

beforeAll(async () => {
  broker = await startMosquitto();
  dir = mkdtempSync(join(tmpdir(), 'tk-ops-'));
});

afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

interface OpsMessage {
  readonly topic: string;
  readonly body: unknown;
  readonly retain: boolean;
}

/** A dashboard: everything under the operator's ops/ tree, in order. */
class Dashboard {
  readonly messages: OpsMessage[] = [];
  readonly #operator: string;

  constructor(client: MqttClient, operator: string) {
    this.#operator = operator;
    client.on('message', (topic, payload, packet) => this.messages.push({ topic, body: JSON.parse(payload.toString()), retain: packet.retain }));
  }

  static async open(operator: string): Promise<Dashboard> {
    const client = await connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    cleanup.push(() => client.endAsync(true));
    const d = new Dashboard(client, operator);
    await client.subscribeAsync(`tk/v1/${operator}/ops/#`, { qos: 1 });
    return d;
  }

  on<T>(...leaf: string[]): T[] {
    const topic = opsTopic(this.#operator, ...leaf);
    return this.messages.filter((m) => m.topic === topic).map((m) => m.body as T);
  }

  alerts(type: string, validator: string): Alert[] {
    return this.on<Alert>('alerts').filter((a) => a.type === type && a.validator === validator);
  }

  async waitForAlert(type: string, validator: string, active: boolean): Promise<Alert> {
    await waitFor(() => this.alerts(type, validator).some((a) => a.active === active), `${type} alert for ${validator} to be ${active ? 'raised' : 'cleared'}`);
    return this.alerts(type, validator).find((a) => a.active === active)!;
  }
}

interface Fixture {
  operator: string;
  monitor: OpsMonitor;
  dashboard: Dashboard;
  clock: { now: number };
  log: string[];
}

async function fixture(options: Partial<ConstructorParameters<typeof OpsMonitor>[0]> = {}): Promise<Fixture> {
  const operator = `OPS${++n}`;
  const clock = { now: Date.UTC(2026, 11, 1, 2, 0) };
  const log: string[] = [];
  const dashboard = await Dashboard.open(operator);
  const monitor = new OpsMonitor({
    brokerUrl: broker.url, operator, now: () => clock.now, tickMs: 0, utcOffsetMinutes: 480, log: (l) => log.push(l), ...options,
  });
  cleanup.push(() => monitor.close());
  await monitor.start();
  return { operator, monitor, dashboard, clock, log };
}

async function withIngest(f: Fixture): Promise<SqliteBoardingStore> {
  const store = new SqliteBoardingStore(join(dir, `ops-${n}.sqlite`));
  cleanup.push(() => store.close());
  const ingest = new IngestService({ brokerUrl: broker.url, store, operator: f.operator, onStored: f.monitor.onStored, now: () => f.clock.now });
  cleanup.push(() => ingest.close());
  await ingest.start();
  return store;
}

async function validator(f: Fixture, id: string): Promise<ValidatorDouble> {
  const v = await ValidatorDouble.connect(broker.url, id, {}, f.operator);
  cleanup.push(() => v.close());
  return v;
}

function tele(ts: number, overrides: Partial<Telemetry> = {}): Telemetry {
  return {
    ts, uptime: 3600, session: 1, accepted: 10, rejected: {}, repeats: 0, backlog: 5, logUsed: 100, logCapacity: 1000, logFull: false,
    notStored: 0, clockSource: 'network', clockOffset: 120, heap: null, config: { trust: 1, deny: 1, trips: 1 }, trip: 'K101-0830',
    sync: { sent: 1, acked: 1, reconnects: 0, malformed: 0 }, ...overrides,
  };
}

describe('ops monitor', () => {
  it('publishes a lean feed of newly stored records, and counts them in the summary', async () => {
    const f = await fixture();
    await withIngest(f);
    const v = await validator(f, 'V1');
    const batches = batchesOf(2, 7); // seqs 7 and 14 are rejections (BAD_SIGNATURE)
    for (const b of batches) await v.send(b);
    await v.waitForAck(14);
    await v.send(batches[0]); // a redelivery adds nothing to the feed or the counts
    await v.waitForAcks(3);

    await waitFor(() => f.dashboard.on('feed').length === 2, 'two feed messages');
    const feed = f.dashboard.on<FeedMessage>('feed');
    expect(feed[0].validator).toBe('V1');
    expect(feed[0].records[0]).toEqual({
      seq: 1, time: record(1).time, decision: 'accept', reason: 'ACCEPTED', trip: 'K101-0830', serviceDate: 20261201, passengers: 1, override: 0,
    });
    expect(feed[0].records[6]).toMatchObject({ seq: 7, decision: 'reject', reason: 'BAD_SIGNATURE' });
    expect(JSON.stringify(feed)).not.toMatch(/ticket|hash/i);

    f.clock.now += 1500;
    f.monitor.tick();
    await waitFor(() => f.dashboard.on<Summary>('summary').some((s) => s.boardings.total === 14), 'the summary to count 14 boardings');
    const summary = f.dashboard.on<Summary>('summary').at(-1)!;
    expect(summary).toMatchObject({ boardings: { total: 14, accepted: 12, rejected: 2 }, rejectedByReason: { BAD_SIGNATURE: 2 } });
    await waitFor(() => f.dashboard.on<ValidatorStatus>('validators', 'V1').some((s) => s.boardingsToday === 12), 'V1 to have 12 boardings today');
    expect(f.monitor.summary(f.operator)?.boardings.total).toBe(14);
  });

  it('raises offline from a real Last Will and clears it when the validator is back', async () => {
    const f = await fixture();
    const stateTopic = validatorTopic(f.operator, 'V2', ValidatorTopic.STATE);
    const state = (online: boolean, session: number) => toBuffer(encodeState({ online, session, fw: '0.1.0', trip: 'K101-0830', ts: f.clock.now }));
    const device = await connectAsync(broker.url, {
      protocolVersion: 4, reconnectPeriod: 0, clientId: 'will-V2',
      will: { topic: stateTopic, payload: state(false, 1), qos: 1, retain: true },
    });
    await device.publishAsync(stateTopic, state(true, 1), { qos: 1, retain: true });
    await waitFor(() => f.monitor.status(f.operator, 'V2')?.online === true, 'V2 online');

    device.stream.destroy(); // the network drops: no DISCONNECT, so the broker sends the will
    const raised = await f.dashboard.waitForAlert(AlertType.OFFLINE, 'V2', true);
    expect(raised).toMatchObject({ id: 'offline/V2', severity: 'warning', active: true });
    await waitFor(() => f.dashboard.on<Alert[]>('alerts', 'active').at(-1)?.some((a) => a.id === 'offline/V2') === true, 'the active list');
    device.end(true);

    const back = await connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0, clientId: 'will-V2' });
    cleanup.push(() => back.endAsync(true));
    await back.publishAsync(stateTopic, state(true, 2), { qos: 1, retain: true });
    await f.dashboard.waitForAlert(AlertType.OFFLINE, 'V2', false);
    await waitFor(() => f.dashboard.on<Alert[]>('alerts', 'active').at(-1)?.length === 0, 'an empty active list');
    expect(f.dashboard.alerts(AlertType.OFFLINE, 'V2').map((a) => a.active)).toEqual([true, false]);
    expect(f.dashboard.messages.find((m) => m.topic.endsWith('/ops/alerts'))?.retain).toBe(false);
  });

  it('ignores a will from an earlier session that arrives after the reconnect', async () => {
    const f = await fixture();
    const v = await validator(f, 'V3');
    const topic = validatorTopic(f.operator, 'V3', ValidatorTopic.STATE);
    await v.publish(topic, encodeState({ online: true, session: 5, fw: '0.1.0', ts: f.clock.now }));
    await v.publish(topic, encodeState({ online: false, session: 4, fw: '0.1.0', ts: f.clock.now }));
    await v.publish(topic, encodeState({ online: true, session: 5, fw: '0.1.1', ts: f.clock.now }));
    await waitFor(() => f.monitor.status(f.operator, 'V3')?.fw === '0.1.1', 'the last state');
    expect(f.monitor.activeAlerts(f.operator)).toEqual([]);
  });

  it('raises log-nearly-full and clock-drift from telemetry, once, and clears them', async () => {
    const f = await fixture();
    const v = await validator(f, 'V4');
    const teleTopic = validatorTopic(f.operator, 'V4', ValidatorTopic.TELE);
    await v.publish(teleTopic, encodeTelemetry(tele(f.clock.now, { logUsed: 850, backlog: 850 })));
    await v.publish(teleTopic, encodeTelemetry(tele(f.clock.now, { logUsed: 900, backlog: 900 })));
    const full = await f.dashboard.waitForAlert(AlertType.LOG_NEARLY_FULL, 'V4', true);
    expect(full.message).toContain('85%');

    await v.publish(teleTopic, encodeTelemetry(tele(f.clock.now - 5 * 60_000, { logUsed: 900 })));
    const drift = await f.dashboard.waitForAlert(AlertType.CLOCK_DRIFT, 'V4', true);
    expect(drift.message).toContain('300 s');
    // The clock offset the validator reports from its acks counts too.
    await v.publish(teleTopic, encodeTelemetry(tele(f.clock.now, { logUsed: 900, clockOffset: -90_000 })));

    await v.publish(teleTopic, encodeTelemetry(tele(f.clock.now, { logUsed: 100, backlog: 3 })));
    await f.dashboard.waitForAlert(AlertType.LOG_NEARLY_FULL, 'V4', false);
    await f.dashboard.waitForAlert(AlertType.CLOCK_DRIFT, 'V4', false);
    expect(f.dashboard.alerts(AlertType.LOG_NEARLY_FULL, 'V4').map((a) => a.active)).toEqual([true, false]);
    expect(f.dashboard.alerts(AlertType.CLOCK_DRIFT, 'V4').map((a) => a.active)).toEqual([true, false]);

    await v.publish(teleTopic, encodeTelemetry(tele(f.clock.now, { logUsed: 1000, logFull: true })));
    expect((await f.dashboard.waitForAlert(AlertType.LOG_NEARLY_FULL, 'V4', true)).severity).toBe('warning');
    await waitFor(() => f.dashboard.alerts(AlertType.LOG_NEARLY_FULL, 'V4').length === 3, 'the second raise');
    expect(f.dashboard.alerts(AlertType.LOG_NEARLY_FULL, 'V4')[2]).toMatchObject({ active: true, severity: 'critical' });
  });

  it('raises offline for a validator not heard from, on a tick', async () => {
    const f = await fixture({ offlineAfterMs: 60_000 });
    const v = await validator(f, 'V5');
    const teleTopic = validatorTopic(f.operator, 'V5', ValidatorTopic.TELE);
    await v.publish(teleTopic, encodeTelemetry(tele(f.clock.now)));
    await waitFor(() => f.monitor.status(f.operator, 'V5')?.online === true, 'V5 seen');
    f.clock.now += 59_000;
    f.monitor.tick();
    expect(f.monitor.activeAlerts(f.operator)).toEqual([]);
    f.clock.now += 2000;
    f.monitor.tick();
    const raised = await f.dashboard.waitForAlert(AlertType.OFFLINE, 'V5', true);
    expect(raised.message).toContain('61 s');
    await waitFor(() => f.dashboard.on<ValidatorStatus>('validators', 'V5').at(-1)?.online === false, 'the status to say offline');

    await v.publish(teleTopic, encodeTelemetry(tele(f.clock.now)));
    await f.dashboard.waitForAlert(AlertType.OFFLINE, 'V5', false);
  });

  it('raises config-rejected per document kind and clears it when a version is applied', async () => {
    const f = await fixture();
    const v = await validator(f, 'V6');
    const topic = validatorTopic(f.operator, 'V6', ValidatorTopic.CONFIG_EVENT);
    await v.publish(topic, encodeConfigEvent({ kind: 'trust', outcome: 'rejected', version: 3, error: 'ROLLBACK', ts: f.clock.now }));
    const raised = await f.dashboard.waitForAlert(AlertType.CONFIG_REJECTED, 'V6', true);
    expect(raised).toMatchObject({ id: 'config-rejected/V6/trust', severity: 'critical' });
    expect(raised.message).toContain('ROLLBACK');
    await v.publish(topic, encodeConfigEvent({ kind: 'trust', outcome: 'applied', version: 4, ts: f.clock.now }));
    await f.dashboard.waitForAlert(AlertType.CONFIG_REJECTED, 'V6', false);
    await waitFor(() => f.monitor.status(f.operator, 'V6')?.config?.trust === 4, 'the held version');
  });

  it('keeps a retained status per validator and a summary of the fleet, at most once a second', async () => {
    const f = await fixture();
    const v = await validator(f, 'V7');
    const w = await validator(f, 'V8');
    await v.publish(validatorTopic(f.operator, 'V7', ValidatorTopic.STATE), encodeState({ online: true, session: 3, fw: '0.2.0', trip: 'K101-0830', ts: f.clock.now }));
    await v.publish(validatorTopic(f.operator, 'V7', ValidatorTopic.TELE), encodeTelemetry(tele(f.clock.now, { backlog: 40 })));
    await w.publish(validatorTopic(f.operator, 'V8', ValidatorTopic.STATE), encodeState({ online: false, session: 9, fw: '0.2.0', ts: f.clock.now }));
    await waitFor(() => f.monitor.summary(f.operator)?.validators.total === 2, 'two validators known');
    // Several changes inside one second: the first was published at once, the rest wait for a tick.
    await waitFor(() => f.dashboard.on<Summary>('summary').length >= 1, 'the first summary');
    f.clock.now += 1000;
    f.monitor.tick();
    await waitFor(() => f.dashboard.on<Summary>('summary').some((s) => s.backlog === 40), 'the held-back summary');
    // One connection publishes in order: anything published before the tick has arrived by now.
    const summaries = f.dashboard.on<Summary>('summary');
    expect(summaries).toHaveLength(2);
    expect(summaries[0].validators.total).toBe(1);
    expect(summaries[1]).toMatchObject({ validators: { total: 2, online: 1 }, boardings: { total: 0 }, backlog: 40 });
    await waitFor(() => f.dashboard.on<ValidatorStatus>('validators', 'V7').some((s) => s.backlog === 40), 'V7 status with telemetry');
    expect(f.dashboard.on<ValidatorStatus>('validators', 'V7').at(-1)).toMatchObject({
      online: true, session: 3, fw: '0.2.0', trip: 'K101-0830', logUsed: 100, logCapacity: 1000, clockOffset: 120, config: { trust: 1, deny: 1, trips: 1 },
    });
    expect(f.dashboard.messages.filter((m) => m.topic.endsWith('/summary')).every((m) => m.retain === false)).toBe(true);

    // A dashboard that connects now gets the retained copies.
    const late = await Dashboard.open(f.operator);
    await waitFor(() => late.on('summary').length === 1 && late.on('validators', 'V7').length === 1, 'retained summary and status');
    expect(late.messages.every((m) => m.retain)).toBe(true);
  });

  it('counts malformed state, telemetry and config events, and keeps working', async () => {
    const f = await fixture();
    const v = await validator(f, 'V9');
    await v.publish(validatorTopic(f.operator, 'V9', ValidatorTopic.STATE), 'not json');
    await v.publish(validatorTopic(f.operator, 'V9', ValidatorTopic.STATE), JSON.stringify({ online: 'yes', session: 1, fw: 'x', ts: 1 }));
    await v.publish(validatorTopic(f.operator, 'V9', ValidatorTopic.TELE), JSON.stringify({ ts: -1 }));
    await v.publish(validatorTopic(f.operator, 'V9', ValidatorTopic.TELE), new Uint8Array(100_000).fill(0x20));
    await v.publish(validatorTopic(f.operator, 'V9', ValidatorTopic.CONFIG_EVENT), '[1,2]');
    await v.publish(`tk/v1/${f.operator}/cfg/state`, '{}');
    await waitFor(() => f.monitor.stats.malformed === 6, `6 malformed (${JSON.stringify(f.monitor.stats)})`);
    expect(f.monitor.stats.malformedByKind).toEqual({ state: 2, tele: 2, 'evt/config': 1, TOPIC: 1 });
    expect(f.log.filter((l) => l.startsWith('ignored'))).toHaveLength(6);

    await v.publish(validatorTopic(f.operator, 'V9', ValidatorTopic.TELE), encodeTelemetry(tele(f.clock.now)));
    await waitFor(() => f.monitor.status(f.operator, 'V9')?.online === true, 'good telemetry after bad');
  });

  it('counts boardings today by the records\' own day, and starts again at midnight', async () => {
    const f = await fixture();
    const store = await withIngest(f);
    const v = await validator(f, 'V10');
    // 2026-12-01 10:00 Beijing time; one record from the evening before, one group of 3, one override.
    f.clock.now = Date.UTC(2026, 11, 1, 2, 0);
    const yesterday = Date.UTC(2026, 10, 30, 12, 0) / 1000;
    const batch = makeBatch({ acked: 0, fromSeq: 1, toSeq: 4 });
    const records = [
      { ...batch.records[0], time: yesterday },
      { ...batch.records[1], passengers: 3 },
      { ...batch.records[2], decision: 'reject' as const, reason: REASONS.WRONG_TRIP.id, override: 1 },
      { ...batch.records[3], decision: 'reject' as const, reason: REASONS.EXPIRED.id },
    ];
    await v.send({ ...batch, records });
    await v.waitForAck(4);
    expect(await store.count({ operator: f.operator })).toBe(4);
    await waitFor(() => f.monitor.status(f.operator, 'V10')?.boardingsToday === 4, '4 passengers today');

    f.clock.now = Date.UTC(2026, 11, 1, 16, 0); // 00:00 on 12-02 in Beijing
    f.monitor.tick();
    expect(f.monitor.status(f.operator, 'V10')?.boardingsToday).toBe(0);
    await waitFor(() => f.dashboard.on<ValidatorStatus>('validators', 'V10').at(-1)?.boardingsToday === 0, 'the new day published');
  });
});
