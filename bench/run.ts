/** `npm run bench`: every benchmark, one table each. */
import { run as flashLog } from './flash-log.js';
import { run as qrSize } from './qr-size.js';
import { run as scanLatency } from './scan-latency.js';
import { run as sync } from './sync.js';
import { run as verify } from './verify.js';
import { run as xs } from './xs.js';

const benches: Record<string, () => void | Promise<void>> = { 'qr-size': qrSize, verify, 'scan-latency': scanLatency, 'flash-log': flashLog, xs, sync };
const only = process.argv.slice(2);
for (const [name, run] of Object.entries(benches)) {
  if (only.length === 0 || only.includes(name)) await run();
}
