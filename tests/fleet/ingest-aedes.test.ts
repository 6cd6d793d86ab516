/**
 * The ingest service and ops monitor on the embedded aedes broker that
 * `npm start` uses: aedes has no shared subscriptions, so the service runs
 * with `shared: false` (MQTT 3.1.1, a plain subscription), and the same
 * exactly-once and ack rules hold.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../fleet/broker/embedded-broker.js';
import { IngestService, SqliteBoardingStore } from '../../fleet/ingest/index.js';
import { OpsMonitor } from '../../fleet/ops/index.js';
import { ValidatorDouble, batchesOf, OP, waitFor } from './ingest-fixtures.js';

let broker: EmbeddedBroker;
let dir: string;

beforeAll(async () => {
  broker = await startEmbeddedBroker();
  dir = mkdtempSync(join(tmpdir(), 'tk-aedes-'));
});

afterAll(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('ingest on aedes', () => {
  it('stores once and acknowledges through a plain subscription', async () => {
    const store = new SqliteBoardingStore(join(dir, 'aedes.sqlite'));
    const monitor = new OpsMonitor({ brokerUrl: broker.url, operator: OP, tickMs: 0 });
    const ingest = new IngestService({ brokerUrl: broker.url, store, shared: false, onStored: monitor.onStored });
    const v = await ValidatorDouble.connect(broker.url, 'V-AEDES');
    try {
      await monitor.start();
      await ingest.start();
      expect(ingest.subscription).toBe('tk/v1/+/+/evt/boarding');
      const [b1, b2, b3] = batchesOf(3, 20);
      await v.send(b2);
      await v.send(b1);
      await v.send(b1);
      await v.send(b3);
      await v.waitForAck(60);
      expect(v.acks.map((a) => a.upToSeq)).toEqual([0, 40, 40, 60]);
      expect(await store.count({ validator: 'V-AEDES' })).toBe(60);
      await waitFor(() => monitor.summary(OP)?.boardings.total === 60, 'the monitor to count 60 boardings');
    } finally {
      await v.close();
      await ingest.close();
      await monitor.close();
      await store.close();
    }
  });
});
