/** Latency statistics and the connector's `Server-Timing` header, as the runner and the reports use them. */

export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentile of ascending `sorted` values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Rounds to 3 decimals (µs resolution in ms), so reports and JSON stay readable and stable. */
export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.length === 0 ? Number.NaN : sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return {
    count: sorted.length,
    mean: round3(mean),
    p50: round3(percentile(sorted, 50)),
    p95: round3(percentile(sorted, 95)),
    p99: round3(percentile(sorted, 99)),
    max: round3(sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!),
  };
}

/** Bucketed counts for a latency histogram: `bins` equal-width bins from the minimum to the p99.9 value. */
export function histogram(values: readonly number[], bins = 30): { readonly edges: number[]; readonly counts: number[] } {
  if (values.length === 0) return { edges: [], counts: [] };
  const sorted = [...values].sort((a, b) => a - b);
  const lo = sorted[0]!;
  const hi = Math.max(percentile(sorted, 99.9), lo + 1e-3);
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) counts[Math.min(bins - 1, Math.floor((Math.min(v, hi) - lo) / width))]! += 1;
  return { edges: Array.from({ length: bins + 1 }, (_, i) => round3(lo + i * width)), counts };
}

/** Stage → ms from `Server-Timing: queue;dur=0.12, card;dur=13.90, total;dur=16.92`. Unknown parts are skipped. */
export function parseServerTiming(header: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (!header) return out;
  for (const entry of header.split(',')) {
    const [name, ...params] = entry.trim().split(';');
    const dur = params.map((p) => p.trim()).find((p) => p.startsWith('dur='));
    const ms = dur === undefined ? Number.NaN : Number(dur.slice(4));
    if (name && Number.isFinite(ms)) out[name.trim()] = (out[name.trim()] ?? 0) + ms;
  }
  return out;
}

/**
 * Completions per second in the steady state: (n − 1) over the time from the first to the last completion, so
 * neither the ramp-up before the first answer nor a request cut off at the end skews a slow path (a 150 ms
 * card completes only ~30 requests in 5 s). Few completions: n over the step's duration.
 */
export function steadyRate(completedAt: readonly number[], durationS: number): number {
  const n = completedAt.length;
  if (n < 10) return n / durationS;
  const spanS = (completedAt[n - 1]! - completedAt[0]!) / 1000;
  return spanS > 0 ? (n - 1) / spanS : n / durationS;
}
