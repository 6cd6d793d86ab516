/**
 * The PostgreSQL boarding store: a pg Pool from a connection URL, one
 * transaction per batch. The batch's sync-state row is created if missing
 * and then locked (`SELECT ... FOR UPDATE`) before anything else, so two
 * ingest instances on one database storing batches of the same log take
 * turns, and each sees the other's committed ranges when it moves the ack.
 */
import pg from 'pg';
import type { BoardingBatch, Decision } from '../../protocol/index.js';
import { advanceAck } from './ack-coverage.js';
import type { BoardingFilter, BoardingStore, StoreResult, StoredBoarding } from './boarding-store.js';
import { MIGRATIONS, SCHEMA_MIGRATIONS_TABLE, pendingMigrations, type Migration } from './migrations.js';

export interface PostgresStoreOptions {
  /** The schema to bring the database to; tests pass a prefix of MIGRATIONS. */
  readonly migrations?: readonly Migration[];
  /** Pool size. */
  readonly maxConnections?: number;
  /** Told about errors of idle pooled connections (the server went away); they are otherwise harmless. */
  readonly onError?: (error: Error) => void;
}

/** Any constant: serialises migrations of ingest instances starting at the same moment. */
const MIGRATION_LOCK = 0x746b6d67;
const BOARDING_COLUMNS = 13;

interface BoardingRow {
  operator: string;
  validator: string;
  log_id: string;
  seq: string;
  time: string;
  ticket_hash: Buffer | null;
  trip: string | null;
  service_date: number | null;
  decision: string;
  reason: number;
  override: number;
  passengers: number;
  received_at: string;
}

export class PostgresBoardingStore implements BoardingStore {
  readonly #pool: pg.Pool;
  #closed = false;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresBoardingStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 4, connectionTimeoutMillis: 10_000 });
    // Without a listener an idle client's error (server restarted) would crash the process.
    const onError = options.onError;
    pool.on('error', (e) => onError?.call(undefined, e));
    try {
      await transaction(pool, async (c) => {
        await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        await c.query(SCHEMA_MIGRATIONS_TABLE);
        const applied = (await c.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version);
        for (const m of pendingMigrations(applied, options.migrations ?? MIGRATIONS)) {
          for (const sql of m.postgres) await c.query(sql);
          await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
        }
      });
    } catch (e) {
      await pool.end();
      throw e;
    }
    return new PostgresBoardingStore(pool);
  }

  async storeBatch(operator: string, validator: string, batch: BoardingBatch, receivedAt: number): Promise<StoreResult> {
    this.#checkOpen();
    const k = [operator, validator, batch.log];
    const key = 'operator = $1 AND validator = $2 AND log_id = $3';
    return transaction(this.#pool, async (c) => {
      await c.query(
        'INSERT INTO sync_state (operator, validator, log_id, acked_through, updated_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
        [...k, batch.acked, receivedAt],
      );
      const held = Number((await c.query<{ acked_through: string }>(`SELECT acked_through FROM sync_state WHERE ${key} FOR UPDATE`, k)).rows[0].acked_through);
      const inserted = await c.query<{ seq: string }>(insertBoardingsSql(batch.records.length), boardingParams(operator, validator, batch, receivedAt));
      const insertedSeqs = inserted.rows.map((r) => Number(r.seq)).sort((a, b) => a - b);
      if (batch.toSeq > held) {
        await c.query('INSERT INTO batch_ranges (operator, validator, log_id, from_seq, to_seq) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
          ...k, batch.fromSeq, batch.toSeq,
        ]);
      }
      const open = await c.query<{ from_seq: string; to_seq: string }>(`SELECT from_seq, to_seq FROM batch_ranges WHERE ${key} AND to_seq > $4`, [...k, held]);
      const step = advanceAck(held, batch.acked, open.rows.map((r) => ({ fromSeq: Number(r.from_seq), toSeq: Number(r.to_seq) })));
      if (step.ackedThrough !== held) {
        await c.query(`UPDATE sync_state SET acked_through = $4, updated_at = $5 WHERE ${key}`, [...k, step.ackedThrough, receivedAt]);
        await c.query(`DELETE FROM batch_ranges WHERE ${key} AND to_seq <= $4`, [...k, step.ackedThrough]);
      }
      return {
        ackUpTo: step.ackedThrough,
        inserted: insertedSeqs.length,
        duplicates: batch.records.length - insertedSeqs.length,
        insertedSeqs,
        ...(step.raised ? { raised: step.raised } : {}),
      };
    });
  }

  async count(filter: BoardingFilter = {}): Promise<number> {
    this.#checkOpen();
    const r = await this.#pool.query<{ n: string }>(
      'SELECT count(*) AS n FROM boardings WHERE ($1::text IS NULL OR operator = $1) AND ($2::text IS NULL OR validator = $2)',
      [filter.operator ?? null, filter.validator ?? null],
    );
    return Number(r.rows[0].n);
  }

  async boardings(operator: string, validator: string, log?: number): Promise<StoredBoarding[]> {
    this.#checkOpen();
    const r = await this.#pool.query<BoardingRow>(
      'SELECT * FROM boardings WHERE operator = $1 AND validator = $2 AND ($3::bigint IS NULL OR log_id = $3) ORDER BY log_id, seq',
      [operator, validator, log ?? null],
    );
    return r.rows.map(toBoarding);
  }

  async ackedThrough(operator: string, validator: string, log: number): Promise<number | undefined> {
    this.#checkOpen();
    const r = await this.#pool.query<{ acked_through: string }>(
      'SELECT acked_through FROM sync_state WHERE operator = $1 AND validator = $2 AND log_id = $3',
      [operator, validator, log],
    );
    return r.rows.length === 0 ? undefined : Number(r.rows[0].acked_through);
  }

  async schemaVersion(): Promise<number> {
    this.#checkOpen();
    const r = await this.#pool.query<{ v: number }>('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
    return r.rows[0].v;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error('the boarding store is closed');
  }
}

