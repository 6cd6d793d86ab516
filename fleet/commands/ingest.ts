/**
 * ingest: run the ingest service and the ops monitor until SIGINT or
 * SIGTERM, one log line per event worth one (connection lost, a refused
 * batch, a database error, an alert). Boardings go to a SQLite file by
 * default, or to PostgreSQL when --db is a postgres:// URL.
 */
import { isTopicId } from '../../protocol/index.js';
import type { Io } from '../command.js';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { IngestService } from '../ingest/ingest-service.js';
import { openBoardingStore } from '../ingest/open-boarding-store.js';
import { StoreKind, storeKindOf } from '../ingest/boarding-store.js';
import { flag, optionalString } from '../input/options.js';
import { OpsMonitor } from '../ops/ops-monitor.js';
import { brokerUrl, topicId } from '../input/mqtt-options.js';

export const DEFAULT_DB = 'boardings.sqlite';

export interface IngestRun {
  readonly broker: string;
  readonly db: string;
  readonly shared: boolean;
  readonly operator: string;
  readonly group: string;
  readonly ops: boolean;
}

export const ingest: Command = {
  name: 'ingest',
  summary: 'store boardings from the broker exactly once and publish the ops feeds (runs until stopped)',
  help: `Usage: fleet ingest --broker URL [--db FILE | --db postgres://...] [--no-shared] [--operator OP] [--group NAME] [--no-ops]

Takes boarding batches off tk/v1/+/+/evt/boarding, stores every record
exactly once, then acknowledges on the validator's ack topic. Publishes the
dashboard feeds under tk/v1/OP/ops/ (see docs/mqtt.md). Runs until SIGINT
(Ctrl-C) or SIGTERM.

Options:
  --broker URL     mqtt://host:port (also mqtts://, ws://, wss://)
  --db TARGET      a SQLite file (default ${DEFAULT_DB}) or a postgres:// URL
  --no-shared      subscribe without $share (brokers without shared subscriptions,
                   such as the embedded aedes); run one instance only then
  --operator OP    only this operator's validators (default: all)
  --group NAME     the shared subscription group (default ingest)
  --no-ops         no ops feeds: for the second and later instances of a group`,
  options: {
    broker: { type: 'string' },
    db: { type: 'string' },
    'no-shared': { type: 'boolean' },
    operator: { type: 'string' },
    group: { type: 'string' },
    'no-ops': { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const group = optionalString(values, 'group') ?? 'ingest';
    if (!isTopicId(group)) throw new UsageError('--group must be 1-64 characters of A-Z a-z 0-9 . _ -');
    const run: IngestRun = {
      broker: brokerUrl(values.broker),
      db: optionalString(values, 'db') ?? DEFAULT_DB,
      shared: !flag(values, 'no-shared'),
      operator: topicId(values, 'operator', false) ?? '+',
      group,
      ops: !flag(values, 'no-ops'),
    };
    await runIngest(run, io, stopSignal());
  },
};

/** Resolves at the first SIGINT or SIGTERM. */
function stopSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** The whole service, until `stop` resolves; in-process tests pass their own `stop`. */
export async function runIngest(run: IngestRun, io: Io, stop: Promise<void>): Promise<void> {
  const log = (line: string) => io.out(`${new Date().toISOString()} ${line}`);
  const store = await openBoardingStore(run.db, { onError: (e) => log(`database connection error: ${e.message}`) });
  const monitor = run.ops ? new OpsMonitor({ brokerUrl: run.broker, operator: run.operator, log }) : undefined;
  const service = new IngestService({
    brokerUrl: run.broker, store, group: run.group, shared: run.shared, operator: run.operator, log, onStored: monitor?.onStored,
  });
  try {
    log(`database ${describeDb(run.db)}, schema version ${await store.schemaVersion()}`);
    // Both retry until the broker is there; a stop before that ends the wait.
    const started = Promise.all([monitor?.start(), service.start()]);
    started.catch(() => {});
    await Promise.race([started, stop]);
    await stop;
    log('stopping');
  } finally {
    await service.close();
    await monitor?.close();
    await store.close();
  }
  const s = service.stats;
  log(`stopped: ${s.batches} batches, ${s.records} new records, ${s.duplicates} duplicates, ${s.malformed} refused, ${s.acks} acks, ${s.storeErrors} store errors`);
}

/** The database for a log line, without a password. */
function describeDb(target: string): string {
  if (storeKindOf(target) === StoreKind.SQLITE) return `SQLite ${target}`;
  try {
    const url = new URL(target);
    if (url.password) url.password = '***';
    return `PostgreSQL ${url.toString()}`;
  } catch {
    return 'PostgreSQL';
  }
}
