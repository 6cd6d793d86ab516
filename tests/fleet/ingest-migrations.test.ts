/**
 * Schema migrations on both databases: a new database gets every migration,
 * re-opening applies nothing, a database left at version 1 is brought up to
 * the latest with its data, and a database newer than the program is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import pg from 'pg';
import { MIGRATIONS, MigrationError, openBoardingStore, pendingMigrations } from '../../fleet/ingest/index.js';
import { DB_KINDS, Databases, OP, makeBatch } from './ingest-fixtures.js';

describe('pendingMigrations', () => {
  it('lists what a database lacks, in order', () => {
    expect(pendingMigrations([]).map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(pendingMigrations([1]).map((m) => m.version)).toEqual(MIGRATIONS.slice(1).map((m) => m.version));
    expect(pendingMigrations(MIGRATIONS.map((m) => m.version))).toEqual([]);
  });

  it('refuses a misnumbered list and a database newer than the program', () => {
    expect(() => pendingMigrations([], [MIGRATIONS[1]])).toThrow(MigrationError);
    expect(() => pendingMigrations([MIGRATIONS.length + 1])).toThrow(/newer than this program/);
  });

  it('has at least two migrations, so the upgrade path below is real', () => {
    expect(MIGRATIONS.length).toBeGreaterThanOrEqual(2);
  });
});

/** The applied versions and when, read straight from the database. */
async function appliedRows(kind: string, target: string): Promise<{ version: number; applied_at: string }[]> {
  if (kind === 'sqlite') {
    const db = new Database(target, { readonly: true });
    try {
      return (db.prepare('SELECT version, applied_at FROM schema_migrations ORDER BY version').all() as { version: number; applied_at: number }[])
        .map((r) => ({ version: r.version, applied_at: String(r.applied_at) }));
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: target });
  await c.connect();
  try {
    return (await c.query('SELECT version, applied_at FROM schema_migrations ORDER BY version')).rows.map((r) => ({ version: r.version, applied_at: String(r.applied_at) }));
  } finally {
    await c.end();
  }
}

describe.each(DB_KINDS)('migrations on %s', (kind) => {
  const dbs = new Databases(kind);

  beforeAll(async () => {
    await dbs.start();
  }, 60_000);

  afterAll(async () => {
    await dbs.close();
  });

  it('applies every migration to a new database and nothing on re-open', async () => {
    const target = await dbs.fresh();
    const first = await openBoardingStore(target);
    expect(await first.schemaVersion()).toBe(MIGRATIONS.length);
    await first.close();
    const before = await appliedRows(kind, target);
    expect(before.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));

    const again = await openBoardingStore(target);
    expect(await again.schemaVersion()).toBe(MIGRATIONS.length);
    await again.close();
    expect(await appliedRows(kind, target)).toEqual(before);
  });

  it('brings a database at version 1 up to the latest, keeping its boardings', async () => {
    const target = await dbs.fresh();
    const old = await openBoardingStore(target, { migrations: MIGRATIONS.slice(0, 1) });
    expect(await old.schemaVersion()).toBe(1);
    await old.storeBatch(OP, 'V1', makeBatch({ acked: 0, fromSeq: 1, toSeq: 4 }), Date.now());
    await old.close();

    const current = await openBoardingStore(target);
    expect(await current.schemaVersion()).toBe(MIGRATIONS.length);
    expect(await current.count()).toBe(4);
    expect(await current.ackedThrough(OP, 'V1', 0xbeef)).toBe(4);
    const result = await current.storeBatch(OP, 'V1', makeBatch({ acked: 0, fromSeq: 5, toSeq: 6 }), Date.now());
    expect(result).toMatchObject({ ackUpTo: 6, inserted: 2, duplicates: 0 });
    await current.close();
  });

  it('refuses to open a database newer than the program', async () => {
    const target = await dbs.fresh();
    await (await openBoardingStore(target)).close();
    await expect(openBoardingStore(target, { migrations: MIGRATIONS.slice(0, 1) })).rejects.toThrow(MigrationError);
  });

  it('lets two stores open one new database at the same moment', async () => {
    const target = await dbs.fresh();
    const stores = await Promise.all([openBoardingStore(target), openBoardingStore(target)]);
    for (const s of stores) expect(await s.schemaVersion()).toBe(MIGRATIONS.length);
    await Promise.all(stores.map((s) => s.close()));
    expect((await appliedRows(kind, target)).map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });
});
