/**
 * A batch of boarding records from a validator's flash outbox, published on
 * `tk/v1/{op}/{v}/evt/boarding` (QoS 1). CBOR, integer keys:
 *
 *   {1: format (1), 2: log id, 3: batch no, 4: acked, 5: fromSeq, 6: toSeq, 7: [record, ...]}
 *
 * The batch speaks for the whole range fromSeq..toSeq: the records in it are
 * all the log holds in that range (a seq spent by an append that a power cut
 * interrupted has no record). `acked` is what the validator held as
 * acknowledged when it built the batch, so a back office that has never seen
 * this log knows where the range it must cover starts. The log id changes
 * only when the partition is formatted, which restarts the seqs: records are
 * identified by (validator, log id, seq).
 *
 * A record is an array, in this order:
 *   [seq, time, ticket hash (8 bytes) or null, trip id or null,
 *    service date (YYYYMMDD) or null, decision (0 reject, 1 accept, 2 repeat),
 *    reason id (REASONS), override id (0 none), passengers]
 *
 * No personal data: the ticket hash is a hash of the ticket id, nothing of
 * the passenger.
 */
import { encodeCbor, decodeCbor, intMap } from '../cbor.js';
import { ErrorCode, ProtocolError } from '../errors.js';
import { Fields, asArray, asBytes, asText, asUint, isUint } from '../fields.js';
import { TICKET_HASH_LENGTH } from '../ticket/hash.js';
import { isServiceDate } from '../ticket/claims.js';
import { Decision, REASON_BY_ID } from '../validate/reasons.js';
import type { BoardingRecord } from './boarding-record.js';

export const BATCH_FORMAT = 1;
/** More than a validator ever sends at once; bounds what a receiver decodes. */
export const MAX_BATCH_RECORDS = 1000;
/** Trip ids are at most 96 UTF-8 bytes in flash; 96 characters is a safe upper bound here. */
export const MAX_TRIP_ID = 96;

export const BatchKey = Object.freeze({ FORMAT: 1, LOG: 2, BATCH: 3, ACKED: 4, FROM_SEQ: 5, TO_SEQ: 6, RECORDS: 7 } as const);

/** Decisions as batches carry them. */
export const DECISION_CODE: Readonly<Record<Decision, number>> = Object.freeze({ reject: 0, accept: 1, repeat: 2 });
const DECISION_BY_CODE: readonly Decision[] = Object.freeze([Decision.REJECT, Decision.ACCEPT, Decision.REPEAT]);

export interface BoardingBatch {
  /** Identifies the log (it changes when the partition is formatted), u32. */
  readonly log: number;
  /** Counter the validator gives its batches; for tracing only. */
  readonly batch: number;
  /** Highest seq the validator held as acknowledged when it built this batch. */
  readonly acked: number;
  readonly fromSeq: number;
  readonly toSeq: number;
  readonly records: readonly BoardingRecord[];
}

export function encodeBoardingBatch(batch: BoardingBatch): Uint8Array {
  checkBatch(batch, ErrorCode.INVALID_ARGUMENT);
  return encodeCbor(
    intMap([
      [BatchKey.FORMAT, BATCH_FORMAT],
      [BatchKey.LOG, batch.log],
      [BatchKey.BATCH, batch.batch],
      [BatchKey.ACKED, batch.acked],
      [BatchKey.FROM_SEQ, batch.fromSeq],
      [BatchKey.TO_SEQ, batch.toSeq],
      [BatchKey.RECORDS, batch.records.map(encodeRecord)],
    ]),
  );
}

function encodeRecord(r: BoardingRecord): unknown[] {
  return [r.seq, r.time, r.ticket ?? null, r.trip ?? null, r.serviceDate ?? null, DECISION_CODE[r.decision], r.reason, r.override, r.passengers];
}

/** Reads and checks a batch; throws ProtocolError (MALFORMED, UNSUPPORTED_VERSION). */
export function decodeBoardingBatch(bytes: Uint8Array): BoardingBatch {
  const f = new Fields(decodeCbor(bytes), 'batch');
  const format = f.uint(BatchKey.FORMAT, 'format');
  if (format !== BATCH_FORMAT) throw new ProtocolError(ErrorCode.UNSUPPORTED_VERSION, `batch format ${format} is not supported`);
  const raw = f.array(BatchKey.RECORDS, 'records');
  if (raw.length > MAX_BATCH_RECORDS) throw new ProtocolError(ErrorCode.MALFORMED, `batch has ${raw.length} records, at most ${MAX_BATCH_RECORDS} allowed`);
  const batch: BoardingBatch = {
    log: f.uint(BatchKey.LOG, 'log', 0xffffffff),
    batch: f.uint(BatchKey.BATCH, 'batch'),
    acked: f.uint(BatchKey.ACKED, 'acked'),
    fromSeq: f.uint(BatchKey.FROM_SEQ, 'fromSeq'),
    toSeq: f.uint(BatchKey.TO_SEQ, 'toSeq'),
    records: raw.map((r, i) => decodeRecord(r, `batch.records[${i}]`)),
  };
  checkBatch(batch, ErrorCode.MALFORMED);
  return batch;
}

