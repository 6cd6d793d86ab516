/**
 * `sim fleet` (what `npm start` runs): a whole system on one machine. An
 * embedded MQTT broker (aedes, TCP and WebSocket), the back office's ingest
 * into SQLite with the ops feeds, and a fleet of simulated validators with
 * passengers boarding at random, syncing through the broker. A status line
 * every few seconds; stops on Ctrl-C or after --duration, each validator
 * saying goodbye, and prints what was stored.
 */
import { startEmbeddedBroker } from '../../fleet/broker/embedded-broker.js';
import { IngestService } from '../../fleet/ingest/ingest-service.js';
import { openBoardingStore } from '../../fleet/ingest/open-boarding-store.js';
import { OpsMonitor } from '../../fleet/ops/ops-monitor.js';
import { SimulatedFleet, type FleetTotals } from '../fleet/sim-fleet.js';
import { UsageError } from './errors.js';

/** At the end, how long the validators get to send what they still hold. */
const DRAIN_MS = 5000;

export interface FleetRun {
  readonly validators: number;
  readonly db: string;
  readonly port: number;
  readonly wsPort: number;
  readonly host: string;
  /** Mean time between passengers at one bus, ms. */
  readonly passengerGapMs: number;
  readonly statusEveryMs: number;
  readonly seed: number;
}

export interface FleetRunIo {
  out(text: string): void;
}

export interface FleetRunResult {
  readonly decisions: number;
  readonly stored: number;
  readonly backlog: number;
}

export async function runFleet(run: FleetRun, io: FleetRunIo, stop: Promise<void>): Promise<FleetRunResult> {
  const time = () => new Date().toISOString().slice(11, 19);
  const log = (line: string) => io.out(`${time()} ${line}`);
  const broker = await startEmbeddedBroker({ host: run.host, port: run.port, wsPort: run.wsPort }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') throw new UsageError(`port ${run.port} or ${run.wsPort} is in use on ${run.host}: choose others with --port and --ws-port`);
    throw e;
  });
  log(`broker ${broker.url} (MQTT over WebSocket: ${broker.wsUrl})`);
  const store = await openBoardingStore(run.db);
  log(`boardings stored in ${run.db}`);
  const ops = new OpsMonitor({ brokerUrl: broker.url, log });
  // aedes has no shared subscriptions: one ingest instance, subscribed directly.
  const ingest = new IngestService({ brokerUrl: broker.url, store, shared: false, log, onStored: ops.onStored });
  let fleet: SimulatedFleet | undefined;
  let status: NodeJS.Timeout | undefined;
  let last: FleetTotals | undefined;
  try {
    await Promise.all([ops.start(), ingest.start()]);
    fleet = new SimulatedFleet({ brokerPort: broker.port, brokerHost: run.host, validators: run.validators, passengerGapMs: run.passengerGapMs, seed: run.seed });
    log(`${run.validators} validators of ${fleet.world.operator} on the road; topics under tk/v1/${fleet.world.operator}/ (docs/mqtt.md)`);
    fleet.start();
    const f = fleet;
    status = setInterval(() => {
      const t = f.totals;
      const s = ingest.stats;
      log(`${t.online}/${t.validators} online · ${t.decisions} scans, ${t.accepted} boarded · ${s.records} stored · backlog ${t.backlog}`);
    }, run.statusEveryMs);
    await stop;
    log('stopping: no more passengers; the validators send what they hold');
    f.stopBoarding();
    await f.until(() => f.totals.backlog === 0, DRAIN_MS).catch(() => {});
  } finally {
    if (status) clearInterval(status);
    last = fleet?.totals;
    fleet?.close();
    // Let the last goodbyes and acks cross before the broker goes.
    await new Promise((r) => setTimeout(r, 200));
    await ingest.close();
    await ops.close();
    await store.close();
    await broker.close();
  }
  const t = last;
  const result = { decisions: t?.decisions ?? 0, stored: ingest.stats.records, backlog: t?.backlog ?? 0 };
  log(`stopped: ${result.decisions} scans, ${result.stored} records stored, ${result.backlog} still on the validators (they keep them until acknowledged)`);
  return result;
}
