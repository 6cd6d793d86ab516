/**
 * `fleet ingest` as a shell runs it: a child process that stores and
 * acknowledges batches from a real Mosquitto into a SQLite file, publishes
 * the ops feed, and stops cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteBoardingStore } from '../../fleet/ingest/index.js';
import { runCli } from '../../fleet/run-cli.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { ValidatorDouble, batchesOf, waitFor } from './ingest-fixtures.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OP = 'CLIOP';
let broker: Mosquitto;
let dir: string;

beforeAll(async () => {
  broker = await startMosquitto();
  dir = mkdtempSync(join(tmpdir(), 'tk-ingest-cli-'));
});

afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('fleet ingest', () => {
  it('stores and acknowledges until SIGTERM, then reports and exits 0', async () => {
    const db = join(dir, 'boardings.sqlite');
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'fleet', 'cli.ts'), 'ingest', '--broker', broker.url, '--db', db, '--operator', OP], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await waitFor(() => stdout.includes('ingest subscribed to'), `the service to subscribe (stdout: ${stdout}, stderr: ${stderr})`, 30_000);
      expect(stdout).toMatch(/database SQLite .*boardings\.sqlite, schema version \d+/);

      const feed: string[] = [];
      const dashboard = await connectAsync(broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
      dashboard.on('message', (_t, payload) => feed.push(payload.toString()));
      await dashboard.subscribeAsync(`tk/v1/${OP}/ops/feed`, { qos: 0 });

      const v = await ValidatorDouble.connect(broker.url, 'V1', {}, OP);
      for (const b of batchesOf(2, 5)) await v.send(b);
      await v.waitForAck(10);
      await waitFor(() => feed.length === 2, 'two feed messages');
      await v.close();
      await dashboard.endAsync(true);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    expect(stdout).toMatch(/stopped: 2 batches, 10 new records, 0 duplicates, 0 refused, 2 acks, 0 store errors/);
    expect(stderr).toBe('');
    const store = new SqliteBoardingStore(db);
    expect(await store.count({ operator: OP })).toBe(10);
    await store.close();
  });

  it('checks its options', async () => {
    const run = async (...argv: string[]) => runCli(argv, { out: () => {}, err: () => {} });
    expect(await run('ingest')).toBe(2);
    expect(await run('ingest', '--broker', broker.url, '--operator', 'a b')).toBe(2);
    expect(await run('ingest', '--broker', broker.url, '--group', '$share')).toBe(2);
  });
});