function decodeRecord(value: unknown, what: string): BoardingRecord {
  const a = asArray(value, what);
  if (a.length !== 9) throw new ProtocolError(ErrorCode.MALFORMED, `${what} must have 9 fields`);
  const code = asUint(a[5], `${what}.decision`, DECISION_BY_CODE.length - 1);
  return {
    seq: asUint(a[0], `${what}.seq`),
    time: asUint(a[1], `${what}.time`),
    ticket: a[2] === null ? undefined : asBytes(a[2], `${what}.ticket`, TICKET_HASH_LENGTH),
    trip: a[3] === null ? undefined : asText(a[3], `${what}.trip`, MAX_TRIP_ID),
    serviceDate: a[4] === null ? undefined : asUint(a[4], `${what}.serviceDate`),
    decision: DECISION_BY_CODE[code],
    reason: asUint(a[6], `${what}.reason`, 255),
    override: asUint(a[7], `${what}.override`, 255),
    passengers: asUint(a[8], `${what}.passengers`, 255),
  };
}

/** The checks both ends make: what the encoder writes, the decoder reads back. */
function checkBatch(b: BoardingBatch, code: ErrorCode): void {
  const fail = (message: string): never => {
    throw new ProtocolError(code, message);
  };
  const uint = (v: unknown, what: string, max = Number.MAX_SAFE_INTEGER) => {
    if (!isUint(v) || v > max) fail(`${what} must be an unsigned integer up to ${max}`);
  };
  uint(b.log, 'batch log', 0xffffffff);
  uint(b.batch, 'batch number');
  uint(b.acked, 'batch acked');
  uint(b.fromSeq, 'batch fromSeq');
  uint(b.toSeq, 'batch toSeq');
  if (!Array.isArray(b.records)) fail('batch records must be an array');
  for (const r of b.records) {
    uint(r.seq, 'record seq');
    uint(r.time, `record ${r.seq} time`);
    uint(r.reason, `record ${r.seq} reason`, 255);
    uint(r.override, `record ${r.seq} override`, 255);
    uint(r.passengers, `record ${r.seq} passengers`, 255);
    if (!(r.decision in DECISION_CODE)) fail(`record ${r.seq} has unknown decision ${String(r.decision)}`);
    if (r.ticket !== undefined && !(r.ticket instanceof Uint8Array && r.ticket.length === TICKET_HASH_LENGTH)) fail(`record ${r.seq} ticket hash must be ${TICKET_HASH_LENGTH} bytes`);
    if (r.trip !== undefined && (typeof r.trip !== 'string' || r.trip.length > MAX_TRIP_ID)) fail(`record ${r.seq} trip must be text of at most ${MAX_TRIP_ID} characters`);
  }
  if (!(b.fromSeq > b.acked)) fail(`batch fromSeq ${b.fromSeq} must be above acked ${b.acked}`);
  if (!(b.toSeq >= b.fromSeq)) fail(`batch toSeq ${b.toSeq} is below fromSeq ${b.fromSeq}`);
  if (b.records.length === 0) fail('batch has no records');
  if (b.records.length > MAX_BATCH_RECORDS) fail(`batch has more than ${MAX_BATCH_RECORDS} records`);
  let last = b.fromSeq - 1;
  for (const r of b.records) {
    if (!(r.seq > last) || r.seq > b.toSeq) fail(`record seq ${r.seq} is out of order or outside ${b.fromSeq}..${b.toSeq}`);
    last = r.seq;
    if (REASON_BY_ID.get(r.reason) === undefined) fail(`record ${r.seq} has unknown reason ${r.reason}`);
    if (r.serviceDate !== undefined && !isServiceDate(r.serviceDate)) fail(`record ${r.seq} service date ${r.serviceDate} is not YYYYMMDD`);
    if ((r.trip === undefined) !== (r.serviceDate === undefined)) fail(`record ${r.seq} must carry both trip and service date, or neither`);
  }
  if (last !== b.toSeq) fail(`batch toSeq ${b.toSeq} is not its last record's seq ${last}`);
}
