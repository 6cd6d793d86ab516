/**
 * The ingest service against a real Mosquitto and real databases (SQLite in
 * a temporary file, PostgreSQL started for this file): exactly once, acks
 * only through contiguous coverage, the fault cases, and malformed input.
 * The validator's side is the plain mqtt package publishing batches.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchKey, ValidatorTopic, encodeBoardingBatch, encodeCbor, intMap, validatorTopic, type BoardingBatch,
} from '../../protocol/index.js';
import { IngestService, MAX_BATCH_BYTES, openBoardingStore, type BoardingStore, type IngestOptions } from '../../fleet/ingest/index.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import {
  DB_KINDS, Databases, OP, ValidatorDouble, batchesOf, makeBatch, record, waitFor,
} from './ingest-fixtures.js';

let broker: Mosquitto;

beforeAll(async () => {
  broker = await startMosquitto();
});

afterAll(async () => {
  await broker?.close();
});

describe.each(DB_KINDS)('ingest into %s', (kind) => {
  const dbs = new Databases(kind);
  const cleanup: (() => Promise<void>)[] = [];
  let n = 0;

  beforeAll(async () => {
    await dbs.start();
  }, 60_000);

  afterAll(async () => {
    await dbs.close();
  });

  afterEach(async () => {
    // Last registered, first closed: services before the stores they write to.
    for (const close of cleanup.splice(0).reverse()) await close();
  });

  /** Unique validator ids per test, so tests never see each other's acks. */
  const vid = (name: string) => `${kind}-${++n}-${name}`;

  async function store(target?: string): Promise<{ store: BoardingStore; target: string }> {
    const t = target ?? (await dbs.fresh());
    const s = await openBoardingStore(t);
    cleanup.push(() => s.close());
    return { store: s, target: t };
  }

  async function ingest(s: BoardingStore, options: Partial<IngestOptions> = {}): Promise<{ service: IngestService; log: string[] }> {
    const log: string[] = [];
    const service = new IngestService({ brokerUrl: broker.url, store: s, log: (l) => log.push(l), ...options });
    cleanup.push(() => service.close());
    await service.start();
    return { service, log };
  }

  async function validator(name: string): Promise<ValidatorDouble> {
    const v = await ValidatorDouble.connect(broker.url, vid(name));
    cleanup.push(() => v.close());
    return v;
  }

  it('stores every record once, with its fields, and acknowledges each batch', async () => {
    const { store: s } = await store();
    const { service } = await ingest(s);
    const v = await validator('happy');
    const batches = batchesOf(3, 10);
    for (const b of batches) await v.send(b);
    await v.waitForAck(30);

    expect(v.acks.map((a) => a.upToSeq)).toEqual([10, 20, 30]);
    expect(v.acks.every((a) => a.log === 0xbeef && typeof a.ts === 'number')).toBe(true);
    const rows = await s.boardings(OP, v.id);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const want = record(7);
    expect(rows[6]).toMatchObject({
      operator: OP, validator: v.id, log: 0xbeef, seq: 7, time: want.time, trip: want.trip, serviceDate: want.serviceDate,
      decision: want.decision, reason: want.reason, override: 0, passengers: 1,
    });
    expect(rows[6].ticketHash).toEqual(want.ticket);
    expect(await s.count({ validator: v.id })).toBe(30);
    expect(await s.ackedThrough(OP, v.id, 0xbeef)).toBe(30);
    expect(service.stats).toMatchObject({ batches: 3, records: 30, duplicates: 0, malformed: 0, storeErrors: 0 });
    await waitFor(() => service.stats.acks === 3, 'three acks confirmed by the broker');
  });

  it('stores a duplicated delivery once and acknowledges it again', async () => {
    const { store: s } = await store();
    const { service } = await ingest(s);
    const v = await validator('dup');
    const [b1] = batchesOf(1, 5);
    await v.send(b1);
    await v.waitForAcks(1);
    await v.send(b1);
    await v.waitForAcks(2);

    expect(v.acks.map((a) => a.upToSeq)).toEqual([5, 5]);
    expect(await s.count({ validator: v.id })).toBe(5);
    expect(service.stats).toMatchObject({ batches: 2, records: 5, duplicates: 5 });
  });

  it('does not acknowledge past a batch that has not arrived yet', async () => {
    const { store: s } = await store();
    await ingest(s);
    const v = await validator('reorder');
    const [b1, b2, b3] = batchesOf(3, 10);
    await v.send(b3);
    await v.send(b2);
    await v.waitForAcks(2);
    expect(v.acks.map((a) => a.upToSeq)).toEqual([0, 0]);
    expect(await s.count({ validator: v.id })).toBe(20);

    await v.send(b1);
    await v.waitForAcks(3);
    expect(v.acks[2].upToSeq).toBe(30);
  });

  it('covers a range whose seqs a power cut spent without records', async () => {
    const { store: s } = await store();
    await ingest(s);
    const v = await validator('gaps');
    await v.send(makeBatch({ acked: 0, fromSeq: 1, toSeq: 10, seqs: [1, 2, 3, 5, 6, 10] }));
    await v.send(makeBatch({ acked: 0, fromSeq: 11, toSeq: 12, seqs: [12] }));
    await v.waitForAck(12);
    expect((await s.boardings(OP, v.id)).map((r) => r.seq)).toEqual([1, 2, 3, 5, 6, 10, 12]);
  });

  it('starts a new log at the acked point its first batch gives, and keeps logs apart', async () => {
    const { store: s } = await store();
    await ingest(s);
    const v = await validator('logs');
    // A back office that never saw this log: the validator says 1..40 were acknowledged (by an earlier database).
    await v.send(makeBatch({ log: 1, acked: 40, fromSeq: 41, toSeq: 50 }));
    await v.waitForAck(50, 1);
    // The partition was formatted: a new log id restarts the seqs.
    await v.send(makeBatch({ log: 2, acked: 0, fromSeq: 1, toSeq: 5 }));
    await v.waitForAck(5, 2);
    expect(await s.ackedThrough(OP, v.id, 1)).toBe(50);
    expect(await s.ackedThrough(OP, v.id, 2)).toBe(5);
    expect((await s.boardings(OP, v.id, 2)).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await s.count({ validator: v.id })).toBe(15);
  });

  it('moves the ack up when a batch says the validator already holds more acknowledged', async () => {
    const { store: s } = await store();
    const { log } = await ingest(s);
    const v = await validator('raised');
    const [b1, b2] = batchesOf(2, 10);
    await v.send(b1);
    await v.waitForAck(10);
    // Waiting for 11..20 (b2) would never end: the validator already deleted them (acked 30 in the new batch).
    await v.send(makeBatch({ acked: 30, fromSeq: 31, toSeq: 40 }));
    await v.waitForAck(40);
    expect(log.some((l) => l.includes(v.id) && l.includes('deleted those records already'))).toBe(true);
    // A late copy of b2 is stored and acknowledged at the current point, never lower.
    await v.send(b2);
    await v.waitForAcks(3);
    expect(v.acks.map((a) => a.upToSeq)).toEqual([10, 40, 40]);
  });

  it('stores exactly once with two instances in one share group on one database, acks only over stored records', async () => {
    const { store: s1, target } = await store();
    const { store: s2 } = await store(target);
    const group = `g${n}`;
    const { service: a } = await ingest(s1, { group, clientId: `ingest-a-${n}` });
    const { service: b } = await ingest(s2, { group, clientId: `ingest-b-${n}` });

    const validators = await Promise.all(Array.from({ length: 12 }, (_, i) => validator(`shared${i}`)));
    const bad: string[] = [];
    for (const v of validators) {
      // Every ack must be backed by stored records: check each one as it arrives.
      v.client.on('message', (_topic, payload) => {
        const { upToSeq } = JSON.parse(payload.toString()) as { upToSeq: number };
        void s1.boardings(OP, v.id).then((rows) => {
          if (rows.filter((r) => r.seq <= upToSeq).length !== upToSeq) bad.push(`${v.id} acked ${upToSeq} with ${rows.length} stored`);
        });
      });
    }
    const perValidator = 8;
    await Promise.all(
      validators.map(async (v, i) => {
        const batches = batchesOf(perValidator, 10);
        // Some validators resend, some send out of order: the broker and two instances reorder too.
        if (i % 3 === 1) batches.reverse();
        if (i % 3 === 2) batches.push(batches[2], batches[5]);
        for (const batch of batches) await v.send(batch);
      }),
    );
    for (const v of validators) await v.waitForAck(perValidator * 10);

    expect(await s1.count()).toBe(validators.length * perValidator * 10);
    for (const v of validators) {
      const seqs = (await s1.boardings(OP, v.id)).map((r) => r.seq);
      expect(seqs).toEqual(Array.from({ length: perValidator * 10 }, (_, i) => i + 1));
      expect(await s1.ackedThrough(OP, v.id, 0xbeef)).toBe(perValidator * 10);
    }
    expect(a.stats.batches).toBeGreaterThan(0);
    expect(b.stats.batches).toBeGreaterThan(0);
    expect(a.stats.records + b.stats.records).toBe(validators.length * perValidator * 10);
    await waitFor(() => bad.length > 0 || validators.every((v) => v.acks.length >= perValidator), 'all acks checked');
    expect(bad).toEqual([]);
  });

  it('stores once and acknowledges when the batch is resent after the ingest died before its ack', async () => {
    const { store: s } = await store();
    let closing: Promise<void> | undefined;
    const first: { service?: IngestService } = {};
    const { service: dying } = await ingest(s, {
      beforeAck: () => {
        closing = first.service!.close();
      },
    });
    first.service = dying;
    const v = await validator('killed');
    const [b1] = batchesOf(1, 10);
    await v.send(b1);
    await waitFor(() => closing !== undefined, 'the first ingest to store the batch');
    await closing;
    expect(await s.count({ validator: v.id })).toBe(10);
    expect(v.acks).toEqual([]);

    const { service: next } = await ingest(s);
    await v.send(b1); // the validator resends what was never acknowledged
    await v.waitForAck(10);
    expect(await s.count({ validator: v.id })).toBe(10);
    expect(next.stats).toMatchObject({ records: 0, duplicates: 10 });
  });

  it('counts malformed batches and wrong topics, logs no payload, and keeps storing good ones', async () => {
    const { store: s } = await store();
    const { service, log } = await ingest(s);
    const v = await validator('malformed');
    const boarding = validatorTopic(OP, v.id, ValidatorTopic.BOARDING);
    const good = makeBatch({ acked: 0, fromSeq: 1, toSeq: 3 });
    const raw = (b: BoardingBatch, overrides: [number, unknown][] = []) =>
      encodeCbor(intMap([[BatchKey.FORMAT, 1], [BatchKey.LOG, b.log], [BatchKey.BATCH, 1], [BatchKey.ACKED, b.acked], [BatchKey.FROM_SEQ, b.fromSeq],
        [BatchKey.TO_SEQ, b.toSeq], [BatchKey.RECORDS, b.records.map((r) => [r.seq, r.time, r.ticket, r.trip, r.serviceDate, 1, 0, 0, 1])], ...overrides]));
    const outOfOrder = { ...good, records: [good.records[1], good.records[0], good.records[2]] };

    await v.publish(boarding, 'secret-looking text that is not CBOR');
    await v.publish(boarding, new Uint8Array([0xff, 0x00, 0x13]));
    await v.publish(boarding, new Uint8Array(0));
    await v.publish(boarding, raw(good, [[BatchKey.FORMAT, 2]]));
    await v.publish(boarding, raw(outOfOrder));
    await v.publish(boarding, raw(good, [[BatchKey.FROM_SEQ, 0]]));
    await v.publish(boarding, new Uint8Array(MAX_BATCH_BYTES + 1).fill(0x41));
    await v.publish(boarding, new Uint8Array(4 * 1024 * 1024));
    await v.publish(`tk/v1/${OP}/ops/evt/boarding`, encodeBoardingBatch(good));
    await v.publish(`tk/v1/${OP}/cfg/evt/boarding`, encodeBoardingBatch(good));
    await v.publish(`tk/v1/${OP}/${'x'.repeat(80)}/evt/boarding`, encodeBoardingBatch(good));
    await v.publish(`tk/v1/bad op/${v.id}/evt/boarding`, encodeBoardingBatch(good));
    await waitFor(() => service.stats.malformed === 12, `12 malformed messages counted (${JSON.stringify(service.stats)})`);

    await v.send(good);
    await v.waitForAck(3);
    expect(await s.count({ validator: v.id })).toBe(3);
    expect(service.stats.malformedByKind).toEqual({ MALFORMED: 5, UNSUPPORTED_VERSION: 1, TOO_LARGE: 2, TOPIC: 4 });
    expect(v.acks.map((a) => a.upToSeq)).toEqual([3]);
    const refused = log.filter((l) => l.startsWith('refused'));
    expect(refused).toHaveLength(12);
    expect(refused.join('\n')).not.toContain('secret');
  });

  it('does not acknowledge a batch the database could not store, and stores it when resent', async () => {
    const { store: s, target } = await store();
    const { service, log } = await ingest(s);
    const v = await validator('dberror');
    const [b1, b2] = batchesOf(2, 5);
    await dbs.renameTable(target, 'boardings', 'boardings_away');
    await v.send(b1);
    await waitFor(() => service.stats.storeErrors === 1, 'the store to fail');
    expect(log.some((l) => l.startsWith('could not store') && l.includes('not acknowledged'))).toBe(true);

    await dbs.renameTable(target, 'boardings_away', 'boardings');
    await v.send(b2);
    await v.waitForAcks(1);
    // Acks to one validator arrive in order: had b1 been acknowledged, that ack would be first.
    expect(v.acks.map((a) => a.upToSeq)).toEqual([0]);
    await v.send(b1);
    await v.waitForAck(10);
    expect(await s.count({ validator: v.id })).toBe(10);
  });
});
