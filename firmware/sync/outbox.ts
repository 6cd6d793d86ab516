/**
 * The flash outbox: unacknowledged boarding records go to the back office
 * in batches, and come off the validator only when the back office says it
 * has stored them (`ack {upToSeq}`), never on the broker's PUBACK, which
 * only means the broker has the message.
 *
 * Batches follow each other without gaps: the first starts right after the
 * acknowledged point, each next one right after the last. At most
 * `maxInFlight` are unacknowledged at a time, so a long backlog neither
 * floods the broker nor the validator's RAM. If acks stop coming (ingest
 * down, ack lost) the outbox starts again from the acknowledged point after
 * `ackTimeoutMs`; the back office stores each record once however often it
 * arrives. A reconnect starts again from the acknowledged point too.
 */
import { encodeBoardingBatch } from '../../protocol/sync/boarding-batch.js';
import type { Ack } from '../../protocol/sync/ack.js';
import type { BoardingLog } from '../log/boarding-log.js';

export interface OutboxSettings {
  /** Records per batch; a batch of 100 is about 3.6 KB. */
  readonly batchSize: number;
  /** Batches sent and not yet acknowledged, at most. */
  readonly maxInFlight: number;
  /** No ack progress for this long: send again from the acknowledged point, ms. */
  readonly ackTimeoutMs: number;
}

export const DEFAULT_OUTBOX: OutboxSettings = Object.freeze({ batchSize: 100, maxInFlight: 8, ackTimeoutMs: 20_000 });

export const AckOutcome = Object.freeze({
  /** The acknowledged point moved; records were released. */
  ADVANCED: 'advanced',
  /** Nothing new: a repeated or late ack. */
  UNCHANGED: 'unchanged',
  /** For another log (the partition was formatted since): ignored. */
  OTHER_LOG: 'other-log',
  /** Beyond the last record in the log: ignored, never trusted to release records. */
  BEYOND_LOG: 'beyond-log',
} as const);
export type AckOutcome = (typeof AckOutcome)[keyof typeof AckOutcome];

export interface OutboxStats {
  readonly batchesSent: number;
  readonly recordsSent: number;
  readonly acks: number;
  readonly resends: number;
  readonly inFlight: number;
  /** Batches that could not be encoded; they stay in the log. */
  readonly faults: number;
}

export interface OutboxOptions {
  readonly log: BoardingLog;
  readonly settings?: Partial<OutboxSettings>;
  /** Monotonic ms. */
  readonly ticks: () => number;
  /** Publishes a batch (QoS 1); false when the link cannot take it now. */
  readonly publish: (payload: Uint8Array) => boolean;
}

interface InFlight {
  readonly toSeq: number;
}

export class Outbox {
  readonly #log: BoardingLog;
  readonly #settings: OutboxSettings;
  readonly #ticks: () => number;
  readonly #publish: (payload: Uint8Array) => boolean;
  #open = false;
  #inFlight: InFlight[] = [];
  /** First seq the next batch speaks for. */
  #next = 0;
  /** ticks() when the acknowledged point last moved, or the first batch after it went out. */
  #progressAt = 0;
  #batchNo = 0;
  #batchesSent = 0;
  #recordsSent = 0;
  #acks = 0;
  #resends = 0;
  #faults = 0;

  constructor(options: OutboxOptions) {
    this.#log = options.log;
    this.#settings = { ...DEFAULT_OUTBOX, ...options.settings };
    this.#ticks = options.ticks;
    this.#publish = options.publish;
  }

  get stats(): OutboxStats {
    return { batchesSent: this.#batchesSent, recordsSent: this.#recordsSent, acks: this.#acks, resends: this.#resends, inFlight: this.#inFlight.length, faults: this.#faults };
  }

  /** The link is up: everything unacknowledged goes again, from the acknowledged point. */
  open(): void {
    this.#open = true;
    this.#restart();
    this.pump();
  }

  /** The link is down: nothing in flight any more; nothing is lost, the log keeps it all. */
  close(): void {
    this.#open = false;
    this.#inFlight = [];
  }

  /** Sends what the window allows. Call when records were appended, on syncNow and on a timer. */
  pump(): void {
    if (!this.#open) return;
    this.#checkTimeout();
    const log = this.#log;
    while (this.#inFlight.length < this.#settings.maxInFlight) {
      const records = log.read(this.#next, this.#settings.batchSize);
      if (records.length === 0) return;
      const status = log.status();
      const fromSeq = Math.max(this.#next, status.ackedSeq + 1);
      const toSeq = records[records.length - 1].seq;
      let payload: Uint8Array;
      try {
        payload = encodeBoardingBatch({
          log: status.logId,
          batch: this.#batchNo + 1,
          acked: status.ackedSeq,
          fromSeq,
          toSeq,
          // A log record has the wire record's fields (and nothing of the passenger).
          records,
        });
      } catch {
        // A record flash gave back that the format cannot carry: a firmware bug. Keep it, stop here, count it.
        this.#faults++;
        return;
      }
      if (!this.#publish(payload)) return;
      this.#batchNo++;
      if (this.#inFlight.length === 0) this.#progressAt = this.#ticks();
      this.#inFlight.push({ toSeq });
      this.#next = toSeq + 1;
      this.#batchesSent++;
      this.#recordsSent += records.length;
    }
  }

  /**
   * The back office's ack. Only an ack for this log, within the records it
   * holds, releases records. It need not be for a batch of this session: an
   * ack for what went out before a reboot saves sending it again.
   */
  acknowledge(ack: Ack): AckOutcome {
    const status = this.#log.status();
    if (ack.log !== status.logId) return AckOutcome.OTHER_LOG;
    if (ack.upToSeq >= status.nextSeq) return AckOutcome.BEYOND_LOG;
    this.#acks++;
    if (ack.upToSeq <= status.ackedSeq) return AckOutcome.UNCHANGED;
    this.#log.markAcked(ack.upToSeq);
    this.#inFlight = this.#inFlight.filter((b) => b.toSeq > ack.upToSeq);
    if (this.#next <= ack.upToSeq) this.#next = ack.upToSeq + 1;
    this.#progressAt = this.#ticks();
    this.pump();
    return AckOutcome.ADVANCED;
  }

  #checkTimeout(): void {
    if (this.#inFlight.length === 0 || this.#ticks() - this.#progressAt < this.#settings.ackTimeoutMs) return;
    this.#resends++;
    this.#restart();
  }

  #restart(): void {
    this.#inFlight = [];
    this.#next = this.#log.status().ackedSeq + 1;
  }
}
