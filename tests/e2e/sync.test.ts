/**
 * The validator's sync over a real Mosquitto: the unchanged firmware
 * (SyncService) in the simulator, its MQTT client on a real TCP socket, and
 * a scripted back office on the `mqtt` package that acks only when a test
 * says so. Simulated loops run in real time (RealtimePump) while connected.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  CONFIG_TOPICS, Decision, REASONS, ValidatorTopic, operatorConfigTopic, utf8ToBytes, validatorConfigTopic, validatorTopic,
} from '../../protocol/index.js';
import { HOLDER_ID_HASH_LENGTH } from '../../protocol/ticket/claims.js';
import { RealtimePump } from '../../simulator/host/realtime.js';
import { SimMqttClient } from '../../simulator/network/mqtt-client.js';
import { SimNetwork } from '../../simulator/network/sim-network.js';
import type { SimulatedValidator } from '../../simulator/validator/sim-validator.js';
import type { SyncSettings } from '../../firmware/sync/sync-service.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { ScriptedBackOffice } from '../support/scripted-back-office.js';
import { FAST_SYNC, LATER_TRIP, NOW, OPERATOR, PROVISIONING, TRIP, denyDoc, forged, passenger, revokedTicket, tripsDoc, validator } from './fixtures.js';

let broker: Mosquitto;
let office: ScriptedBackOffice;
const pump = new RealtimePump({ intervalMs: 5 });
const running: SimulatedValidator[] = [];
let ids = 0;

beforeAll(async () => {
  broker = await startMosquitto();
  office = await ScriptedBackOffice.connect(broker.url, OPERATOR);
  pump.start();
});

afterEach(() => {
  expect(office.errors).toEqual([]);
  for (const v of running.splice(0)) {
    pump.remove(v.loop);
    v.shutdown();
  }
  office.autoAck = false;
});

afterAll(async () => {
  pump.stop();
  await office?.close();
  await broker?.close();
});

interface Syncing {
  readonly v: SimulatedValidator;
  readonly id: string;
  readonly network: SimNetwork;
}

function syncing(options: { settings?: Partial<SyncSettings>; network?: SimNetwork; maxChunk?: number; id?: string; pumped?: boolean } = {}): Syncing {
  const id = options.id ?? `V-${process.pid}-${++ids}`;
  const network = options.network ?? new SimNetwork();
  const v = validator({
    provisioning: { ...PROVISIONING, validatorId: id },
    sync: { client: SimMqttClient, port: broker.port, network, maxChunk: options.maxChunk, settings: { ...FAST_SYNC, ...options.settings } },
  });
  running.push(v);
  if (options.pumped !== false) pump.add(v.loop);
  return { v, id, network };
}

const online = (v: SimulatedValidator) => () => v.sync?.state() === 'online';
const lastBatch = (id: string) => office.batches.filter((b) => b.validator === id).map((b) => b.value).sort((a, b) => b.toSeq - a.toSeq)[0];
const statesOf = (id: string) => office.states.filter((s) => s.validator === id).map((s) => s.value);

describe('presence', () => {
  test('announces itself online with a session that rises on every connect; the broker announces it offline when it vanishes', async () => {
    const { v, id } = syncing();
    await pump.until(() => statesOf(id).some((s) => s.online));
    expect(statesOf(id)[0]).toMatchObject({ online: true, session: 1, trip: TRIP.id });

    // Battery pulled: no goodbye, so the broker publishes the Will.
    v.powerCycle();
    await pump.until(() => statesOf(id).some((s) => !s.online && s.session === 1));
    await pump.until(() => statesOf(id).some((s) => s.online && s.session === 2));

    // Orderly shutdown: the validator says so itself.
    v.reboot();
    await pump.until(() => statesOf(id).some((s) => !s.online && s.session === 2));
    await pump.until(() => statesOf(id).some((s) => s.online && s.session === 3));
    expect(v.app.status.uplink).toBe('online');
  });
});

describe('outbox', () => {
  test('boardings go out in a batch and leave the log only on the back office ack, not on PUBACK', async () => {
    const { v, id } = syncing();
    await pump.until(online(v));
    const alice = passenger();
    const events = [v.scan(alice.qrText), v.scan(forged(passenger().qrText)), v.scan(revokedTicket.qrText)];
    await pump.until(() => office.records(id).length === 3);
    const records = office.records(id);
    expect(records.map((r) => [r.decision, r.reason])).toEqual([
      [Decision.ACCEPT, REASONS.ACCEPTED.id],
      [Decision.REJECT, REASONS.BAD_SIGNATURE.id],
      [Decision.REJECT, REASONS.REVOKED.id],
    ]);
    expect(records.map((r) => r.seq)).toEqual(events.map((e) => e.record!.seq));
    expect(records[0]).toMatchObject({ trip: TRIP.id, serviceDate: TRIP.serviceDate, passengers: 1, ticket: events[0].record!.ticket });

    // The broker has had the batch for a while (PUBACK): still the validator's to keep.
    await new Promise((r) => setTimeout(r, 200));
    expect(v.log.status().unacked).toBe(3);
    expect(v.app.status.backlog).toBe(3);

    const batch = lastBatch(id);
    await office.ack(id, batch.toSeq, batch.log);
    await pump.until(() => v.log.status().unacked === 0);
    expect(v.log.status().ackedSeq).toBe(batch.toSeq);
    expect(v.app.status.backlog).toBe(0);
  });

  test('a long backlog goes in order with a bounded number of batches in flight', async () => {
    const { v, id } = syncing({ settings: { outbox: { batchSize: 50, maxInFlight: 2 } }, pumped: false });
    for (let i = 0; i < 400; i++) v.log.append({ time: 1_764_000_000 + i, decision: Decision.ACCEPT, reason: 0, override: 0, passengers: 1, trip: TRIP.id, serviceDate: TRIP.serviceDate });
    pump.add(v.loop);
    await pump.until(() => office.batches.filter((b) => b.validator === id).length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    // Nothing acked: the window is full.
    expect(office.batches.filter((b) => b.validator === id)).toHaveLength(2);

    office.autoAck = true;
    const second = lastBatch(id);
    await office.ack(id, second.toSeq, second.log);
    await pump.until(() => v.log.status().unacked === 0, 30_000);
    const batches = office.batches.filter((b) => b.validator === id).map((b) => b.value);
    // Each batch starts where the one before ended; every record arrived.
    for (let i = 1; i < batches.length; i++) expect(batches[i].fromSeq).toBe(batches[i - 1].toSeq + 1);
    expect(office.records(id)).toHaveLength(400);
    expect(batches.every((b) => b.records.length <= 50)).toBe(true);
  });

  test('without an ack the batch goes again after the ack timeout, from the acknowledged point', async () => {
    const { v, id } = syncing({ settings: { outbox: { ackTimeoutMs: 300 } } });
    await pump.until(online(v));
    v.log.append({ time: 1_764_000_000, decision: Decision.ACCEPT, reason: 0, override: 0, passengers: 1 });
    v.log.append({ time: 1_764_000_001, decision: Decision.ACCEPT, reason: 0, override: 0, passengers: 1 });
    v.sync!.syncNow();
    const [first, second] = [v.log.status().nextSeq - 2, v.log.status().nextSeq - 1];
    await pump.until(() => (office.deliveries(id).get(first) ?? 0) >= 2 && (office.deliveries(id).get(second) ?? 0) >= 2);
    const batches = office.batches.filter((b) => b.validator === id).map((b) => b.value);
    // The second round speaks again for everything from the acknowledged point.
    expect(batches[1]).toMatchObject({ fromSeq: batches[0].fromSeq, acked: 0 });
    expect(v.log.status().unacked).toBe(2);
    await office.ack(id, second, batches[1].log);
    await pump.until(() => v.log.status().unacked === 0);
  });

  test('an ack for another log, beyond what was sent, or unreadable releases nothing', async () => {
    const { v, id } = syncing();
    await pump.until(online(v));
    v.scan(passenger().qrText);
    v.scan(passenger().qrText);
    await pump.until(() => office.records(id).length === 2);
    const { log, toSeq } = office.batches.find((b) => b.validator === id)!.value;
    const ackTopic = validatorTopic(OPERATOR, id, ValidatorTopic.ACK);
    const before = v.sync!.stats.malformed;
    await office.ack(id, toSeq, (log + 1) >>> 0);
    await office.ack(id, toSeq + 10, log);
    await office.publish(ackTopic, utf8ToBytes('{"upToSeq": "all"}'));
    await office.publish(ackTopic, utf8ToBytes('[1,2,3]'));
    await office.publish(ackTopic, new Uint8Array(20_000).fill(0x7b));
    await pump.until(() => v.sync!.stats.malformed >= before + 3);
    await pump.until(() => v.syncEvents.filter((e) => e.type === 'ack' && e.outcome !== 'advanced').length >= 2);
    expect(v.log.status().unacked).toBe(2);
    // Still a working validator.
    expect(v.scan(passenger().qrText).decision).toBe(Decision.ACCEPT);
    await office.ack(id, toSeq, log);
    await pump.until(() => v.log.status().ackedSeq === toSeq);
  });
});

describe('faults', () => {
  test('offline for days, the validator keeps validating; back in coverage the backlog drains', async () => {
    const network = new SimNetwork();
    network.down();
    // The device's own pace while out of coverage: a look at the outbox a second, retries at most a minute apart.
    const { v, id } = syncing({ network, pumped: false, settings: { flushIntervalMs: 1000, backoff: { initialMs: 1000, maxMs: 60_000 } } });
    // Three days in simulated time, out of coverage, boarding passengers now and then.
    for (let day = 0; day < 3; day++) {
      for (let i = 0; i < 5; i++) expect(v.scan(passenger({}, { exp: NOW + 5 * 86_400 }).qrText).decision).toBe(Decision.ACCEPT);
      v.run(86_400_000);
    }
    expect(v.app.status.uplink).toBe('offline');
    expect(v.log.status().unacked).toBe(15);
    // Kept trying, at least every minute, never gave up.
    expect(network.connects).toBeGreaterThan(3 * 24 * 60);

    office.autoAck = true;
    network.up();
    pump.add(v.loop);
    await pump.until(() => v.log.status().unacked === 0, 20_000);
    expect(office.records(id)).toHaveLength(15);
  });

  test('the broker stops mid-stream and comes back: the validator reconnects and nothing is lost', async () => {
    // Batches sent before the back office has resubscribed are lost to it: the ack timeout sends them again.
    const { v, id } = syncing({ settings: { outbox: { batchSize: 10, maxInFlight: 2, ackTimeoutMs: 1000 } } });
    await pump.until(online(v));
    office.autoAck = true;
    for (let i = 0; i < 30; i++) v.scan(passenger().qrText);
    await broker.stop();
    await pump.until(() => v.sync!.state() !== 'online');
    for (let i = 0; i < 30; i++) v.scan(passenger().qrText);
    await broker.start();
    await pump.until(() => v.log.status().unacked === 0, 30_000);
    expect(office.records(id)).toHaveLength(60);
    expect(v.sync!.stats.connects).toBeGreaterThanOrEqual(2);
  });

  test('the link drops under the validator mid-batch: it comes back and sends what was not acknowledged', async () => {
    const { v, id, network } = syncing({ settings: { outbox: { batchSize: 5, maxInFlight: 4 } } });
    await pump.until(online(v));
    for (let i = 0; i < 40; i++) v.scan(passenger().qrText);
    await pump.until(() => office.batches.some((b) => b.validator === id));
    network.drop();
    office.autoAck = true;
    await pump.until(() => v.log.status().unacked === 0, 30_000);
    expect(office.records(id)).toHaveLength(40);
  });
});

describe('configuration', () => {
  test('a newer signed document is applied and kept; older, forged and malformed ones are refused, the held one stays', async () => {
    const { v, id, network } = syncing();
    await pump.until(online(v));
    const topic = validatorConfigTopic(OPERATOR, id, 'deny');
    const eventsFor = () => office.configEvents.filter((e) => e.validator === id).map((e) => e.value);

    await office.publish(topic, denyDoc(5), true);
    await pump.until(() => v.app.status.configVersions.deny === 5);
    await pump.until(() => eventsFor().some((e) => e.outcome === 'applied' && e.version === 5));

    await office.publish(topic, denyDoc(3), true);
    const bad = denyDoc(9).slice();
    bad[bad.length - 1] ^= 1;
    await pump.until(() => eventsFor().some((e) => e.error === 'ROLLBACK'));
    await office.publish(topic, bad, true);
    await pump.until(() => eventsFor().some((e) => e.error === 'BAD_SIGNATURE'));
    await office.publish(topic, utf8ToBytes('not a document'), true);
    await pump.until(() => eventsFor().some((e) => e.error === 'MALFORMED'));
    expect(v.app.status.configVersions.deny).toBe(5);
    expect(eventsFor().filter((e) => e.outcome === 'rejected').every((e) => e.version === 5)).toBe(true);

    // Withdrawing the retained document (an empty message) is not a new document: nothing changes, nothing is reported.
    const reported = eventsFor().length;
    const malformed = v.sync!.stats.malformed;
    await office.clearRetained(topic);
    await office.command(id, 'ping', 'after-clear');
    await pump.until(() => office.responses.some((r) => r.value.reqId === 'after-clear'));
    expect(eventsFor()).toHaveLength(reported);
    expect(v.sync!.stats.malformed).toBe(malformed);
    expect(v.app.status.configVersions.deny).toBe(5);

    // After a reboot out of coverage, the validator decides with the copy it stored.
    network.down();
    pump.remove(v.loop);
    v.reboot();
    expect(v.app.status.configVersions.deny).toBe(5);
    expect(v.sync!.state()).not.toBe('online');
  });

  test('the operator-wide trip list reaches the validator, in fragments as the device client delivers, and a redelivery is not reported twice', async () => {
    const { v, id } = syncing({ maxChunk: 16 });
    const topic = operatorConfigTopic(OPERATOR, 'trips');
    await office.publish(topic, tripsDoc(7), true);
    try {
      await pump.until(() => v.app.status.configVersions.trips === 7);
      await pump.until(() => office.configEvents.some((e) => e.validator === id && e.value.kind === 'trips'));
      // A reconnect brings the retained copy again: no second check, no second event.
      const eventsBefore = office.configEvents.filter((e) => e.validator === id).length;
      v.sync!.syncNow();
      await broker.stop();
      await broker.start();
      await pump.until(() => v.sync!.stats.connects >= 2);
      await new Promise((r) => setTimeout(r, 300));
      expect(office.configEvents.filter((e) => e.validator === id)).toHaveLength(eventsBefore);
    } finally {
      await office.clearRetained(topic);
    }
    expect(CONFIG_TOPICS).toContain('trips');
  });
});

describe('commands', () => {
  test('ping, sync-now, set-trip and reboot are answered with their reqId; unknown and bad ones get an error', async () => {
    const { v, id } = syncing();
    await pump.until(online(v));
    const reply = async (name: string, reqId: string, args: object = {}) => {
      await office.command(id, name, reqId, args);
      await pump.until(() => office.responses.some((r) => r.value.reqId === reqId));
      return office.responses.find((r) => r.value.reqId === reqId)!.value;
    };
    expect(await reply('ping', 'p1')).toMatchObject({ ok: true, ts: expect.any(Number) });
    expect(await reply('sync-now', 's1')).toMatchObject({ ok: true, backlog: 0 });
    expect(await reply('set-trip', 't1', { trip: LATER_TRIP.id, serviceDate: LATER_TRIP.serviceDate })).toMatchObject({ ok: true });
    expect(v.app.status.trip?.id).toBe(LATER_TRIP.id);
    // Dashboards see the new trip in the retained state.
    await pump.until(() => statesOf(id).some((s) => s.online && s.trip === LATER_TRIP.id));
    expect(await reply('set-trip', 't2', { trip: 'NO-SUCH', serviceDate: LATER_TRIP.serviceDate })).toMatchObject({ ok: false, error: 'UNKNOWN_TRIP' });
    expect(await reply('set-trip', 't3', { trip: 42 })).toMatchObject({ ok: false, error: 'BAD_ARGUMENTS' });
    expect(await reply('self-destruct', 'x1')).toMatchObject({ ok: false, error: 'UNKNOWN_COMMAND' });

    const malformed = v.sync!.stats.malformed;
    await office.publish(`tk/v1/${OPERATOR}/${id}/cmd/ping`, utf8ToBytes('{"no": "reqId"}'));
    await pump.until(() => v.sync!.stats.malformed === malformed + 1);

    expect(await reply('reboot', 'r1')).toMatchObject({ ok: true });
    await pump.until(() => statesOf(id).some((s) => s.online && s.session === 2));
    expect(v.app.status.trip?.id).toBe(LATER_TRIP.id); // the chosen trip survives the restart
  });
});

describe('telemetry', () => {
  test('counters by reason, backlog, log use and clock offset at the configured interval, nothing about passengers', async () => {
    const { v, id } = syncing({ settings: { telemetryIntervalMs: 200 } });
    await pump.until(online(v));
    v.scan(passenger().qrText);
    v.scan(forged(passenger().qrText));
    v.scan(forged(passenger().qrText));
    await pump.until(() => office.records(id).length === 3);
    const batch = lastBatch(id);
    await office.ack(id, batch.toSeq, batch.log);
    await pump.until(() => office.tele.some((t) => t.validator === id && t.value.backlog === 0 && t.value.accepted === 1));
    const tele = office.tele.filter((t) => t.validator === id).pop()!.value;
    expect(tele).toMatchObject({
      accepted: 1,
      rejected: { BAD_SIGNATURE: 2 },
      backlog: 0,
      logUsed: 3,
      logFull: false,
      clockSource: 'network',
      config: { trust: 1, deny: 1, trips: 1 },
      trip: TRIP.id,
    });
    expect(tele.logCapacity).toBeGreaterThan(20_000);
    expect(typeof tele.clockOffset).toBe('number');
    expect(tele.sync.sent).toBeGreaterThanOrEqual(3);
  });
});

describe('privacy', () => {
  test('nothing the validator publishes carries the passenger name, ID characters or ID hash', async () => {
    const { v, id } = syncing({ settings: { telemetryIntervalMs: 100 } });
    await pump.until(online(v));
    const holder = { holderName: '欧*锋', holderId: '1101771X', holderIdHash: new Uint8Array(HOLDER_ID_HASH_LENGTH).fill(0x5c) };
    v.scan(passenger(holder).qrText);
    v.scan(forged(passenger(holder).qrText));
    await pump.until(() => office.records(id).length === 2 && office.tele.some((t) => t.validator === id && t.value.accepted === 1));
    const published = office.raw.filter((m) => m.topic.includes(`/${id}/`));
    const secrets = [utf8ToBytes('欧'), utf8ToBytes('锋'), utf8ToBytes('771X'), utf8ToBytes('1101'), holder.holderIdHash.slice(0, 8)];
    for (const { topic, bytes } of published) {
      for (const secret of secrets) expect(indexOf(bytes, secret), `${topic} holds passenger data`).toBe(-1);
    }
  });
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

describe('bad input', () => {
  test('garbage on every topic the validator reads is counted and dropped; the validator keeps working and keeps its records', async () => {
    const { v, id } = syncing();
    await pump.until(online(v));
    v.scan(passenger().qrText);
    await pump.until(() => office.records(id).length === 1);
    const garbage = [new Uint8Array([0xff, 0x00, 0x13]), utf8ToBytes('null'), utf8ToBytes('{"reqId": {"a": 1}}'), new Uint8Array(0)];
    const topics = [
      validatorTopic(OPERATOR, id, ValidatorTopic.ACK),
      `tk/v1/${OPERATOR}/${id}/cmd/ping`,
      `tk/v1/${OPERATOR}/${id}/cmd/set-trip`,
    ];
    const before = v.sync!.stats.malformed;
    for (const topic of topics) for (const bytes of garbage) await office.publish(topic, bytes);
    // Over the size limit for configuration.
    await office.publish(validatorConfigTopic(OPERATOR, id, 'trust'), new Uint8Array(200 * 1024).fill(0xa5));
    await pump.until(() => v.sync!.stats.malformed >= before + topics.length * garbage.length + 1, 10_000).catch((e) => {
      throw new Error(`${e.message}: ${JSON.stringify(v.syncEvents.filter((x) => x.type === 'malformed'))}`);
    });
    await office.publish(validatorConfigTopic(OPERATOR, id, 'trips'), new Uint8Array([0xd8, 0x12, 0x84]));
    await pump.until(() => office.configEvents.some((e) => e.validator === id && e.value.error === 'MALFORMED'));
    expect(v.app.status.configVersions).toEqual({ trust: 1, deny: 1, trips: 1 });
    expect(v.log.status().unacked).toBe(1);
    expect(v.scan(passenger().qrText).decision).toBe(Decision.ACCEPT);
    await office.ack(id, v.log.status().nextSeq - 1, v.log.status().logId);
    await pump.until(() => v.log.status().unacked === 0);
  });
});
