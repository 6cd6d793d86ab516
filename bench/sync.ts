/**
 * The sync end to end: simulated validators running the unchanged firmware
 * SyncService publish through a real Mosquitto (started here on a free
 * port) to the real IngestService, which stores into SQLite (a temporary
 * file) and acks. A record counts once it is in the database and its
 * validator has had the ack and released it from flash.
 *
 * 1. Ingest rate: 200 validators, 250 records backlogged in each log
 *    (appended straight to flash, so no signature check is in the figure),
 *    connect at once; from the sockets opening to every record stored and
 *    every log wholly acknowledged.
 * 2. Drain: one validator with 20,000 records backlogged while out of
 *    coverage; from the network coming back to its log wholly acknowledged.
 *
 * References measured in the same run: the same records in the same batches
 * stored by calling the SQLite store directly (no broker), and published
 * pre-encoded by one plain `mqtt` client through the same broker into the
 * same IngestService (no firmware; nobody waits for the acks): the ceiling of the
 * broker-and-database path, and what the firmware's outbox costs against it.
 *
 * Everything but Mosquitto shares this Node process: 200 validators' loops
 * (RealtimePump), their sockets, the ingest service and SQLite. Each figure
 * is the median of RUNS runs. Both with Mosquitto's defaults (the tests'
 * configuration) and with `set_tcp_nodelay true`: without it the broker's
 * small acks wait behind Nagle's algorithm and the peer's delayed ACK,
 * which is what bounds one validator's drain.
 * Target (DESIGN §10): at least 5,000 boardings a second end to end.
 */
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { connectAsync } from 'mqtt';
import type { BoardingEntry } from '../firmware/log/boarding-log.js';
import { DEFAULT_SYNC, type SyncEvent, type SyncSettings } from '../firmware/sync/sync-service.js';
import { DEFAULT_OUTBOX } from '../firmware/sync/outbox.js';
import { IngestService, SqliteBoardingStore } from '../fleet/ingest/index.js';
import {
  Decision, REASONS, ValidatorTopic, encodeBoardingBatch, validatorTopic, type BoardingRecord, type BoardingBatch,
} from '../protocol/index.js';
import { RealtimePump } from '../simulator/host/realtime.js';
import { SimMqttClient } from '../simulator/network/mqtt-client.js';
import { SimNetwork } from '../simulator/network/sim-network.js';
import { seededRandom } from '../simulator/platform/seeded-random.js';
import { SimulatedValidator } from '../simulator/validator/sim-validator.js';
import { OPERATOR, root } from '../tests/protocol/fixtures.js';
import { printTable } from './harness.js';
import { startMosquitto, type Mosquitto } from '../tests/support/mosquitto.js';

const VALIDATORS = 200;
const RECORDS_EACH = 250;
const DRAIN_RECORDS = 20_000;
const TARGET_RATE = 5000;
const RUNS = 3;
/** 250 records of at most 48 bytes fit a 64 KiB log with blocks to spare, and 200 chips stay small. */
const FLEET_LOG_SIZE = 64 * 1024;
/** Real-time pump tick: 200 loops, each run for the 2 ms just gone. */
const PUMP_MS = 2;
const DEADLINE_MS = 300_000;
const EPOCH_MS = Date.UTC(2026, 11, 1, 0, 0);

/** An outbox configuration under test. */
interface Profile {
  readonly name: string;
  readonly batchSize: number;
  readonly maxInFlight: number;
  readonly flushIntervalMs: number;
}

const DEFAULTS: Profile = Object.freeze({
  name: 'firmware defaults',
  batchSize: DEFAULT_OUTBOX.batchSize,
  maxInFlight: DEFAULT_OUTBOX.maxInFlight,
  flushIntervalMs: DEFAULT_SYNC.flushIntervalMs,
});
/**
 * Bigger batches (about 4 KB, well inside the client's 64 KiB send window
 * and the ESP32's RAM) cost the database one transaction per 100 records;
 * 8 in flight (800 records unacknowledged) keeps one validator's pipe full
 * across the ack's round trip. flushIntervalMs only matters for live
 * boardings: a backlog is pumped on connect and on every ack.
 */
