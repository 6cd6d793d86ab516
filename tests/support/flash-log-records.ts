/**
 * Every boarding record a simulated validator's log partition holds,
 * acknowledged or not: what the back office's database must match.
 *
 * The log itself reads only unacknowledged records, so this reads a copy of
 * the partition with the ack marks wiped (they lie outside the records'
 * CRCs) through the firmware's own FlashBoardingLog: the bytes are parsed by
 * the code that wrote them, and the validator's flash is left untouched.
 */
import type { BoardingRecord } from '../../firmware/log/boarding-log.js';
import { FlashBoardingLog } from '../../firmware/log/flash-log.js';
import { ACK_OFFSET, BoardingSlots, LogLayout, decodeHeader, decodeTrip } from '../../firmware/log/record-format.js';
import { ERASED } from '../../firmware/flash/erased.js';
import { utf8ToString } from '../../protocol/bytes.js';
import { FlashChip } from '../../simulator/host/flash.js';

/** Records of the log in partition `path` of `chip`, in seq order. Needs no power and opens nothing on `chip`. */
export function flashLogRecords(chip: FlashChip, path: string): BoardingRecord[] {
  const bytes = chip.snapshot(path);
  const { blockLength } = chip.wear(path);
  for (let base = 0; base < bytes.length; base += blockLength) wipeAckMarks(bytes.subarray(base, base + blockLength));
  const copy = new FlashChip({ partitions: { [path]: { size: bytes.length, blockLength } } });
  const partition = copy.open({ path, mode: 'r+' });
  // Erased flash takes any bytes.
  partition.write(bytes, 0);
  const log = new FlashBoardingLog({ partition });
  try {
    return log.read(0, Number.MAX_SAFE_INTEGER);
  } finally {
    log.close();
  }
}

/** Clears the ack mark of every whole boarding slot of a live block, in place. */
function wipeAckMarks(block: Uint8Array): void {
  const header = decodeHeader(block);
  if (!header || header.retired) return;
  const slots = new BoardingSlots(block);
  const count = block.length / LogLayout.SLOT;
  for (let slot = 1; slot < count; ) {
    const offset = slot * LogLayout.SLOT;
    if (slots.whole(offset)) {
      block[offset + ACK_OFFSET] = ERASED;
      slot++;
      continue;
    }
    // Trip names may span slots; their bytes must not be taken for boardings.
    slot += decodeTrip(block, offset, utf8ToString)?.slots ?? 1;
  }
}
