/**
 * A real PostgreSQL server for one test file: initdb into a temporary
 * directory and a postmaster on a free port, stopped and removed after.
 * PostgreSQL refuses to run as root, so under root (CI) the server runs as
 * the `postgres` system user that Debian's package creates.
 *
 * With TK_TEST_PG_URL set (e.g. postgres://postgres@127.0.0.1:5432/postgres),
 * the tests use that server instead, each in a database of its own.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort, waitForPort } from './free-port.js';

export interface Postgres {
  /** A database of this test file's own. */
  readonly url: string;
  close(): Promise<void>;
}

const BIN = process.env.PG_BIN ?? findBin();

function findBin(): string {
  for (const v of ['17', '16', '15', '14']) {
    try {
      execFileSync(`/usr/lib/postgresql/${v}/bin/postgres`, ['--version'], { stdio: 'ignore' });
      return `/usr/lib/postgresql/${v}/bin`;
    } catch {
      // next
    }
  }
  return '/usr/local/bin';
}

export async function startPostgres(): Promise<Postgres> {
  const given = process.env.TK_TEST_PG_URL;
  if (given) return ownDatabase(given);

  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tk-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  // Spawned with the user's ids directly (not through runuser), so signals reach the server itself.
  const user: { uid?: number; gid?: number } = {};
  if (asRoot) {
    user.uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    user.gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  execFileSync(`${BIN}/initdb`, ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8'], { stdio: 'pipe', cwd: dir, ...user });
  const args = ['-D', data, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'];
  let output = '';
  const child: ChildProcess = spawn(`${BIN}/postgres`, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir, ...user });
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  try {
    await waitForPort(port, 30_000);
    await waitForReady(`postgres://postgres@127.0.0.1:${port}/postgres`);
  } catch (e) {
    child.kill('SIGKILL');
    throw new Error(`PostgreSQL did not start: ${(e as Error).message}\n${output}`);
  }
  let closed = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async close() {
      if (closed) return;
      closed = true;
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        // Fast shutdown: roll back clients, no checkpoint wait beyond what is needed.
        child.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitForReady(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      return;
    } catch (e) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function ownDatabase(base: string): Promise<Postgres> {
  const name = `tk_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  let closed = false;
  return {
    url: url.toString(),
    async close() {
      if (closed) return;
      closed = true;
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
