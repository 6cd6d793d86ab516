/**
 * The NOR-flash boarding log on a 1 MiB partition of 4096-byte blocks (the
 * ESP32's sector), memory-backed: what a record costs in flash, how many fit,
 * how fast appends, acks, outbox reads and boot recovery are, and how evenly
 * the ring wears after many generations. Appends are compared with a log
 * kept only in RAM (an array and the same used-ticket index), measured in
 * the same run.
 * Targets (issue 5): at most 48 bytes a record, at least 20,000 records in
 * 1 MiB, recovery of a full 1 MiB log under 1 s on Node, erase spread of at
 * most 2 between the most and least erased block. Recovery is timed cold
 * (the first boot after filling, from log.recovery) and warm (10 reboots).
 */
import { performance } from 'node:perf_hooks';
import type { BoardingEntry, BoardingRecord } from '../firmware/log/boarding-log.js';
import { FlashBoardingLog } from '../firmware/log/flash-log.js';
import { LogLayout } from '../firmware/log/record-format.js';
import { UsageIndex } from '../firmware/log/usage-index.js';
import { Decision, REASONS } from '../protocol/validate/reasons.js';
import { FlashChip } from '../simulator/host/flash.js';
import { seededRandom } from '../simulator/platform/seeded-random.js';
import { measure, printTable } from './harness.js';

const SIZE = 1 << 20;
const BLOCK = 4096;
const PATH = 'log';
/** A departure changes about every 40 boardings. */
const TRIP_EVERY = 40;
const OUTBOX_BATCH = 50;
const GENERATIONS = 4;
/** More boardings than a 1 MiB log holds; generated before timing starts. */
const ENTRIES = 40_000;
const TARGET = Object.freeze({ recordBytes: 48, records: 20_000, recoveryMs: 1000, eraseSpread: 2 });

function verdict(ok: boolean): string {
  return ok ? 'met' : 'NOT met';
}

/** Boardings as a day of service produces them: mostly accepts, fresh tickets, a new departure every ~40. */
function traffic(seed: number): () => BoardingEntry {
  const random = seededRandom(seed);
  let time = 1_740_000_000;
  let trip = 0;
  let n = 0;
  return () => {
    if (n++ % TRIP_EVERY === 0) trip++;
    time += 1 + Math.floor(random() * 20);
    const accepted = random() < 0.9;
    const info = accepted ? REASONS.ACCEPTED : REASONS.EXPIRED;
    return {
      time,
      ticket: Uint8Array.from({ length: 8 }, () => Math.floor(random() * 256)),
      // Ids as the trip list has them: line, departure time; every fifth a longer one (two trip slots).
      trip: trip % 5 === 0 ? `Linie ${trip % 90} Hauptbahnhof ${String(trip % 24).padStart(2, '0')}:15` : `${trip % 90}-${String(trip % 24).padStart(2, '0')}15`,
      serviceDate: 20250301 + Math.floor(trip / 30),
      decision: info.decision,
      reason: info.id,
      override: 0,
      passengers: accepted ? 1 + (random() < 0.1 ? 1 : 0) : 0,
    };
  };
}

function newChip(): FlashChip {
  return new FlashChip({ partitions: { [PATH]: { size: SIZE, blockLength: BLOCK } } });
}

function openLog(chip: FlashChip): FlashBoardingLog {
  return new FlashBoardingLog({ partition: chip.open({ path: PATH }), ticks: () => performance.now() });
}

/** Appends until the log refuses (or `limit`); returns how many it took and the milliseconds that cost. */
/** The reference: what a log with no persistence does on append (keep the record, count the ticket). */
function ramLog(): { append(e: BoardingEntry): BoardingRecord } {
  const records: BoardingRecord[] = [];
  const usage = new UsageIndex();
  return {
    append(e) {
      const record = { ...e, ticket: e.ticket?.slice(), seq: records.length + 1 };
      records.push(record);
      usage.add(record);
      return record;
    },
  };
}

function fill(log: { append(e: BoardingEntry): unknown }, entries: readonly BoardingEntry[], limit = entries.length): { records: number; ms: number } {
  let records = 0;
  const t0 = performance.now();
  while (records < limit && log.append(entries[records])) records++;
  return { records, ms: performance.now() - t0 };
}

function spread(counts: ArrayLike<number>): { min: number; max: number; mean: number } {
  let min = Infinity;
  let max = 0;
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    min = Math.min(min, counts[i]);
    max = Math.max(max, counts[i]);
    total += counts[i];
  }
  return { min, max, mean: total / counts.length };
}

