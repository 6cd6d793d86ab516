/**
 * Shared by the ingest, ops and CLI tests: boarding batches, a validator's
 * side of the sync done with the plain `mqtt` package (the firmware is not
 * needed to test the back office), fresh databases of both kinds, and a
 * polling wait.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import Database from 'better-sqlite3';
import pg from 'pg';
import {
  Decision, REASONS, ValidatorTopic, decodeAck, encodeBoardingBatch, validatorTopic, type Ack, type BoardingRecord, type BoardingBatch,
} from '../../protocol/index.js';
import { startPostgres, type Postgres } from '../support/postgres.js';

export const OP = 'YTBUS';
/** 2026-12-01 08:10 Beijing time, in seconds. */
export const BOARD_TIME = Date.UTC(2026, 11, 1, 0, 10) / 1000;

/** Polls `condition` until it holds; fails with `what` after a generous deadline. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function record(seq: number, overrides: Partial<BoardingRecord> = {}): BoardingRecord {
  const ticket = new Uint8Array(8);
  new DataView(ticket.buffer).setUint32(4, seq);
  const rejected = seq % 7 === 0;
  return {
    seq,
    time: BOARD_TIME + seq,
    ticket,
    trip: 'K101-0830',
    serviceDate: 20261201,
    decision: rejected ? Decision.REJECT : Decision.ACCEPT,
    reason: rejected ? REASONS.BAD_SIGNATURE.id : REASONS.ACCEPTED.id,
    override: 0,
    passengers: 1,
    ...overrides,
  };
}

export interface BatchSpec {
  readonly log?: number;
  readonly batch?: number;
  readonly acked?: number;
  readonly fromSeq: number;
  readonly toSeq: number;
  /** Seqs that have a record; default every seq of the range. */
  readonly seqs?: readonly number[];
}

export function makeBatch(spec: BatchSpec): BoardingBatch {
  const seqs = spec.seqs ?? Array.from({ length: spec.toSeq - spec.fromSeq + 1 }, (_, i) => spec.fromSeq + i);
  return {
    log: spec.log ?? 0xbeef,
    batch: spec.batch ?? 1,
    acked: spec.acked ?? spec.fromSeq - 1,
    fromSeq: spec.fromSeq,
    toSeq: spec.toSeq,
    records: seqs.map((s) => record(s)),
  };
}

/** Consecutive batches of `size` records from seq 1, each built as if nothing had been acknowledged yet. */
export function batchesOf(count: number, size: number, log = 0xbeef): BoardingBatch[] {
  return Array.from({ length: count }, (_, i) => makeBatch({ log, batch: i + 1, acked: 0, fromSeq: i * size + 1, toSeq: (i + 1) * size }));
}

export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A validator's side of the sync: publishes batches and collects the acks it is sent. */
export class ValidatorDouble {
  readonly acks: Ack[] = [];
  readonly #client: MqttClient;
  readonly operator: string;
  readonly id: string;

  private constructor(client: MqttClient, operator: string, id: string) {
    this.#client = client;
    this.operator = operator;
    this.id = id;
    client.on('message', (topic, payload) => {
      if (topic === validatorTopic(operator, id, ValidatorTopic.ACK)) this.acks.push(decodeAck(new Uint8Array(payload)));
    });
  }

  static async connect(url: string, id: string, options: Partial<IClientOptions> = {}, operator = OP): Promise<ValidatorDouble> {
    const client = await connectAsync(url, { protocolVersion: 4, clean: true, reconnectPeriod: 0, clientId: `${id}-${Math.random().toString(36).slice(2)}`, ...options });
    await client.subscribeAsync(validatorTopic(operator, id, ValidatorTopic.ACK), { qos: 1 });
    return new ValidatorDouble(client, operator, id);
  }

  get client(): MqttClient {
    return this.#client;
  }

  async send(batch: BoardingBatch): Promise<void> {
    await this.publish(validatorTopic(this.operator, this.id, ValidatorTopic.BOARDING), encodeBoardingBatch(batch));
  }

  async publish(topic: string, payload: Uint8Array | string, retain = false): Promise<void> {
    await this.#client.publishAsync(topic, typeof payload === 'string' ? payload : toBuffer(payload), { qos: 1, retain });
  }

  /** The highest ack so far for `log`, or -1. */
  ackedThrough(log = 0xbeef): number {
    return Math.max(-1, ...this.acks.filter((a) => a.log === log).map((a) => a.upToSeq));
  }

  async waitForAck(upToSeq: number, log = 0xbeef): Promise<void> {
    await waitFor(() => this.ackedThrough(log) >= upToSeq, `${this.id} to be acknowledged through ${upToSeq} (has ${this.ackedThrough(log)})`);
  }

  async waitForAcks(count: number): Promise<void> {
    await waitFor(() => this.acks.length >= count, `${count} acks to ${this.id} (has ${this.acks.length})`);
  }

  async close(): Promise<void> {
    await this.#client.endAsync(true);
  }
}

export const DB_KINDS = ['sqlite', 'postgres'] as const;
export type DbKind = (typeof DB_KINDS)[number];

/** Fresh, empty databases of one kind, one per test; `close()` removes them all. */
export class Databases {
  readonly kind: DbKind;
  #pg: Postgres | undefined;
  #dir: string | undefined;
  #n = 0;
  readonly #created: string[] = [];

  constructor(kind: DbKind) {
    this.kind = kind;
  }

  async start(): Promise<void> {
    if (this.kind === 'postgres') this.#pg = await startPostgres();
    else this.#dir = mkdtempSync(join(tmpdir(), 'tk-ingest-'));
  }

  /** A `--db` target: a new SQLite file path or a new PostgreSQL database URL. */
  async fresh(): Promise<string> {
    const name = `ingest_${process.pid}_${++this.#n}`;
    if (this.#dir) return join(this.#dir, `${name}.sqlite`);
    await this.#admin(`CREATE DATABASE ${name}`);
    this.#created.push(name);
    const url = new URL(this.#pg!.url);
    url.pathname = `/${name}`;
    return url.toString();
  }

  /** Renames a table behind the store's back: the next statement that uses it fails, as with a broken database. */
  async renameTable(target: string, from: string, to: string): Promise<void> {
    if (this.kind === 'sqlite') {
      const db = new Database(target);
      try {
        db.pragma('busy_timeout = 5000');
        db.exec(`ALTER TABLE ${from} RENAME TO ${to}`);
      } finally {
        db.close();
      }
      return;
    }
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      await client.query(`ALTER TABLE ${from} RENAME TO ${to}`);
    } finally {
      await client.end();
    }
  }

  async #admin(sql: string): Promise<void> {
    const admin = new pg.Client({ connectionString: this.#pg!.url });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  }

  async close(): Promise<void> {
    // Only matters on a server given by TK_TEST_PG_URL; a server of our own is removed whole.
    for (const name of this.#created.splice(0)) await this.#admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
    await this.#pg?.close();
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }
}
