/**
 * A tiny benchmark harness: warm up, time each call, report median and p99.
 * Benchmarks print tables with ratios against a reference measured in the
 * same run, so numbers compare across machines.
 */
export interface Stats {
  readonly name: string;
  readonly samples: number;
  /** Milliseconds. */
  readonly median: number;
  readonly p99: number;
  readonly mean: number;
}

export function measure(name: string, fn: () => unknown, options: { warmup?: number; samples?: number } = {}): Stats {
  const warmup = options.warmup ?? 50;
  const n = options.samples ?? 500;
  for (let i = 0; i < warmup; i++) fn();
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    times[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  return summarize(name, times);
}

/** Median, p99 and mean of times taken elsewhere (milliseconds). */
export function summarize(name: string, times: ArrayLike<number>): Stats {
  const sorted = Float64Array.from(times).sort();
  const n = sorted.length;
  const mean = sorted.reduce((a, b) => a + b, 0) / n;
  return { name, samples: n, median: sorted[Math.floor(n / 2)], p99: sorted[Math.min(n - 1, Math.floor(n * 0.99))], mean };
}

export function printTable(title: string, header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): void {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? format(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: ReadonlyArray<string | number>) => '| ' + r.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  console.log(`\n${title}\n`);
  console.log(line(cells[0]));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const r of cells.slice(1)) console.log(line(r));
}

function format(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toFixed(4);
}
