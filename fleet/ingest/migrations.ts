/**
 * The database schema as an ordered list of numbered migrations, recorded in
 * `schema_migrations`. Each store applies the ones a database lacks at open,
 * in one transaction, so re-opening applies nothing and a database left at
 * an older version is brought up to the latest. Never edit or renumber a
 * migration that has shipped: add a new one.
 *
 * Each migration carries its SQL for both dialects (SQLite and PostgreSQL
 * differ in integer widths and the byte type); the tables are the same.
 */

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sqlite: readonly string[];
  readonly postgres: readonly string[];
}

/** The bookkeeping table itself, created before anything else (same SQL in both dialects). */
export const SCHEMA_MIGRATIONS_TABLE =
  'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)';

export const MIGRATIONS: readonly Migration[] = Object.freeze([
  {
    version: 1,
    name: 'boardings, batch ranges and sync state',
    sqlite: [
      `CREATE TABLE boardings (
        operator TEXT NOT NULL, validator TEXT NOT NULL, log_id INTEGER NOT NULL, seq INTEGER NOT NULL,
        time INTEGER NOT NULL, ticket_hash BLOB, trip TEXT, service_date INTEGER,
        decision TEXT NOT NULL, reason INTEGER NOT NULL, override INTEGER NOT NULL, passengers INTEGER NOT NULL,
        received_at INTEGER NOT NULL,
        PRIMARY KEY (operator, validator, log_id, seq)
      ) WITHOUT ROWID`,
      `CREATE TABLE batch_ranges (
        operator TEXT NOT NULL, validator TEXT NOT NULL, log_id INTEGER NOT NULL, from_seq INTEGER NOT NULL, to_seq INTEGER NOT NULL,
        PRIMARY KEY (operator, validator, log_id, from_seq, to_seq)
      ) WITHOUT ROWID`,
      `CREATE TABLE sync_state (
        operator TEXT NOT NULL, validator TEXT NOT NULL, log_id INTEGER NOT NULL,
        acked_through INTEGER NOT NULL, updated_at INTEGER NOT NULL,
        PRIMARY KEY (operator, validator, log_id)
      ) WITHOUT ROWID`,
    ],
    postgres: [
      `CREATE TABLE boardings (
        operator TEXT NOT NULL, validator TEXT NOT NULL, log_id BIGINT NOT NULL, seq BIGINT NOT NULL,
        time BIGINT NOT NULL, ticket_hash BYTEA, trip TEXT, service_date INTEGER,
        decision TEXT NOT NULL, reason SMALLINT NOT NULL, override SMALLINT NOT NULL, passengers SMALLINT NOT NULL,
        received_at BIGINT NOT NULL,
        PRIMARY KEY (operator, validator, log_id, seq)
      )`,
      `CREATE TABLE batch_ranges (
        operator TEXT NOT NULL, validator TEXT NOT NULL, log_id BIGINT NOT NULL, from_seq BIGINT NOT NULL, to_seq BIGINT NOT NULL,
        PRIMARY KEY (operator, validator, log_id, from_seq, to_seq)
      )`,
      `CREATE TABLE sync_state (
        operator TEXT NOT NULL, validator TEXT NOT NULL, log_id BIGINT NOT NULL,
        acked_through BIGINT NOT NULL, updated_at BIGINT NOT NULL,
        PRIMARY KEY (operator, validator, log_id)
      )`,
    ],
  },
  {
    version: 2,
    // Loads per trip and settlement exports read boardings by service date and trip.
    name: 'boardings by service date and trip',
    sqlite: ['CREATE INDEX boardings_by_trip ON boardings (operator, service_date, trip)'],
    postgres: ['CREATE INDEX boardings_by_trip ON boardings (operator, service_date, trip)'],
  },
]);

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * The migrations a database with `applied` versions still needs, in order.
 * Refuses a list that is not numbered 1, 2, 3... and a database that is
 * newer than the list (an older program must not write to a newer schema).
 */
export function pendingMigrations(applied: Iterable<number>, migrations: readonly Migration[] = MIGRATIONS): Migration[] {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`migration ${i + 1} is numbered ${m.version}`);
  });
  const done = new Set(applied);
  const newest = Math.max(0, ...done);
  if (newest > migrations.length) {
    throw new MigrationError(`the database schema is at version ${newest}, newer than this program knows (${migrations.length})`);
  }
  return migrations.filter((m) => !done.has(m.version));
}