/** The window the firmware had before this benchmark: a quarter as many records per ack round trip. */
const SMALL: Profile = Object.freeze({ name: 'small window', batchSize: 50, maxInFlight: 4, flushIntervalMs: 1000 });
const PROFILES = [DEFAULTS, SMALL] as const;

/** A broker configuration under test. */
interface BrokerConfig {
  readonly name: string;
  readonly tcpNoDelay: boolean;
}

const BROKERS: readonly BrokerConfig[] = Object.freeze([
  { name: 'Mosquitto defaults', tcpNoDelay: false },
  { name: 'set_tcp_nodelay true', tcpNoDelay: true },
]);

/** A broker of this run, with the configuration it was started with. */
type BenchBroker = Mosquitto & { readonly config: BrokerConfig };

/** The rest of the sync settings: quick reconnects, telemetry out of the way. */
function syncSettings(p: Profile): Partial<SyncSettings> {
  return {
    outbox: { batchSize: p.batchSize, maxInFlight: p.maxInFlight },
    flushIntervalMs: p.flushIntervalMs,
    telemetryIntervalMs: 3_600_000,
    keepaliveMs: 30_000,
    backoff: { initialMs: 20, maxMs: 100 },
  };
}

function profileLabel(p: Profile): string {
  return `${p.name} (batchSize ${p.batchSize}, maxInFlight ${p.maxInFlight}, flushIntervalMs ${p.flushIntervalMs})`;
}

/** Boardings as a bus produces them: mostly accepts, a reject now and then, one trip per validator. */
function entries(seed: number, count: number): BoardingEntry[] {
  const random = seededRandom(seed);
  const trip = `K${100 + (seed % 90)}-0830`;
  let time = EPOCH_MS / 1000;
  return Array.from({ length: count }, () => {
    time += 1 + Math.floor(random() * 20);
    const rejected = random() < 0.1;
    return {
      time,
      ticket: Uint8Array.from({ length: 8 }, () => Math.floor(random() * 256)),
      trip,
      serviceDate: 20261201,
      decision: rejected ? Decision.REJECT : Decision.ACCEPT,
      reason: rejected ? REASONS.BAD_SIGNATURE.id : REASONS.ACCEPTED.id,
      override: 0,
      passengers: rejected ? 0 : 1,
    };
  });
}

interface Addressed {
  readonly validator: string;
  readonly batch: BoardingBatch;
}

/** The batches the outboxes of the fleet would send, seqs from 1, `batchSize` records a batch. */
function fleetBatches(batchSize: number): Addressed[] {
  const out: Addressed[] = [];
  for (let i = 0; i < VALIDATORS; i++) {
    const validator = `R-${String(i + 1).padStart(3, '0')}`;
    const records = entries(i + 1, RECORDS_EACH);
    for (let from = 0, n = 1; from < records.length; from += batchSize, n++) {
      const batch: BoardingRecord[] = records.slice(from, from + batchSize).map((e, k) => ({ ...e, seq: from + k + 1 }));
      out.push({ validator, batch: { log: 1000 + i, batch: n, acked: from, fromSeq: from + 1, toSeq: batch[batch.length - 1].seq, records: batch } });
    }
  }
  return out;
}

/** `gc()` if Node lets us have it, so memory figures are not garbage. */
function collector(): () => void {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as unknown;
    if (typeof gc === 'function') return gc as () => void;
  } catch {
    // Without it the figures include garbage.
  }
  return () => {};
}
const gc = collector();

