/** The back office's ingest: boarding batches from the broker into the database, exactly once, then acknowledged. */
export { advanceAck, type AckStep, type SeqRange } from './ack-coverage.js';
export {
  StoreKind, storeKindOf, type BoardingFilter, type BoardingStore, type StoreResult, type StoredBoarding,
} from './boarding-store.js';
export { MIGRATIONS, MigrationError, pendingMigrations, type Migration } from './migrations.js';
export { SqliteBoardingStore, type SqliteStoreOptions } from './sqlite-store.js';
export { PostgresBoardingStore, type PostgresStoreOptions } from './postgres-store.js';
export { openBoardingStore, type OpenStoreOptions } from './open-boarding-store.js';
export { IngestService, MalformedKind, MAX_BATCH_BYTES, type IngestOptions, type IngestStats } from './ingest-service.js';
