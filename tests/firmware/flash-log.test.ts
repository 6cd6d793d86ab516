/**
 * The boarding log on simulated NOR flash: what it stores, what a reboot
 * finds, acknowledgement, reclamation, a full ring, and the used-ticket
 * state. Power cuts at random points are in flash-log-power-cut.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Decision } from '../../protocol/validate/reasons.js';
import type { BoardingEntry, BoardingRecord } from '../../firmware/log/boarding-log.js';
import { FlashBoardingLog } from '../../firmware/log/flash-log.js';
import { LogLayout } from '../../firmware/log/record-format.js';
import { FlashChip } from '../../simulator/host/flash.js';
import { PowerLossError } from '../../simulator/host/power-cut.js';
import { seededRandom } from '../../simulator/platform/seeded-random.js';

const T0 = 1_790_000_000;

function chip(blocks: number, blockLength = 256): FlashChip {
  return new FlashChip({ partitions: { boardings: { size: blocks * blockLength, blockLength } } });
}

function open(c: FlashChip, seed = 7): FlashBoardingLog {
  const rng = seededRandom(seed);
  return new FlashBoardingLog({ partition: c.open({ path: 'boardings' }), random: { bytes: (n) => Uint8Array.from({ length: n }, () => Math.floor(rng() * 256)) } });
}

/** Power cycle: the old log object is abandoned, a new one recovers from flash. */
function reboot(c: FlashChip): FlashBoardingLog {
  c.reboot();
  return open(c);
}

function ticket(n: number): Uint8Array {
  return Uint8Array.from({ length: 8 }, (_, i) => (n >> ((i % 4) * 8)) & 0xff ^ i);
}

function entry(n: number, over: Partial<BoardingEntry> = {}): BoardingEntry {
  return { time: T0 + n, ticket: ticket(n), trip: 'K101-0830', serviceDate: 20261125, decision: Decision.ACCEPT, reason: 0, override: 0, passengers: 1, ...over };
}

/** What a test compares: records as plain data. */
function plain(records: readonly BoardingRecord[]): unknown[] {
  return records.map((r) => ({ ...r, ticket: r.ticket ? Array.from(r.ticket) : undefined }));
}

describe('flash boarding log: layout', () => {
  it('a record takes 32 bytes, and 1 MiB holds more than 20,000 of them with no acknowledgement', () => {
    expect(LogLayout.SLOT).toBeLessThanOrEqual(48);
    const c = new FlashChip({ partitions: { boardings: {} } });
    const log = open(c);
    expect(log.capacity).toBeGreaterThanOrEqual(20_000);
    // A realistic shift pattern: the trip changes every 40 boardings.
    for (let i = 0; i < 20_000; i++) {
      expect(log.append(entry(i, { trip: `K${100 + Math.floor(i / 40)}-0830` }))).toBeDefined();
    }
    const status = log.status();
    expect(status).toMatchObject({ records: 20_000, unacked: 20_000, dropped: 0, full: false, nextSeq: 20_001 });
  });

  it('refuses a partition it cannot hold a ring in', () => {
    expect(() => open(chip(1))).toThrow(RangeError);
    const odd = new FlashChip({ partitions: { boardings: { size: 300, blockLength: 100 } } });
    expect(() => open(odd)).toThrow(RangeError);
  });
});

