import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { stableJson } from './stable-json.js';

/**
 * `load/baseline.json`: machine-independent ratios only — connector throughput over its ceiling measured in
 * the same run, growth from one card to more with the latency model — never absolute times, so a baseline
 * recorded on one machine judges a run on another.
 */
export interface Baseline {
  readonly note: string;
  /** A ratio regresses when it falls below baseline × (1 − tolerance). */
  readonly tolerance: number;
  readonly ratios: Readonly<Record<string, number>>;
}

export type ComparisonStatus = 'ok' | 'improved' | 'regressed' | 'missing' | 'new';

export interface ComparisonEntry {
  readonly key: string;
  readonly baseline: number | null;
  readonly current: number | null;
  /** current / baseline − 1, rounded to 0.001. */
  readonly change: number | null;
  readonly status: ComparisonStatus;
}

export interface Comparison {
  readonly tolerance: number;
  readonly entries: readonly ComparisonEntry[];
  /** Keys that regressed or were not measured this run although the baseline has them. */
  readonly regressions: readonly string[];
}

/** 25 %: the runs share a 2-core machine with other work; a real regression moves a ratio by more. */
export const DEFAULT_TOLERANCE = 0.25;

const BASELINE_NOTE = 'Written by `t1c-lab load --update-baseline`. Ratios only (machine-independent): <backend>.<path>.ceilingRatio = connector throughput / min(ceilings) in the same run; <backend>.scaling.latencyModel.<n>cards = throughput with n latency-model cards / with one.';

/**
 * Compares this run's ratios with the baseline's keys of the backends that ran. Only the baseline's keys can
 * regress; a key the baseline has but this run did not measure counts as a regression (a path that stopped
 * working must not pass quietly).
 */
export function compareRatios(current: Readonly<Record<string, number>>, baseline: Baseline, backends: readonly string[], tolerance = baseline.tolerance): Comparison {
  const ran = (key: string): boolean => backends.some((b) => key.startsWith(`${b}.`));
  const keys = [...new Set([...Object.keys(baseline.ratios).filter(ran), ...Object.keys(current)])].sort();
  const entries = keys.map((key): ComparisonEntry => {
    const base = baseline.ratios[key] ?? null;
    const now = current[key] ?? null;
    if (base === null) return { key, baseline: null, current: now, change: null, status: 'new' };
    if (now === null || !Number.isFinite(now)) return { key, baseline: base, current: null, change: null, status: 'missing' };
    const change = Math.round((now / base - 1) * 1000) / 1000;
    const status = now < base * (1 - tolerance) ? 'regressed' : now > base * (1 + tolerance) ? 'improved' : 'ok';
    return { key, baseline: base, current: now, change, status };
  });
  return { tolerance, entries, regressions: entries.filter((e) => e.status === 'regressed' || e.status === 'missing').map((e) => e.key) };
}

export function readBaseline(file: string): Baseline | null {
  if (!existsSync(file)) return null;
  const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<Baseline>;
  if (typeof data.tolerance !== 'number' || typeof data.ratios !== 'object' || data.ratios === null) throw new Error(`${file} is not a load baseline (tolerance, ratios)`);
  for (const [key, value] of Object.entries(data.ratios)) if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${file}: ratio ${key} is not a number`);
  return { note: data.note ?? BASELINE_NOTE, tolerance: data.tolerance, ratios: data.ratios };
}

/** Writes this run's ratios over those of the same backends; other backends' ratios stay. */
export function writeBaseline(file: string, ratios: Readonly<Record<string, number>>, backends: readonly string[], tolerance: number): Baseline {
  const kept = Object.entries(readBaseline(file)?.ratios ?? {}).filter(([key]) => !backends.some((b) => key.startsWith(`${b}.`)));
  const fresh = Object.entries(ratios).filter(([, v]) => Number.isFinite(v));
  const baseline: Baseline = { note: BASELINE_NOTE, tolerance, ratios: Object.fromEntries([...kept, ...fresh]) };
  writeFileSync(file, stableJson(baseline));
  return baseline;
}
