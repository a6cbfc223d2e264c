import { appendFileSync } from 'node:fs';
import type { Plugin } from 'fast-check';

/**
 * fast-check settings shared by the property tests: a fixed seed so CI is repeatable, and FC_NUM_RUNS /
 * FC_SEED to scale a run up or replay a failure. Every property prints how many cases it ran with which seed;
 * a failure throws fast-check's report (seed, path and the shrunk counterexample). FC_STATS_FILE, when set,
 * gets one JSON line per property so a report can count the cases that ran.
 */
export interface FcParams {
  readonly seed: number;
  readonly numRuns: number;
  readonly plugins: Plugin<unknown>[];
}

export interface FcOptions {
  /** Each case must finish within this many milliseconds (the "bounded time" half of totality). */
  readonly caseBudgetMs?: number;
  /** Printed with the run count (vitest already shows the test the output belongs to). */
  readonly label?: string;
}

export const DEFAULT_FC_SEED = 0x7c1ab;

function envInt(name: string): number | undefined {
  const value = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(value) ? value : undefined;
}

/** Prints the number of cases run and the seed, and records them when FC_STATS_FILE is set. */
function countingPlugin(label: string | undefined): Plugin<unknown> {
  return () => ({
    onAllRunsComplete: (details) => {
      const line = { property: label ?? null, runs: details.numRuns, skipped: details.numSkips, seed: details.seed, failed: details.failed };
      process.stdout.write(`[fast-check] ${label ? `${label}: ` : ''}${details.numRuns} cases, seed ${details.seed}${details.failed ? ' — FAILED' : ''}\n`);
      const file = process.env['FC_STATS_FILE'];
      if (file) appendFileSync(file, `${JSON.stringify(line)}\n`);
    },
  });
}

/** Fails a case that takes longer than the budget (synchronous properties only; async ones use fc.timeout). */
function budgetPlugin(budgetMs: number): Plugin<unknown> {
  return () => ({
    decorateRun: (run) => (value) => {
      const started = performance.now();
      const outcome = run(value);
      if (outcome instanceof Promise) return outcome;
      const took = performance.now() - started;
      if (outcome === null && took > budgetMs) return { error: new Error(`case took ${took.toFixed(1)} ms, over its ${budgetMs} ms budget`) };
      return outcome;
    },
  });
}

export function fcParams(defaultRuns = 200, options: FcOptions = {}): FcParams {
  const runs = envInt('FC_NUM_RUNS');
  const plugins: Plugin<unknown>[] = [countingPlugin(options.label)];
  if (options.caseBudgetMs !== undefined) plugins.push(budgetPlugin(options.caseBudgetMs));
  return {
    seed: envInt('FC_SEED') ?? DEFAULT_FC_SEED,
    numRuns: runs !== undefined && runs > 0 ? runs : defaultRuns,
    plugins,
  };
}
