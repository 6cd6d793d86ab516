/** ESP-IDF partition tables (partitions.csv), parsed as gen_esp32part.py reads them. */

export interface Partition {
  readonly name: string;
  readonly type: string;
  readonly subtype: string;
  readonly offset: number;
  readonly size: number;
  readonly flags: string;
}

/** A number as partition tables write them: hex with 0x, decimal, or with a K or M suffix. */
export function partitionNumber(text: string): number {
  const t = text.trim();
  const m = /^(0x[0-9a-f]+|\d+)([km]?)$/i.exec(t);
  if (!m) throw new Error(`not a partition table number: "${text}"`);
  const n = m[1].toLowerCase().startsWith('0x') ? parseInt(m[1], 16) : parseInt(m[1], 10);
  return n * (m[2].toLowerCase() === 'k' ? 1024 : m[2].toLowerCase() === 'm' ? 1024 * 1024 : 1);
}

export function parsePartitions(csv: string): Partition[] {
  const out: Partition[] = [];
  for (const raw of csv.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [name, type, subtype, offset, size, flags = ''] = line.split(',').map((f) => f.trim());
    if (!name || !type || !subtype || !offset || !size) throw new Error(`incomplete partition line: ${line}`);
    out.push({ name, type, subtype, offset: partitionNumber(offset), size: partitionNumber(size), flags });
  }
  return out;
}
