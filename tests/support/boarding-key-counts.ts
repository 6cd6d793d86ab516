/**
 * How many rows the boardings table holds for each record key
 * (operator, validator, log id, seq), read over a connection of our own
 * rather than through the store under test, so a record stored twice shows
 * here whatever the store's own queries do.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { StoreKind, storeKindOf } from '../../fleet/ingest/index.js';

export interface KeyCount {
  readonly operator: string;
  readonly validator: string;
  readonly log: number;
  readonly seq: number;
  readonly rows: number;
}

interface Row {
  operator: string;
  validator: string;
  log_id: number | string;
  seq: number | string;
  n: number | string;
}

const SQL = `SELECT operator, validator, log_id, seq, count(*) AS n FROM boardings
  GROUP BY operator, validator, log_id, seq ORDER BY operator, validator, log_id, seq`;

/** Row counts per key of the database a `--db` target names (a PostgreSQL URL or a SQLite file). */
export async function boardingKeyCounts(target: string): Promise<KeyCount[]> {
  return (await query(target)).map((r) => ({ operator: r.operator, validator: r.validator, log: Number(r.log_id), seq: Number(r.seq), rows: Number(r.n) }));
}

async function query(target: string): Promise<Row[]> {
  if (storeKindOf(target) === StoreKind.POSTGRES) {
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      return (await client.query<Row>(SQL)).rows;
    } finally {
      await client.end();
    }
  }
  const db = new Database(target, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return db.prepare(SQL).all() as Row[];
  } finally {
    db.close();
  }
}