export function run(): void {
  const next = traffic(1);
  const entries = Array.from({ length: ENTRIES }, next);
  // Warm both implementations up on throwaway logs, so neither pays for the JIT in its figure.
  fill(openLog(newChip()), entries, 5000);
  fill(ramLog(), entries, 5000);

  // 1. Fill an empty 1 MiB log with nothing acknowledged: capacity, bytes a record, append rate.
  const chip = newChip();
  let log = openLog(chip);
  const filled = fill(log, entries);
  if (!log.status().full || filled.records === entries.length) throw new Error('the log did not fill');
  const bytesPerRecord = SIZE / filled.records;

  // The reference: a RAM-only log taking the same boardings.
  const memoryFill = fill(ramLog(), entries, filled.records);
  const flashRate = filled.records / (filled.ms / 1000);
  const memoryRate = memoryFill.records / (memoryFill.ms / 1000);

  // 2. Boot recovery of the full log, as a reboot would do it.
  log.close();
  chip.reboot();
  log = openLog(chip);
  const recovery = log.recovery;
  const recover = measure('recover a full 1 MiB log (new FlashBoardingLog)', () => {
    chip.reboot();
    openLog(chip);
  }, { warmup: 1, samples: 10 });
  chip.reboot();
  log = openLog(chip);

  // 3. The outbox: read the whole backlog in batches, acknowledging each batch.
  let from = 1;
  const reads = measure(`read(from, ${OUTBOX_BATCH}) on a full log`, () => {
    const batch = log.read(from, OUTBOX_BATCH);
    from = batch.length ? batch[batch.length - 1].seq + 1 : 1;
  }, { warmup: 5, samples: 200 });
  let acked = 0;
  const acks = measure(`markAcked(+${OUTBOX_BATCH})`, () => {
    acked += OUTBOX_BATCH;
    log.markAcked(acked);
  }, { warmup: 5, samples: Math.floor(filled.records / OUTBOX_BATCH) - 10 });

  // 4. Steady state: boardings with the back office acknowledging every 50, for many generations of the ring.
  const steadyAppends = GENERATIONS * filled.records;
  let refused = 0;
  const t0 = performance.now();
  for (let i = 0; i < steadyAppends; i++) {
    const r = log.append(entries[i % ENTRIES]);
    if (!r) refused++;
    else if (r.seq % OUTBOX_BATCH === 0) log.markAcked(r.seq);
  }
  const steadyMs = performance.now() - t0;
  const steadyRate = steadyAppends / (steadyMs / 1000);
  const chipWear = spread(chip.wear(PATH).eraseCounts);
  const headerWear = log.status().wear;
  const generations = chip.wear(PATH).erases / (SIZE / BLOCK);

  printTable(`Boarding log on NOR flash: 1 MiB, ${BLOCK}-byte blocks, a new trip every ~${TRIP_EVERY} boardings, Node ${process.version}`, ['what', 'value', 'target', ''], [
    ['bytes a record (slot)', LogLayout.SLOT, `<= ${TARGET.recordBytes}`, verdict(LogLayout.SLOT <= TARGET.recordBytes)],
    ['flash bytes a record (headers, trip slots)', bytesPerRecord, `<= ${TARGET.recordBytes}`, verdict(bytesPerRecord <= TARGET.recordBytes)],
    ['records in 1 MiB', filled.records, `>= ${TARGET.records}`, verdict(filled.records >= TARGET.records)],
    ['recovery, full log, first boot (cold code) ms', recovery.ms ?? NaN, `< ${TARGET.recoveryMs}`, verdict((recovery.ms ?? Infinity) < TARGET.recoveryMs)],
    ['recovery, full log: median ms', recover.median, `< ${TARGET.recoveryMs}`, verdict(recover.median < TARGET.recoveryMs)],
    ['recovery, full log: max ms', recover.p99, `< ${TARGET.recoveryMs}`, verdict(recover.p99 < TARGET.recoveryMs)],
    ['erase spread after the run (max - min, chip)', chipWear.max - chipWear.min, `<= ${TARGET.eraseSpread}`, verdict(chipWear.max - chipWear.min <= TARGET.eraseSpread)],
  ]);

  printTable('Recovery as the log reports it (log.recovery)', ['blocks', 'live blocks', 'records', 'torn slots', 'bytes read', 'ms', 'formatted'], [
    [recovery.blocks, recovery.liveBlocks, recovery.records, recovery.tornSlots, recovery.bytesRead, recovery.ms ?? 'n/a', String(recovery.formatted)],
  ]);

  printTable('Appends, acks and outbox reads', ['what', 'appends/s or median ms', 'p99 ms', 'x RAM-only log appends/s'], [
    ['RAM-only log append (reference: array + used-ticket index), appends/s', memoryRate, '', 1],
    ['FlashBoardingLog.append, filling an empty log, appends/s', flashRate, '', flashRate / memoryRate],
    [`FlashBoardingLog.append, steady state (ack every ${OUTBOX_BATCH}, reclaiming), appends/s`, steadyRate, '', steadyRate / memoryRate],
    [`${acks.name}, ms`, acks.median, acks.p99, ''],
    [`${reads.name}, ms`, reads.median, reads.p99, ''],
    [`outbox drain, records/s (batches of ${OUTBOX_BATCH})`, OUTBOX_BATCH / (reads.median / 1000), '', ''],
  ]);

  printTable(`Wear after ${generations.toFixed(1)} generations of the ring (${steadyAppends} appends, ${refused} refused)`, ['source', 'min erases', 'max erases', 'mean', 'spread'], [
    ['chip.wear(path).eraseCounts', chipWear.min, chipWear.max, chipWear.mean, chipWear.max - chipWear.min],
    ['status().wear (block headers)', headerWear.minErases, headerWear.maxErases, headerWear.totalErases / (SIZE / BLOCK), headerWear.maxErases - headerWear.minErases],
  ]);
  log.close();
}
