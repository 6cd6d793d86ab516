/**
 * The outbox over the real flash log: what it sends, and which acks release
 * records. End to end through a broker: tests/e2e/sync.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { decodeBoardingBatch, Decision } from '../../protocol/index.js';
import { FlashBoardingLog } from '../../firmware/log/flash-log.js';
import { AckOutcome, Outbox } from '../../firmware/sync/outbox.js';
import { FlashChip } from '../../simulator/host/flash.js';

function setup(records: number, settings = {}) {
  const chip = new FlashChip({ partitions: { boardings: { size: 64 * 1024, blockLength: 4096 } } });
  const log = new FlashBoardingLog({ partition: chip.open({ path: 'boardings', mode: 'r+' }) });
  for (let i = 0; i < records; i++) log.append({ time: 1_764_000_000 + i, decision: Decision.ACCEPT, reason: 0, override: 0, passengers: 1, trip: 'K101-0830', serviceDate: 20261125 });
  const sent: ReturnType<typeof decodeBoardingBatch>[] = [];
  let ticks = 0;
  let accept = true;
  const outbox = new Outbox({
    log,
    settings: { batchSize: 10, maxInFlight: 2, ackTimeoutMs: 1000, ...settings },
    ticks: () => ticks,
    publish: (payload) => accept && sent.push(decodeBoardingBatch(payload)) > 0,
  });
  return {
    log, outbox, sent,
    advance: (ms: number) => (ticks += ms),
    refuse: (value: boolean) => (accept = !value),
  };
}

describe('outbox', () => {
  it('sends contiguous batches up to the window, and more as acks come', () => {
    const { log, outbox, sent } = setup(35);
    outbox.open();
    expect(sent.map((b) => [b.fromSeq, b.toSeq, b.acked])).toEqual([[1, 10, 0], [11, 20, 0]]);
    expect(outbox.acknowledge({ upToSeq: 10, log: log.status().logId })).toBe(AckOutcome.ADVANCED);
    expect(sent.map((b) => b.fromSeq)).toEqual([1, 11, 21]);
    expect(sent[2].acked).toBe(10);
    outbox.acknowledge({ upToSeq: 30, log: log.status().logId });
    expect(sent[3]).toMatchObject({ fromSeq: 31, toSeq: 35, acked: 30 });
    expect(log.status().unacked).toBe(5);
  });

  it('an ack for another log, or past the last record, releases nothing; a repeated one changes nothing', () => {
    const { log, outbox } = setup(15);
    outbox.open();
    const id = log.status().logId;
    expect(outbox.acknowledge({ upToSeq: 10, log: (id + 1) >>> 0 })).toBe(AckOutcome.OTHER_LOG);
    expect(outbox.acknowledge({ upToSeq: 16, log: id })).toBe(AckOutcome.BEYOND_LOG);
    expect(log.status().ackedSeq).toBe(0);
    expect(outbox.acknowledge({ upToSeq: 10, log: id })).toBe(AckOutcome.ADVANCED);
    expect(outbox.acknowledge({ upToSeq: 10, log: id })).toBe(AckOutcome.UNCHANGED);
    expect(outbox.acknowledge({ upToSeq: 4, log: id })).toBe(AckOutcome.UNCHANGED);
    expect(log.status().ackedSeq).toBe(10);
  });

  it('an ack for records sent before a reboot releases them before they go again', () => {
    const first = setup(20);
    first.outbox.open();
    // A new outbox, as after a reboot, before it has sent anything.
    const again = new Outbox({ log: first.log, ticks: () => 0, publish: () => true });
    expect(again.acknowledge({ upToSeq: 20, log: first.log.status().logId })).toBe(AckOutcome.ADVANCED);
    expect(first.log.status().unacked).toBe(0);
  });

  it('sends again from the acknowledged point when acks stop coming, and when the link comes back', () => {
    const { log, outbox, sent, advance } = setup(25);
    outbox.open();
    outbox.acknowledge({ upToSeq: 10, log: log.status().logId });
    expect(sent.map((b) => b.fromSeq)).toEqual([1, 11, 21]);
    advance(999);
    outbox.pump();
    expect(sent).toHaveLength(3);
    advance(1);
    outbox.pump();
    expect(sent.slice(3).map((b) => b.fromSeq)).toEqual([11, 21]);
    expect(outbox.stats.resends).toBe(1);
    outbox.close();
    outbox.open();
    expect(sent.slice(5).map((b) => b.fromSeq)).toEqual([11, 21]);
  });

  it('a link that cannot take a batch now loses nothing: the same batch goes when it can', () => {
    const { outbox, sent, refuse } = setup(12);
    refuse(true);
    outbox.open();
    expect(sent).toHaveLength(0);
    refuse(false);
    outbox.pump();
    expect(sent.map((b) => [b.fromSeq, b.toSeq])).toEqual([[1, 10], [11, 12]]);
  });
});
