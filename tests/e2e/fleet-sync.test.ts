/**
 * The whole sync, end to end, against SQLite and PostgreSQL: simulated
 * validators (the unchanged firmware, in real time) publish through a real
 * Mosquitto to the real ingest service, which stores into a real database
 * and acks. The faults are injected on the way. Every test ends with
 * the same check (expectExactlyOnce): each validator's flash log and the
 * database hold the same records, each (validator, log, seq) in one row;
 * every log is wholly acknowledged; and once quiet, no validator publishes
 * again, so none still resends a record that was acknowledged.
 */
import { randomBytes } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { IngestService, openBoardingStore, type BoardingStore, type IngestOptions, type StoredBoarding } from '../../fleet/ingest/index.js';
import type { BoardingRecord } from '../../firmware/log/boarding-log.js';
import type { SyncSettings } from '../../firmware/sync/sync-service.js';
import { Decision, REASONS, ValidatorTopic, bytesToHex, decodeBoardingBatch, validatorTopic, type Ack } from '../../protocol/index.js';
import { RealtimePump } from '../../simulator/host/realtime.js';
import { SimMqttClient } from '../../simulator/network/mqtt-client.js';
import { SimNetwork } from '../../simulator/network/sim-network.js';
import type { SimulatedValidator } from '../../simulator/validator/sim-validator.js';
import { DB_KINDS, Databases, waitFor } from '../fleet/ingest-fixtures.js';
import { boardingKeyCounts } from '../support/boarding-key-counts.js';
import { flashLogRecords } from '../support/flash-log-records.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { WireObserver } from '../support/wire-observer.js';
import { FAST_SYNC, NOW, OPERATOR, PROVISIONING, TRIP, forged, passenger, validator } from './fixtures.js';

let broker: Mosquitto;
const pump = new RealtimePump({ intervalMs: 5 });

beforeAll(async () => {
  broker = await startMosquitto();
  pump.start();
});

afterAll(async () => {
  pump.stop();
  await broker?.close();
});

/** Long enough for a batch already on its way to land, then for a resend that should not happen to show. */
const SETTLE_MS = 200;
const QUIET_MS = 500;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Syncing {
  readonly v: SimulatedValidator;
  readonly id: string;
}

/** The fields a record keeps from flash to the database. */
function fields(r: BoardingRecord | StoredBoarding) {
  const ticket = 'ticketHash' in r ? r.ticketHash : r.ticket;
  return {
    seq: r.seq,
    time: r.time,
    ticket: ticket ? bytesToHex(ticket) : null,
    trip: r.trip ?? null,
    serviceDate: r.serviceDate ?? null,
    decision: r.decision,
    reason: r.reason,
    override: r.override,
    passengers: r.passengers,
  };
}

/** Records straight into the log, for volume: a mix of accepts and rejects, groups, tickets. */
function appendBoardings(v: SimulatedValidator, count: number): void {
  for (let i = 0; i < count; i++) {
    const rejected = i % 5 === 4;
    const record = v.log.append({
      time: NOW + 60 + i,
      ticket: randomBytes(8),
      trip: TRIP.id,
      serviceDate: TRIP.serviceDate,
      decision: rejected ? Decision.REJECT : Decision.ACCEPT,
      reason: rejected ? REASONS.BAD_SIGNATURE.id : REASONS.ACCEPTED.id,
      override: 0,
      passengers: rejected ? 1 : 1 + (i % 4),
    });
    expect(record).toBeDefined();
  }
  v.sync?.syncNow();
}

/** Passengers hold up their tickets, one in six forged. */
function scanPassengers(v: SimulatedValidator, count: number): void {
  for (let i = 0; i < count; i++) {
    const text = i % 6 === 5 ? forged(passenger().qrText) : passenger().qrText;
    expect(v.scan(text).record).toBeDefined();
  }
}

