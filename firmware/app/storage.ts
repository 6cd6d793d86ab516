/**
 * The validator's persistent state, opened from the board's flash: the
 * boarding log (boardings, usage, outbox) and the settings store (signed
 * configuration, chosen trip). Opened before the app is built and closed
 * after it shuts down, by whoever composes the validator (main.ts on the
 * device, the simulator on Node).
 */
import type { BoardConfig } from '../board/board.js';
import { FlashBoardingLog } from '../log/flash-log.js';
import type { Random } from '../platform/random.js';
import { FlashStore } from '../store/flash-store.js';
import type { FlashProvider } from '../types/ecma419.js';

export interface FlashStorage {
  readonly log: FlashBoardingLog;
  readonly store: FlashStore;
  /** Closes both; idempotent. */
  close(): void;
}

export interface FlashStorageOptions {
  readonly flash: FlashProvider;
  readonly board: BoardConfig;
  readonly random?: Random;
  /** Monotonic ms, so the log can report what recovery cost. */
  readonly ticks?: () => number;
}

export function openFlashStorage(options: FlashStorageOptions): FlashStorage {
  const { flash, board } = options;
  const logPartition = flash.open({ path: board.flash.log, mode: 'r+' });
  let log: FlashBoardingLog;
  try {
    log = new FlashBoardingLog({ partition: logPartition, random: options.random, ticks: options.ticks });
  } catch (e) {
    logPartition.close();
    throw e;
  }
  let store: FlashStore;
  try {
    const storePartition = flash.open({ path: board.flash.store, mode: 'r+' });
    try {
      store = new FlashStore({ partition: storePartition });
    } catch (e) {
      storePartition.close();
      throw e;
    }
  } catch (e) {
    log.close();
    throw e;
  }
  return Object.freeze({
    log,
    store,
    close(): void {
      log.close();
      store.close();
    },
  });
}
