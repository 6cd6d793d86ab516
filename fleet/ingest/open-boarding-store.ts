/** Opens the store a `--db` target names: a PostgreSQL URL, or else a SQLite file path. */
import { StoreKind, storeKindOf, type BoardingStore } from './boarding-store.js';
import type { Migration } from './migrations.js';
import { PostgresBoardingStore } from './postgres-store.js';
import { SqliteBoardingStore } from './sqlite-store.js';

export interface OpenStoreOptions {
  readonly migrations?: readonly Migration[];
  /** PostgreSQL only: errors of idle pooled connections. */
  readonly onError?: (error: Error) => void;
}

export async function openBoardingStore(target: string, options: OpenStoreOptions = {}): Promise<BoardingStore> {
  if (storeKindOf(target) === StoreKind.POSTGRES) return PostgresBoardingStore.open(target, options);
  return new SqliteBoardingStore(target, options);
}