/** JS heap plus ArrayBuffers (the simulated flash chips live there). */
function memoryInUse(): number {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Connections the kernel dropped because a listen queue was full (Linux, whole machine); undefined elsewhere. */
function listenOverflows(): number | undefined {
  try {
    const lines = readFileSync('/proc/net/netstat', 'utf8').split('\n').filter((l) => l.startsWith('TcpExt:'));
    const names = lines[0].split(/\s+/);
    const values = lines[1].split(/\s+/);
    const i = names.indexOf('ListenOverflows');
    return i > 0 ? Number(values[i]) : undefined;
  } catch {
    return undefined;
  }
}

async function waitUntil(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + DEADLINE_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`sync bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** A fresh SQLite file in a temporary directory. */
class ScratchStore {
  readonly store: SqliteBoardingStore;
  readonly #dir: string;
  #closed = false;

  constructor() {
    this.#dir = mkdtempSync(join(tmpdir(), 'tk-bench-sync-'));
    this.store = new SqliteBoardingStore(join(this.#dir, 'boardings.sqlite'));
  }

  async expectStored(total: number): Promise<void> {
    const stored = await this.store.count();
    if (stored !== total) throw new Error(`sync bench: ${stored} of ${total} records in the database`);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.store.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

/** A fresh SQLite file with an ingest service on it, for one measurement. */
class Backend extends ScratchStore {
  readonly ingest: IngestService;

  constructor(broker: BenchBroker, tag: string) {
    super();
    this.ingest = new IngestService({
      brokerUrl: broker.url,
      store: this.store,
      operator: OPERATOR,
      clientId: `bench-ingest-${tag}-${process.pid}`,
      log: (line) => {
        if (!line.startsWith('ingest subscribed')) console.error(`ingest: ${line}`);
      },
    });
  }

  override async close(): Promise<void> {
    await this.ingest.close();
    await super.close();
  }
}

interface Measured {
  readonly records: number;
  readonly ms: number;
}

const rate = (m: Measured) => m.records / (m.ms / 1000);

/** Reference: the store alone, batch after batch, no broker. */
async function storeAlone(batches: readonly Addressed[]): Promise<Measured> {
  const scratch = new ScratchStore();
  try {
    let records = 0;
    const t0 = performance.now();
    for (const { validator, batch } of batches) records += (await scratch.store.storeBatch(OPERATOR, validator, batch, Date.now())).inserted;
    const ms = performance.now() - t0;
    await scratch.expectStored(records);
    return { records, ms };
  } finally {
    await scratch.close();
  }
}

let tags = 0;

/** Reference: one plain mqtt client publishes every batch pre-encoded at once; done when all are stored and their acks published. */
async function rawPublish(broker: BenchBroker, batches: readonly Addressed[]): Promise<Measured> {
  const tag = `raw${++tags}`;
  const backend = new Backend(broker, tag);
  const publisher = await connectAsync(broker.url, { clientId: `bench-publisher-${tag}-${process.pid}`, clean: true });
  try {
    await backend.ingest.start();
    const encoded = batches.map(({ validator, batch }) => ({
      topic: validatorTopic(OPERATOR, validator, ValidatorTopic.BOARDING),
      payload: Buffer.from(encodeBoardingBatch(batch)),
    }));
    const total = batches.reduce((n, b) => n + b.batch.records.length, 0);
    const t0 = performance.now();
    for (const { topic, payload } of encoded) publisher.publish(topic, payload, { qos: 1 });
    await waitUntil(() => backend.ingest.stats.records >= total && backend.ingest.stats.acks >= batches.length, 'the plain publisher\'s batches');
    const ms = performance.now() - t0;
    await backend.expectStored(total);
    return { records: total, ms };
  } finally {
    await publisher.endAsync();
    await backend.close();
  }
}

interface FleetRun extends Measured {
  /** From the sockets opening until every validator had its CONNACK, ms. */
  readonly connectedMs: number;
  /**
   * Heap and ArrayBuffers a booted validator with its backlog holds, bytes;
   * meaningful in a process's first fleet only, as later ones overlap with
   * the release of earlier runs' garbage.
   */
  readonly bytesPerValidator: number;
  readonly batches: number;
  readonly resends: number;
  readonly listenOverflows: number | undefined;
}

/** `count` validators, `each` records backlogged in each, connect at once. */
async function fleet(broker: BenchBroker, profile: Profile, count = VALIDATORS, each = RECORDS_EACH): Promise<FleetRun> {
  const tag = `f${++tags}`;
  const backend = new Backend(broker, tag);
  const pump = new RealtimePump({ intervalMs: PUMP_MS });
  const validators: SimulatedValidator[] = [];
  let connected = 0;
  const onEvent = (e: SyncEvent) => {
    if (e.type === 'connected') connected++;
  };
  try {
    await backend.ingest.start();
    const before = memoryInUse();
    for (let i = 0; i < count; i++) {
      const v = new SimulatedValidator({
        provisioning: { validatorId: `B-${tag}-${String(i + 1).padStart(3, '0')}`, operator: OPERATOR, rootKeys: [root.publicKey] },
        epochMs: EPOCH_MS,
        seed: i + 1,
        logSize: FLEET_LOG_SIZE,
        sync: { client: SimMqttClient, port: broker.port, network: new SimNetwork(), settings: syncSettings(profile), onEvent },
      });
      // boot() opens the socket; nothing connects until this synchronous setup yields.
      v.boot();
      for (const e of entries(i + 1, each)) if (!v.log.append(e)) throw new Error('sync bench: the log is full');
      validators.push(v);
    }
    const bytesPerValidator = (memoryInUse() - before) / count;
    const overflowsBefore = listenOverflows();
    const total = count * each;
    const t0 = performance.now();
    let connectedMs = NaN;
    for (const v of validators) pump.add(v.loop);
    pump.start();
    let pending = validators;
    await pump.until(() => {
      if (Number.isNaN(connectedMs) && connected >= count) connectedMs = performance.now() - t0;
      pending = pending.filter((v) => v.log.status().unacked > 0);
      return pending.length === 0 && backend.ingest.stats.records >= total;
    }, DEADLINE_MS);
    const ms = performance.now() - t0;
    const overflowsAfter = listenOverflows();
    await backend.expectStored(total);
    let batches = 0;
    let resends = 0;
    for (const v of validators) {
      batches += v.sync!.stats.outbox.batchesSent;
      resends += v.sync!.stats.outbox.resends;
    }
    return {
      records: total, ms, connectedMs, batches, resends, bytesPerValidator,
      listenOverflows: overflowsBefore === undefined || overflowsAfter === undefined ? undefined : overflowsAfter - overflowsBefore,
    };
  } finally {
    pump.stop();
    for (const v of validators) v.shutdown();
    await backend.close();
  }
}

interface DrainRun extends Measured {
  /** From the network coming back to the validator being connected, ms. */
  readonly reconnectMs: number;
}

/** One validator, DRAIN_RECORDS backlogged out of coverage, coming back into it. */
async function drain(broker: BenchBroker, profile: Profile): Promise<DrainRun> {
  const tag = `d${++tags}`;
  const backend = new Backend(broker, tag);
  const pump = new RealtimePump({ intervalMs: PUMP_MS });
  const network = new SimNetwork();
  let connectedAt = NaN;
  network.down();
  const v = new SimulatedValidator({
    provisioning: { validatorId: `D-${tag}`, operator: OPERATOR, rootKeys: [root.publicKey] },
    epochMs: EPOCH_MS,
    sync: {
      client: SimMqttClient, port: broker.port, network, settings: syncSettings(profile),
      onEvent: (e) => {
        if (e.type === 'connected' && Number.isNaN(connectedAt)) connectedAt = performance.now();
      },
    },
  });
  try {
    await backend.ingest.start();
    v.boot();
    for (const e of entries(7, DRAIN_RECORDS)) if (!v.log.append(e)) throw new Error('sync bench: the log is full');
    pump.add(v.loop);
    pump.start();
    // Out of coverage: the link has failed and waits to try again.
    await pump.until(() => v.sync!.stats.state === 'waiting');
    network.up();
    const t0 = performance.now();
    await pump.until(() => v.log.status().unacked === 0, DEADLINE_MS);
    const ms = performance.now() - t0;
    await backend.expectStored(DRAIN_RECORDS);
    return { records: DRAIN_RECORDS, ms, reconnectMs: connectedAt - t0 };
  } finally {
    pump.stop();
    v.shutdown();
    await backend.close();
  }
}

async function repeat<T>(fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < RUNS; i++) out.push(await fn());
  return out;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median rate, and the range of the runs. */
function rates(runs: readonly Measured[]): { median: number; range: string; seconds: number } {
  const r = runs.map(rate);
  return { median: median(r), range: `${Math.round(Math.min(...r))}-${Math.round(Math.max(...r))}`, seconds: median(runs.map((m) => m.ms)) / 1000 };
}

function verdict(ok: boolean): string {
  return ok ? 'met' : 'NOT met';
}

interface BrokerResults {
  readonly config: BrokerConfig;
  readonly raw: Map<Profile, Measured[]>;
  readonly fleet: Map<Profile, FleetRun[]>;
  readonly drain: Map<Profile, DrainRun[]>;
}

function push<T>(runs: Map<Profile, T[]>, p: Profile, value: T): void {
  runs.set(p, [...(runs.get(p) ?? []), value]);
}

/**
 * Every measurement on every broker configuration, the configurations taking
 * turns run by run, so a process that slows as it goes (heap, JIT, the
 * machine) does not favour one of them.
 */
async function measureBrokers(work: ReadonlyMap<Profile, Addressed[]>): Promise<{ results: BrokerResults[]; bytesPerValidator: number }> {
  const brokers: BenchBroker[] = [];
  try {
    for (const config of BROKERS) brokers.push({ ...(await startMosquitto({ tcpNoDelay: config.tcpNoDelay })), config });
    const results: BrokerResults[] = BROKERS.map((config) => ({ config, raw: new Map(), fleet: new Map(), drain: new Map() }));
    // Warming up the JIT, SQLite's and the brokers' code paths, before anything is timed; the first
    // fleet of the process gives the memory figure.
    const { bytesPerValidator } = await fleet(brokers[0], DEFAULTS);
    for (const broker of brokers) {
      await fleet(broker, DEFAULTS, 20, 50);
      await rawPublish(broker, work.get(DEFAULTS)!.slice(0, 100));
    }
    const turns = async (measure: (broker: BenchBroker, r: BrokerResults) => Promise<void>) => {
      for (let run = 0; run < RUNS; run++) for (const [i, broker] of brokers.entries()) await measure(broker, results[i]);
    };
    for (const p of PROFILES) await turns(async (b, r) => push(r.raw, p, await rawPublish(b, work.get(p)!)));
    for (const p of PROFILES) await turns(async (b, r) => push(r.fleet, p, await fleet(b, p)));
    for (const p of PROFILES) await turns(async (b, r) => push(r.drain, p, await drain(b, p)));
    return { results, bytesPerValidator };
  } finally {
    for (const broker of brokers) await broker.close();
  }
}

export async function run(): Promise<void> {
  const total = VALIDATORS * RECORDS_EACH;
  const work = new Map(PROFILES.map((p) => [p, fleetBatches(p.batchSize)] as const));
  const batchBytes = (p: Profile) => encodeBoardingBatch(work.get(p)![0].batch).length;

  await storeAlone(work.get(DEFAULTS)!.slice(0, 200));
  const alone = new Map<Profile, Measured[]>();
  for (const p of PROFILES) alone.set(p, await repeat(() => storeAlone(work.get(p)!)));

  const { results, bytesPerValidator } = await measureBrokers(work);

  const ingestRows: (string | number)[][] = [];
  for (const p of PROFILES) {
    const s = rates(alone.get(p)!);
    ingestRows.push([`SQLite store alone: storeBatch, batches of ${p.batchSize}, no broker`, '', s.median, s.range, s.seconds, '']);
  }
  for (const r of results) {
    for (const p of PROFILES) {
      const ref = rates(r.raw.get(p)!);
      ingestRows.push([`plain mqtt publisher -> IngestService -> SQLite, batches of ${p.batchSize} (reference)`, r.config.name, ref.median, ref.range, ref.seconds, 1]);
      const f = rates(r.fleet.get(p)!);
      ingestRows.push([`${VALIDATORS} x firmware SyncService, ${profileLabel(p)}`, r.config.name, f.median, f.range, f.seconds, f.median / ref.median]);
    }
  }
  printTable(
    `Sync ingest rate: ${VALIDATORS} simulated validators x ${RECORDS_EACH} backlogged records (${total}) connecting at once, through Mosquitto into SQLite; median of ${RUNS} runs, Node ${process.version}`,
    ['what', 'broker', 'records/s', 'range of runs', 'seconds', 'x plain publisher, same batches and broker'],
    ingestRows,
  );

  const detailRows: (string | number)[][] = [];
  for (const r of results) {
    for (const p of PROFILES) {
      const runs = r.fleet.get(p)!;
      const overflows = runs.map((f) => f.listenOverflows);
      detailRows.push([
        p.name, r.config.name, median(runs.map((f) => f.connectedMs)) / 1000, runs.map((f) => (f.connectedMs / 1000).toFixed(2)).join(' '),
        median(runs.map((f) => f.batches)), runs.reduce((n, f) => n + f.resends, 0),
        overflows.includes(undefined) ? 'n/a' : overflows.join(' '),
      ]);
    }
  }
  printTable('The fleet runs: how long 200 simultaneous connects took', ['outbox', 'broker', 'all connected after s (median)', 'each run', 'batches a run', 'resends', 'listen-queue overflows each run'], detailRows);

  const drainRows: (string | number)[][] = [];
  for (const r of results) {
    for (const p of PROFILES) {
      const d = rates(r.drain.get(p)!);
      const ref = rates(r.raw.get(p)!);
      drainRows.push([profileLabel(p), r.config.name, d.median, d.range, d.seconds, median(r.drain.get(p)!.map((x) => x.reconnectMs)), d.median / ref.median]);
    }
  }
  printTable(
    `Drain: one validator with ${DRAIN_RECORDS} records backlogged, from the network coming back to its log wholly acknowledged; median of ${RUNS} runs`,
    ['outbox', 'broker', 'records/s', 'range of runs', 'seconds', 'reconnect ms', 'x plain publisher, same batches and broker'],
    drainRows,
  );

  const best = Math.max(...results.flatMap((r) => PROFILES.map((p) => rates(r.fleet.get(p)!).median)));
  const defaultRate = rates(results[0].fleet.get(DEFAULTS)!).median;
  console.log(`\nhow: validators' loops run in real time (RealtimePump, ${PUMP_MS} ms ticks) in this process, beside the ingest service and SQLite; Mosquitto is its own process`);
  console.log(`batches: ${DEFAULTS.batchSize} records = ${batchBytes(DEFAULTS)} bytes, ${SMALL.batchSize} records = ${batchBytes(SMALL)} bytes of CBOR`);
  console.log(`memory: ${(bytesPerValidator / 1024).toFixed(0)} KiB of heap and ArrayBuffers a simulated validator (${FLEET_LOG_SIZE / 1024} KiB log, 256 KiB settings flash, ${RECORDS_EACH} records); peak RSS of this process ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  console.log(`target: at least ${TARGET_RATE} boardings/s end to end -> ${verdict(defaultRate >= TARGET_RATE)} with the firmware defaults and Mosquitto's (${defaultRate.toFixed(0)}/s); best ${best.toFixed(0)}/s`);
}