describe.each(DB_KINDS)('validators through Mosquitto into %s', (kind) => {
  const dbs = new Databases(kind);
  const cleanup: (() => unknown)[] = [];
  let tests = 0;
  let ids = 0;
  let target: string;
  let store: BoardingStore;
  let wire: WireObserver;
  let services: IngestService[];
  let serviceLogs: string[];

  beforeAll(async () => {
    await dbs.start();
  }, 60_000);

  afterAll(async () => {
    await dbs.close();
  });

  beforeEach(async () => {
    tests++;
    services = [];
    serviceLogs = [];
    target = await dbs.fresh();
    store = await openStore();
    wire = await WireObserver.connect(broker.url);
    cleanup.push(() => wire.close());
  });

  afterEach(async () => {
    // Last made, first closed: validators, then services, then the stores they write to.
    for (const close of cleanup.splice(0).reverse()) await close();
  });

  async function openStore(): Promise<BoardingStore> {
    const s = await openBoardingStore(target);
    cleanup.push(() => s.close());
    return s;
  }

  /** An ingest service on this test's database and share group, started. */
  async function ingest(options: Partial<IngestOptions> = {}): Promise<IngestService> {
    const service = new IngestService({
      brokerUrl: broker.url,
      store,
      group: `fleet-sync-${tests}`,
      operator: OPERATOR,
      log: (line) => serviceLogs.push(line),
      ...options,
    });
    cleanup.push(() => service.close());
    services.push(service);
    await service.start();
    return service;
  }

  /** A validator syncing through the broker, its loop run by the pump. */
  function syncing(options: { settings?: Partial<SyncSettings>; network?: SimNetwork } = {}): Syncing {
    const id = `${kind}-${process.pid}-${++ids}`;
    const v = validator({
      seed: ids,
      provisioning: { ...PROVISIONING, validatorId: id },
      sync: { client: SimMqttClient, port: broker.port, network: options.network ?? new SimNetwork(), settings: { ...FAST_SYNC, ...options.settings } },
    });
    pump.add(v.loop);
    cleanup.push(() => {
      pump.remove(v.loop);
      v.shutdown();
    });
    return { v, id };
  }

  function fleet(count: number, options: Parameters<typeof syncing>[0] = {}): Syncing[] {
    return Array.from({ length: count }, () => syncing(options));
  }

  const allOnline = (vs: readonly Syncing[]) => () => vs.every(({ v }) => v.sync?.state() === 'online');
  const allOffline = (vs: readonly Syncing[]) => () => vs.every(({ v }) => v.sync?.state() !== 'online');

  /**
   * The check every test ends with: for each validator, the database holds
   * exactly the records its flash holds, each key in one row, and its log is
   * wholly acknowledged; then nothing more is published.
   */
  async function expectExactlyOnce(vs: readonly Syncing[]): Promise<void> {
    await pump.until(() => vs.every(({ v }) => v.log.status().unacked === 0), 40_000).catch((e: Error) => {
      const left = vs.map(({ id, v }) => `${id}: ${v.log.status().unacked} unacked`).join(', ');
      throw new Error(`${e.message} (${left}); ingest said: ${serviceLogs.slice(-10).join(' | ')}`);
    });
    const keys = await boardingKeyCounts(target);
    let total = 0;
    for (const { v, id } of vs) {
      const status = v.log.status();
      const onFlash = flashLogRecords(v.flash, v.board.flash.log);
      expect(onFlash.length, `${id} has records`).toBeGreaterThan(0);
      total += onFlash.length;
      expect(status.unacked).toBe(0);
      expect(status.ackedSeq).toBe(onFlash[onFlash.length - 1].seq);

      const stored = await store.boardings(OPERATOR, id);
      expect(stored.every((r) => r.log === status.logId), `${id}: one log`).toBe(true);
      expect(stored.map(fields), `${id}: the database holds what flash holds`).toEqual(onFlash.map(fields));
      const rows = keys.filter((k) => k.operator === OPERATOR && k.validator === id);
      expect(rows.map((k) => [k.log, k.seq, k.rows])).toEqual(onFlash.map((r) => [status.logId, r.seq, 1]));
      expect(await store.ackedThrough(OPERATOR, id, status.logId)).toBe(status.ackedSeq);
    }
    expect(keys).toHaveLength(total);

    // Quiet: whatever was on its way has landed; from now on nobody publishes a batch.
    await sleep(SETTLE_MS);
    const sent = () => vs.map(({ v, id }) => [id, v.sync?.stats.outbox.batchesSent, wire.batches(id).length]);
    const before = sent();
    await sleep(QUIET_MS);
    expect(sent(), 'batches published after everything was acknowledged').toEqual(before);

    expect(wire.errors).toEqual([]);
    for (const s of services) expect(s.stats).toMatchObject({ malformed: 0, storeErrors: 0 });
  }

  test('happy path: five validators, every boarding stored once, acks reclaim the flash', async () => {
    const vs = fleet(5);
    const service = await ingest();
    await pump.until(allOnline(vs));
    for (const { v } of vs) scanPassengers(v, 7);
    for (const { v } of vs) appendBoardings(v, 40);
    await expectExactlyOnce(vs);
    expect(service.stats.records).toBe(5 * 47);
    for (const { v } of vs) expect(v.log.status().ackedSeq).toBe(v.log.status().nextSeq - 1);
  });

  test('the broker stops mid-batch and comes back: batches lost meanwhile go again', async () => {
    // A short ack timeout: batches the broker took while the ingest was resubscribing are resent soon.
    const vs = fleet(3, { settings: { outbox: { batchSize: 5, maxInFlight: 2, ackTimeoutMs: 1000 } } });
    await ingest();
    await pump.until(allOnline(vs));
    try {
      for (const { v } of vs) scanPassengers(v, 20);
      await pump.until(() => vs.every(({ id }) => wire.batches(id).length > 0));
      await broker.stop();
      await pump.until(allOffline(vs));
      for (const { v } of vs) scanPassengers(v, 10);
    } finally {
      await broker.start();
    }
    await expectExactlyOnce(vs);
    for (const { v } of vs) expect(v.sync!.stats.connects).toBeGreaterThanOrEqual(2);
  });

  test('the network drops under the validators mid-stream: they come back and nothing is lost', async () => {
    const network = new SimNetwork();
    const vs = fleet(3, { network, settings: { outbox: { batchSize: 5, maxInFlight: 4 } } });
    await ingest();
    await pump.until(allOnline(vs));
    for (const { v } of vs) scanPassengers(v, 20);
    await pump.until(() => vs.every(({ id }) => wire.batches(id).length > 0));
    expect(network.drop()).toBeGreaterThan(0);
    // Out of coverage for a while, still boarding passengers.
    network.down();
    await pump.until(allOffline(vs));
    for (const { v } of vs) scanPassengers(v, 5);
    await sleep(300);
    network.up();
    await expectExactlyOnce(vs);
    for (const { v } of vs) expect(v.sync!.stats.connects).toBeGreaterThanOrEqual(2);
  });

  test('power cut mid-publish: the records survive in flash and arrive once after the reboot', async () => {
    const vs = fleet(3, { settings: { outbox: { batchSize: 5, maxInFlight: 4 } } });
    await ingest();
    await pump.until(allOnline(vs));
    for (const { v } of vs) scanPassengers(v, 15);
    // Batches are on their way as the battery goes.
    for (const { v } of vs) v.powerCycle();
    for (const { v, id } of vs) {
      const decided = v.events.map((e) => e.record!);
      expect(flashLogRecords(v.flash, v.board.flash.log).map(fields), `${id} kept its records`).toEqual(decided.map(fields));
      expect(v.log.status().nextSeq).toBe(decided[decided.length - 1].seq + 1);
    }
    for (const { v } of vs) scanPassengers(v, 5);
    await expectExactlyOnce(vs);
  });

  test('the ingest dies after storing, before acking: a new one takes the resends, each record stays once', async () => {
    const vs = fleet(2, { settings: { outbox: { batchSize: 5, maxInFlight: 4, ackTimeoutMs: 1000 } } });
    // The first ingest process, with its own connection to the database.
    const doomedStore = await openBoardingStore(target);
    cleanup.push(() => doomedStore.close());
    let killedAt = 0;
    const doomed: IngestService = await ingest({
      store: doomedStore,
      // Not awaited: close() waits for the batch being handled, which is this one.
      beforeAck: () => {
        killedAt ||= Date.now();
        void doomed.close();
      },
    });
    await pump.until(allOnline(vs));
    for (const { v } of vs) scanPassengers(v, 10);
    await waitFor(() => killedAt > 0, 'the first batch to be stored');
    await doomed.close();
    await doomedStore.close();
    expect(doomed.stats.batches).toBeGreaterThan(0);
    expect(doomed.stats.acks).toBe(0);
    const storedBefore = await store.count({ operator: OPERATOR });
    expect(storedBefore).toBe(doomed.stats.records);
    expect(storedBefore).toBeGreaterThan(0);
    for (const { v } of vs) expect(v.log.status().ackedSeq).toBe(0);

    // Only the validators' ack timeouts bring the records to the new ingest: they resend from what was acknowledged.
    const next = await ingest();
    await pump.until(() => vs.every(({ v }) => v.log.status().unacked === 0), 30_000);
    expect(next.stats.duplicates).toBeGreaterThan(0);
    for (const { v } of vs) expect(v.sync!.stats.outbox.resends).toBeGreaterThan(0);
    for (const { v } of vs) scanPassengers(v, 5);
    await expectExactlyOnce(vs);
  });

  test('duplicated and reordered deliveries: each record stored once, acks only over contiguous stored ranges', async () => {
    const [replayed] = fleet(1, { settings: { outbox: { batchSize: 5, maxInFlight: 4, ackTimeoutMs: 30_000 } } });
    const topic = validatorTopic(OPERATOR, replayed.id, ValidatorTopic.BOARDING);

    // Every ack is checked against the database as it is seen: all it covers must be stored by then.
    const uncovered: string[] = [];
    const checks: Promise<void>[] = [];
    const acks = await WireObserver.connect(broker.url, {
      onAck(id, ack: Ack) {
        checks.push((async () => {
          const seqs = new Set((await store.boardings(OPERATOR, id, ack.log)).map((r) => r.seq));
          for (let seq = 1; seq <= ack.upToSeq; seq++) if (!seqs.has(seq)) return void uncovered.push(`${id} acked through ${ack.upToSeq} without seq ${seq}`);
        })());
      },
    });
    cleanup.push(() => acks.close());

    // A plain client that keeps a copy of the validator's batches (not of its own publishes) and plays them back.
    const capturer = await connectAsync(broker.url, { protocolVersion: 5, clientId: `capturer-${tests}`, reconnectPeriod: 0 });
    cleanup.push(() => capturer.endAsync(true));
    const captured: Buffer[] = [];
    capturer.on('message', (_topic, payload) => captured.push(Buffer.from(payload)));
    await capturer.subscribeAsync(topic, { qos: 1, nl: true });
    const replay = async (payloads: readonly Buffer[]) => {
      for (let round = 0; round < 2; round++) for (const p of [...payloads].reverse()) await capturer.publishAsync(topic, p, { qos: 1 });
    };

    // Before any ingest runs: the first window of batches goes out, and only the capturer keeps them.
    await pump.until(allOnline([replayed]));
    scanPassengers(replayed.v, 30);
    await pump.until(() => replayed.v.sync!.stats.outbox.inFlight === 4 && captured.length === 4);
    const firstWindow = captured.slice();

    // The ingest gets that window only as played back: last batch first, each twice.
    const service = await ingest();
    const plain = syncing();
    await replay(firstWindow);
    scanPassengers(plain.v, 10);
    await pump.until(() => replayed.v.log.status().unacked === 0, 30_000);

    // Everything once more, reversed and twice, long after it was acknowledged.
    const all = captured.slice();
    const records = all.reduce((n, p) => n + decodeBoardingBatch(new Uint8Array(p)).records.length, 0);
    const duplicatesBefore = service.stats.duplicates;
    await replay(all);
    await waitFor(() => service.stats.duplicates >= duplicatesBefore + 2 * records, 'the replayed batches to be stored as duplicates');

    await expectExactlyOnce([replayed, plain]);
    await Promise.all(checks);
    expect(uncovered).toEqual([]);
    const seen = acks.acks(replayed.id);
    // The out-of-order copies came first: they were stored, and acknowledged no further than the gap below them.
    expect(seen.some((a) => a.upToSeq === 0)).toBe(true);
    const stored = (await store.boardings(OPERATOR, replayed.id)).map((r) => r.seq);
    expect(Math.max(...seen.map((a) => a.upToSeq))).toBeLessThanOrEqual(contiguousFromOne(stored));
    expect(replayed.v.log.status().ackedSeq).toBeLessThanOrEqual(contiguousFromOne(stored));
  });

  test('two ingest instances in one share group on one database: four validators, exactly once', async () => {
    const vs = fleet(4, { settings: { outbox: { batchSize: 10, maxInFlight: 4 } } });
    const a = await ingest();
    // The second process, with its own connection to the same database.
    const b = await ingest({ store: await openStore() });
    await pump.until(allOnline(vs));
    for (const { v } of vs) scanPassengers(v, 5);
    for (const { v } of vs) appendBoardings(v, 60);
    await expectExactlyOnce(vs);
    expect(a.stats.batches).toBeGreaterThan(0);
    expect(b.stats.batches).toBeGreaterThan(0);
    expect(a.stats.records + b.stats.records).toBe(4 * 65);
  });
});

/** Highest n such that 1..n are all in `seqs`. */
function contiguousFromOne(seqs: readonly number[]): number {
  const have = new Set(seqs);
  let n = 0;
  while (have.has(n + 1)) n++;
  return n;
}