async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true; // the connection itself failed: do not hand it out again
    }
    throw e;
  } finally {
    client.release(broken);
  }
}

/** One multi-row INSERT for the whole batch; RETURNING names the rows that were new. */
function insertBoardingsSql(count: number): string {
  const rows: string[] = [];
  for (let i = 0; i < count; i++) {
    const base = i * BOARDING_COLUMNS;
    rows.push(`(${Array.from({ length: BOARDING_COLUMNS }, (_, j) => `$${base + j + 1}`).join(', ')})`);
  }
  return `INSERT INTO boardings (operator, validator, log_id, seq, time, ticket_hash, trip, service_date, decision, reason, override, passengers, received_at)
    VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING RETURNING seq`;
}

function boardingParams(operator: string, validator: string, batch: BoardingBatch, receivedAt: number): unknown[] {
  const params: unknown[] = [];
  for (const r of batch.records) {
    params.push(
      operator, validator, batch.log, r.seq, r.time, r.ticket ? Buffer.from(r.ticket.buffer, r.ticket.byteOffset, r.ticket.byteLength) : null,
      r.trip ?? null, r.serviceDate ?? null, r.decision, r.reason, r.override, r.passengers, receivedAt,
    );
  }
  return params;
}

function toBoarding(r: BoardingRow): StoredBoarding {
  return {
    operator: r.operator,
    validator: r.validator,
    log: Number(r.log_id),
    seq: Number(r.seq),
    time: Number(r.time),
    ticketHash: r.ticket_hash === null ? null : new Uint8Array(r.ticket_hash),
    trip: r.trip,
    serviceDate: r.service_date,
    decision: r.decision as Decision,
    reason: r.reason,
    override: r.override,
    passengers: r.passengers,
    receivedAt: Number(r.received_at),
  };
}
