/**
 * `npm start` (sim fleet): a whole system on one machine. Run in-process for
 * a few seconds: boardings reach the database exactly as the validators
 * logged them, and a dashboard on MQTT-over-WebSocket sees the ops feeds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterAll, expect, test } from 'vitest';
import { runFleet } from '../../simulator/cli/fleet-run.js';

const dir = mkdtempSync(join(tmpdir(), 'tk-fleet-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a simulated fleet boards passengers into the database through the embedded broker; a WebSocket dashboard sees the ops feeds', async () => {
  const db = join(dir, 'fleet.sqlite');
  const lines: string[] = [];
  let resolveWs: (url: string) => void = () => {};
  const wsUrl = new Promise<string>((r) => (resolveWs = r));
  let stop: () => void = () => {};
  const stopped = new Promise<void>((r) => (stop = r));
  const io = {
    out(text: string) {
      lines.push(text);
      const ws = /MQTT over WebSocket: (ws:\/\/\S+?)\)/.exec(text);
      if (ws) resolveWs(ws[1]);
    },
  };
  const running = runFleet({ validators: 3, db, port: 0, wsPort: 0, host: '127.0.0.1', passengerGapMs: 250, statusEveryMs: 500, seed: 3 }, io, stopped);

  const dashboard = await mqtt.connectAsync(await wsUrl);
  const summaries: Array<{ validators: { total: number; online: number } }> = [];
  dashboard.on('message', (topic, payload) => {
    if (topic === 'tk/v1/YTBUS/ops/summary') summaries.push(JSON.parse(payload.toString()));
  });
  await dashboard.subscribeAsync('tk/v1/YTBUS/ops/#');
  await expect.poll(() => summaries.some((s) => s.validators.online === 3), { timeout: 15_000 }).toBe(true);
  await expect.poll(() => lines.filter((l) => / stored · backlog /.test(l)).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
  await dashboard.endAsync();
  stop();
  const result = await running;

  expect(result.decisions).toBeGreaterThan(0);
  // Every decision is in a validator's log; what the back office acknowledged is in the database, once.
  expect(result.stored + result.backlog).toBe(result.decisions);
  // Stopping lets the validators send what they hold first.
  expect(result.backlog).toBe(0);
  const sqlite = new Database(db, { readonly: true });
  const rows = sqlite
    .prepare('select (select count(*) from boardings) as n, (select count(*) from (select 1 from boardings group by operator, validator, log_id, seq)) as distinct_keys')
    .get() as { n: number; distinct_keys: number };
  sqlite.close();
  expect(rows.n).toBe(result.stored);
  expect(rows.distinct_keys).toBe(rows.n);
  expect(lines.some((l) => l.includes('stopped:'))).toBe(true);
}, 60_000);

test('a port already in use is a usage error that says which options to change', async () => {
  const { createServer } = await import('node:net');
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  const port = (busy.address() as { port: number }).port;
  try {
    await expect(runFleet({ validators: 1, db: join(dir, 'busy.sqlite'), port, wsPort: 0, host: '127.0.0.1', passengerGapMs: 1000, statusEveryMs: 1000, seed: 1 }, { out() {} }, new Promise(() => {})))
      .rejects.toThrow(/in use.*--port/);
  } finally {
    busy.close();
  }
});
