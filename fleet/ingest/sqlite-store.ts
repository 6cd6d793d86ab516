/**
 * The SQLite boarding store: one file, WAL journal, `synchronous=NORMAL`
 * (in WAL mode a commit survives a crash of the process; only a power cut of
 * the server can lose the last commits, and the validator resends anything
 * not acknowledged). Each batch is one IMMEDIATE transaction, which takes the
 * write lock up front, so ingest processes sharing the file serialise whole
 * batches and the ack rule sees every committed range.
 */
import Database from 'better-sqlite3';
import type { BoardingBatch, Decision } from '../../protocol/index.js';
import { advanceAck } from './ack-coverage.js';
import type { BoardingFilter, BoardingStore, StoreResult, StoredBoarding } from './boarding-store.js';
import { MIGRATIONS, SCHEMA_MIGRATIONS_TABLE, pendingMigrations, type Migration } from './migrations.js';

export interface SqliteStoreOptions {
  /** The schema to bring the file to; tests pass a prefix of MIGRATIONS. */
  readonly migrations?: readonly Migration[];
  /** How long to wait for another process's write lock, ms. */
  readonly busyTimeoutMs?: number;
}

interface BoardingRow {
  operator: string;
  validator: string;
  log_id: number;
  seq: number;
  time: number;
  ticket_hash: Buffer | null;
  trip: string | null;
  service_date: number | null;
  decision: string;
  reason: number;
  override: number;
  passengers: number;
  received_at: number;
}

export class SqliteBoardingStore implements BoardingStore {
  readonly #db: Database.Database;
  readonly #store: (operator: string, validator: string, batch: BoardingBatch, receivedAt: number) => StoreResult;
  #closed = false;

  constructor(path: string, options: SqliteStoreOptions = {}) {
    const db = new Database(path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      migrate(db, options.migrations ?? MIGRATIONS);
    } catch (e) {
      db.close();
      throw e;
    }
    this.#db = db;
    this.#store = storeFunction(db);
  }

  async storeBatch(operator: string, validator: string, batch: BoardingBatch, receivedAt: number): Promise<StoreResult> {
    this.#checkOpen();
    return this.#store(operator, validator, batch, receivedAt);
  }

  async count(filter: BoardingFilter = {}): Promise<number> {
    this.#checkOpen();
    const row = this.#db
      .prepare('SELECT count(*) AS n FROM boardings WHERE (@operator IS NULL OR operator = @operator) AND (@validator IS NULL OR validator = @validator)')
      .get({ operator: filter.operator ?? null, validator: filter.validator ?? null }) as { n: number };
    return row.n;
  }

  async boardings(operator: string, validator: string, log?: number): Promise<StoredBoarding[]> {
    this.#checkOpen();
    const rows = this.#db
      .prepare('SELECT * FROM boardings WHERE operator = ? AND validator = ? AND (? IS NULL OR log_id = ?) ORDER BY log_id, seq')
      .all(operator, validator, log ?? null, log ?? null) as BoardingRow[];
    return rows.map(toBoarding);
  }

  async ackedThrough(operator: string, validator: string, log: number): Promise<number | undefined> {
    this.#checkOpen();
    const row = this.#db
      .prepare('SELECT acked_through FROM sync_state WHERE operator = ? AND validator = ? AND log_id = ?')
      .get(operator, validator, log) as { acked_through: number } | undefined;
    return row?.acked_through;
  }

  async schemaVersion(): Promise<number> {
    this.#checkOpen();
    return (this.#db.prepare('SELECT coalesce(max(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error('the boarding store is closed');
  }
}

function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  db.transaction(() => {
    db.exec(SCHEMA_MIGRATIONS_TABLE);
    const applied = (db.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version);
    const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
    for (const m of pendingMigrations(applied, migrations)) {
      for (const sql of m.sqlite) db.exec(sql);
      record.run(m.version, m.name, Date.now());
    }
  }).immediate();
}

/** The whole of storeBatch as one prepared transaction. */
function storeFunction(db: Database.Database): (operator: string, validator: string, batch: BoardingBatch, receivedAt: number) => StoreResult {
  const key = 'operator = @operator AND validator = @validator AND log_id = @log';
  const ensureState = db.prepare(
    'INSERT INTO sync_state (operator, validator, log_id, acked_through, updated_at) VALUES (@operator, @validator, @log, @acked, @now) ON CONFLICT DO NOTHING',
  );
  const getState = db.prepare(`SELECT acked_through FROM sync_state WHERE ${key}`);
  const insertBoarding = db.prepare(
    `INSERT INTO boardings (operator, validator, log_id, seq, time, ticket_hash, trip, service_date, decision, reason, override, passengers, received_at)
     VALUES (@operator, @validator, @log, @seq, @time, @ticket, @trip, @serviceDate, @decision, @reason, @override, @passengers, @now)
     ON CONFLICT DO NOTHING`,
  );
  const insertRange = db.prepare(
    'INSERT INTO batch_ranges (operator, validator, log_id, from_seq, to_seq) VALUES (@operator, @validator, @log, @from, @to) ON CONFLICT DO NOTHING',
  );
  const openRanges = db.prepare(`SELECT from_seq AS fromSeq, to_seq AS toSeq FROM batch_ranges WHERE ${key} AND to_seq > @acked`);
  const setState = db.prepare(`UPDATE sync_state SET acked_through = @acked, updated_at = @now WHERE ${key}`);
  const dropRanges = db.prepare(`DELETE FROM batch_ranges WHERE ${key} AND to_seq <= @acked`);

  const store = db.transaction((operator: string, validator: string, batch: BoardingBatch, now: number): StoreResult => {
    const k = { operator, validator, log: batch.log };
    ensureState.run({ ...k, acked: batch.acked, now });
    const held = (getState.get(k) as { acked_through: number }).acked_through;
    const insertedSeqs: number[] = [];
    for (const r of batch.records) {
      const row = {
        ...k, now, seq: r.seq, time: r.time, ticket: r.ticket ? Buffer.from(r.ticket.buffer, r.ticket.byteOffset, r.ticket.byteLength) : null, trip: r.trip ?? null, serviceDate: r.serviceDate ?? null,
        decision: r.decision, reason: r.reason, override: r.override, passengers: r.passengers,
      };
      if (insertBoarding.run(row).changes === 1) insertedSeqs.push(r.seq);
    }
    if (batch.toSeq > held) insertRange.run({ ...k, from: batch.fromSeq, to: batch.toSeq });
    const step = advanceAck(held, batch.acked, openRanges.all({ ...k, acked: held }) as { fromSeq: number; toSeq: number }[]);
    if (step.ackedThrough !== held) {
      setState.run({ ...k, acked: step.ackedThrough, now });
      dropRanges.run({ ...k, acked: step.ackedThrough });
    }
    return {
      ackUpTo: step.ackedThrough,
      inserted: insertedSeqs.length,
      duplicates: batch.records.length - insertedSeqs.length,
      insertedSeqs,
      ...(step.raised ? { raised: step.raised } : {}),
    };
  });
  return (operator, validator, batch, receivedAt) => store.immediate(operator, validator, batch, receivedAt);
}

function toBoarding(r: BoardingRow): StoredBoarding {
  return {
    operator: r.operator,
    validator: r.validator,
    log: r.log_id,
    seq: r.seq,
    time: r.time,
    ticketHash: r.ticket_hash === null ? null : new Uint8Array(r.ticket_hash),
    trip: r.trip,
    serviceDate: r.service_date,
    decision: r.decision as Decision,
    reason: r.reason,
    override: r.override,
    passengers: r.passengers,
    receivedAt: r.received_at,
  };
}