describe('flash boarding log: what survives a reboot', () => {
  it('every record comes back exactly as appended, and numbering continues after the last one', () => {
    const c = chip(8);
    let log = open(c);
    const appended = [
      log.append(entry(1))!,
      log.append(entry(2, { decision: Decision.REJECT, reason: 42, ticket: undefined, passengers: 0 }))!,
      log.append(entry(3, { trip: undefined, serviceDate: undefined }))!,
      log.append(entry(4, { override: 2, reason: 50, passengers: 3 }))!,
      log.append(entry(5, { trip: '定制客运-济南西站-0930', serviceDate: 20261126 }))!,
      log.append(entry(6, { trip: '班'.repeat(32) }))!,
      log.append(entry(7, { decision: Decision.REPEAT, reason: 2 }))!,
    ];
    expect(appended.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(plain(log.read(1, 100))).toEqual(plain(appended));
    log = reboot(c);
    expect(plain(log.read(1, 100))).toEqual(plain(appended));
    expect(log.append(entry(8))!.seq).toBe(8);
    expect(log.recovery).toMatchObject({ blocks: 8, records: 7, tornSlots: 0, bytesRead: 8 * 256, formatted: false });
  });

  it('keeps its log id, chosen when the blank partition was formatted', () => {
    const c = chip(4);
    const first = open(c, 1);
    expect(first.recovery.formatted).toBe(true);
    const id = first.status().logId;
    expect(id).not.toBe(0);
    expect(reboot(c).status().logId).toBe(id);
    expect(open(chip(4), 2).status().logId).not.toBe(id);
  });

  it('reads in batches from any sequence number, unacknowledged records only', () => {
    const c = chip(8);
    const log = open(c);
    for (let i = 1; i <= 30; i++) log.append(entry(i));
    expect(log.read(1, 10).map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(log.read(25, 10).map((r) => r.seq)).toEqual([25, 26, 27, 28, 29, 30]);
    log.markAcked(12);
    expect(log.read(1, 3).map((r) => r.seq)).toEqual([13, 14, 15]);
    expect(log.status()).toMatchObject({ unacked: 18, ackedSeq: 12 });
  });

  it('acknowledgement survives a reboot, and is never taken back by an older ack', () => {
    const c = chip(8);
    let log = open(c);
    for (let i = 1; i <= 20; i++) log.append(entry(i));
    log.markAcked(9);
    log.markAcked(4);
    log = reboot(c);
    expect(log.status()).toMatchObject({ ackedSeq: 9, unacked: 11, nextSeq: 21 });
    expect(log.read(1, 100)[0].seq).toBe(10);
    // An ack beyond the last record acknowledges what exists, not numbers to come.
    log.markAcked(1000);
    log = reboot(c);
    expect(log.status()).toMatchObject({ ackedSeq: 20, unacked: 0 });
    expect(log.append(entry(21))!.seq).toBe(21);
    expect(log.read(1, 100).map((r) => r.seq)).toEqual([21]);
  });

  it('a record the power cut mid-write is skipped, and the records after it are read', () => {
    const c = chip(8);
    let log = open(c);
    log.append(entry(1));
    c.powerCut.arm({ afterBytes: 10, random: seededRandom(3) });
    expect(() => log.append(entry(2))).toThrow(PowerLossError);
    log = reboot(c);
    expect(log.recovery.tornSlots).toBe(1);
    expect(log.read(1, 10).map((r) => r.time)).toEqual([T0 + 1]);
    const next = log.append(entry(3))!;
    expect(next.seq).toBe(2);
    log = reboot(c);
    expect(plain(log.read(1, 10))).toEqual(plain([{ ...entry(1), seq: 1 }, next] as BoardingRecord[]));
    expect(c.wear('boardings').conflictingBytes).toBe(0);
  });
});

describe('flash boarding log: reclaiming blocks', () => {
  it('wraps around the ring for many generations, erasing every block evenly, and a reboot at any point finds the same state', () => {
    const c = chip(4);
    let log = open(c);
    let seq = 0;
    for (let round = 0; round < 60; round++) {
      for (let i = 0; i < 5; i++) seq = log.append(entry(seq + 1, { trip: `T${round % 3}` }))!.seq;
      if (round % 2 === 1) log.markAcked(seq - 2);
      const before = { status: log.status(), records: plain(log.read(1, 1000)) };
      log = reboot(c);
      const after = { status: log.status(), records: plain(log.read(1, 1000)) };
      expect(after.status).toMatchObject({ nextSeq: before.status.nextSeq, unacked: before.status.unacked, records: before.status.records });
      expect(after.records).toEqual(before.records);
    }
    expect(seq).toBe(300);
    const wear = c.wear('boardings');
    expect(wear.maxEraseCount - Math.min(...wear.eraseCounts)).toBeLessThanOrEqual(1);
    expect(wear.conflictingBytes).toBe(0);
    expect(log.status().wear.maxErases - log.status().wear.minErases).toBeLessThanOrEqual(1);
    expect(log.status().wear.maxErases).toBeGreaterThan(5);
  });

  it('erases a block only when every record in it is acknowledged', () => {
    const c = chip(2);
    const log = open(c);
    // Header + trip name + 6 boardings a block.
    for (let i = 1; i <= 12; i++) expect(log.append(entry(i))).toBeDefined();
    log.markAcked(5);
    expect(log.append(entry(13))).toBeUndefined();
    log.markAcked(6);
    expect(log.append(entry(13))!.seq).toBe(13);
    expect(c.eraseCounts('boardings')).toEqual(Uint32Array.from([2, 1]));
  });
});

describe('flash boarding log: a chip that refuses an operation', () => {
  it('a refused erase or header write fails that append only; the next one takes the same block, and nothing is lost', () => {
    const c = chip(3);
    let log = open(c);
    for (let i = 1; i <= 6; i++) log.append(entry(i));
    c.failNext('erase', 'boardings');
    expect(() => log.append(entry(7))).toThrow(/eraseBlock\(\) failed/);
    c.failNext('write', 'boardings');
    expect(() => log.append(entry(8))).toThrow(/write\(\) failed/);
    const next = log.append(entry(9))!;
    expect(next.seq).toBe(7);
    expect(log.status()).toMatchObject({ records: 7, unacked: 7, full: false });
    log = reboot(c);
    expect(log.read(1, 100).map((r) => r.time)).toEqual([1, 2, 3, 4, 5, 6, 9].map((i) => T0 + i));
    expect(log.append(entry(10))!.seq).toBe(8);
    expect(c.eraseCounts('boardings')).toEqual(Uint32Array.from([1, 2, 0]));
  });
});

describe('flash boarding log: retention', () => {
  it('forgets acknowledged blocks older than the cut-off, oldest first, never an unacknowledged one, and a boot reads only what is kept', () => {
    const c = chip(8);
    let log = open(c);
    // Header + trip name + 6 boardings a block: records 1-6 in block 0, 7-12 in block 1, ...
    for (let i = 1; i <= 30; i++) log.append(entry(i, { ticket: ticket(i), time: T0 + i * 3600 }));
    log.markAcked(15);
    const erasesBefore = Array.from(c.eraseCounts('boardings'));
    // Blocks 0 and 1 are acknowledged and older than the cut-off; block 2 holds unacknowledged 16-18.
    expect(log.reclaim(T0 + 100 * 3600, 5)).toBe(2);
    expect(log.reclaim(T0 + 100 * 3600, 5)).toBe(0);
    expect(log.get(ticket(3))).toBeUndefined();
    expect(log.get(ticket(13))).toEqual({ boardings: 1, lastTrip: 'K101-0830', lastTime: T0 + 13 * 3600 });
    expect(log.read(1, 100).map((r) => r.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 16));
    // Retiring is one byte: the erase waits for the head, so wear is unchanged.
    expect(Array.from(c.eraseCounts('boardings'))).toEqual(erasesBefore);
    const status = log.status();
    log = reboot(c);
    expect(log.recovery.records).toBe(18);
    expect(log.status()).toMatchObject({ ackedSeq: 15, nextSeq: 31, unacked: status.unacked, records: 18 });
    expect(log.get(ticket(3))).toBeUndefined();
    expect(log.get(ticket(13))).toBeDefined();
  });

  it('keeps a block while any record in it is newer than the cut-off, and everything after it', () => {
    const c = chip(8);
    const log = open(c);
    for (let i = 1; i <= 18; i++) log.append(entry(i, { time: T0 + i }));
    log.markAcked(18);
    expect(log.reclaim(T0 + 6, 5)).toBe(0);
    expect(log.reclaim(T0 + 7, 5)).toBe(1);
    expect(log.reclaim(T0 + 7, 5)).toBe(0);
    // The head is never retired, however old.
    expect(log.reclaim(T0 + 1000, 5)).toBe(1);
    expect(log.status().records).toBe(6);
    expect(log.append(entry(19))!.seq).toBe(19);
  });
});

describe('flash boarding log: full of unacknowledged records', () => {
  it('refuses and counts instead of overwriting, stays full through a reboot, and takes records again once acknowledged', () => {
    const c = chip(3);
    let log = open(c);
    const stored: BoardingRecord[] = [];
    for (let i = 1; ; i++) {
      const r = log.append(entry(i));
      if (!r) break;
      stored.push(r);
    }
    expect(stored).toHaveLength(18);
    expect(log.append(entry(99))).toBeUndefined();
    expect(log.status()).toMatchObject({ full: true, dropped: 2, unacked: 18 });
    log = reboot(c);
    expect(log.status()).toMatchObject({ full: true, unacked: 18 });
    expect(plain(log.read(1, 100))).toEqual(plain(stored));
    expect(log.append(entry(100))).toBeUndefined();
    log.markAcked(stored[5].seq);
    expect(log.append(entry(101))!.seq).toBe(19);
    expect(log.status().full).toBe(false);
  });
});

describe('flash boarding log: used tickets and counts rebuilt at boot', () => {
  it('answers "has this ticket boarded, where, when" and "how many on this trip" after a reboot as before it', () => {
    const c = chip(8);
    let log = open(c);
    log.append(entry(1, { ticket: ticket(1), trip: 'A', time: T0 }));
    log.append(entry(2, { ticket: ticket(1), trip: 'B', time: T0 + 600 }));
    log.append(entry(3, { ticket: ticket(2), trip: 'A', passengers: 3 }));
    log.append(entry(4, { ticket: ticket(3), decision: Decision.REJECT, reason: 40 }));
    log.append(entry(5, { ticket: ticket(4), override: 1, reason: 40 }));
    const before = [log.get(ticket(1)), log.get(ticket(2)), log.get(ticket(3)), log.get(ticket(4)), log.boarded('A', 20261125), log.boarded('B', 20261125)];
    expect(before).toEqual([
      { boardings: 2, lastTrip: 'B', lastTime: T0 + 600 },
      { boardings: 1, lastTrip: 'A', lastTime: T0 + 3 },
      undefined,
      { boardings: 1, lastTrip: 'K101-0830', lastTime: T0 + 5 },
      4,
      1,
    ]);
    log = reboot(c);
    expect([log.get(ticket(1)), log.get(ticket(2)), log.get(ticket(3)), log.get(ticket(4)), log.boarded('A', 20261125), log.boarded('B', 20261125)]).toEqual(before);
  });

  it('forgets what a reclaimed block said, the same way before and after a reboot', () => {
    const c = chip(2);
    let log = open(c);
    for (let i = 1; i <= 12; i++) log.append(entry(i, { ticket: ticket(i % 7) }));
    log.markAcked(12);
    log.append(entry(13, { ticket: ticket(13) }));
    const answers = (l: FlashBoardingLog) => [...Array.from({ length: 14 }, (_, i) => l.get(ticket(i))), l.boarded('K101-0830', 20261125)];
    const before = answers(log);
    expect(before[14]).toBe(7);
    log = reboot(c);
    expect(answers(log)).toEqual(before);
  });
});
