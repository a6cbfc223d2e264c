import os from 'node:os';
import { AUTOCANNON_VERSION } from './autocannon.js';
import type { Comparison } from './baseline.js';
import { checkGoals, checkThresholds, ratiosOf, type GoalCheck, type ThresholdCheck } from './goals.js';
import type { BackendMeasurement } from './measurement.js';
import type { LoadRun } from './run.js';
import { GOALS, RUN_PLAN } from './scenarios.js';

/** `reports/load/summary.json`: keys sorted when written; times only under `run`, which is never compared. */
export interface LoadSummary {
  readonly version: 1;
  readonly generator: { readonly tool: 'autocannon'; readonly version: string; readonly models: Readonly<Record<string, string>> };
  readonly plan: {
    readonly durationS: number;
    readonly cardCounts: readonly number[];
    readonly connectionsPerCard: number;
    readonly publicConnections: number;
    readonly halfRateFraction: number;
    readonly latencyModelSignMs: number;
    readonly connectorLogLevel: string;
  };
  readonly goalTargets: typeof GOALS;
  readonly goals: readonly GoalCheck[];
  readonly thresholds: readonly ThresholdCheck[];
  readonly ratios: Readonly<Record<string, number>>;
  readonly baseline: (Comparison & { readonly file: string }) | null;
  readonly backends: Readonly<Record<string, BackendMeasurement>>;
  readonly run: {
    readonly startedAt: string;
    readonly elapsedS: number;
    readonly node: string;
    readonly cpus: number;
    readonly loadAverage1m: number;
  };
}

export const LOAD_MODELS = {
  closed: `closed model: autocannon keeps ${RUN_PLAN.connectionsPerCard} requests in flight per card (${RUN_PLAN.publicConnections} for /info and /v3/readers) and sends the next when one answers — the maximum rate`,
  'fixed-rate': 'autocannon fixed-rate mode (overallRate): the same connections capped at a request rate, each connection sending its share at the start of every second — an approximation of an open model that cannot offer more than its connections allow; a true open model (constant-arrival-rate) runs with k6 (load/k6)',
} as const;

export function buildSummary(run: LoadRun, options: { readonly durationS: number; readonly cardCounts: readonly number[]; readonly signMs: number; readonly connectorLogLevel: string }, baseline: LoadSummary['baseline']): LoadSummary {
  const backends = Object.fromEntries(run.measurements.map((m) => [m.backend, m]));
  const ratios = Object.assign({}, ...run.measurements.map(ratiosOf)) as Record<string, number>;
  return {
    version: 1,
    generator: { tool: 'autocannon', version: AUTOCANNON_VERSION, models: LOAD_MODELS },
    plan: {
      durationS: options.durationS,
      cardCounts: options.cardCounts,
      connectionsPerCard: RUN_PLAN.connectionsPerCard,
      publicConnections: RUN_PLAN.publicConnections,
      halfRateFraction: RUN_PLAN.halfRateFraction,
      latencyModelSignMs: options.signMs,
      connectorLogLevel: options.connectorLogLevel,
    },
    goalTargets: GOALS,
    goals: run.measurements.flatMap(checkGoals),
    thresholds: run.measurements.flatMap(checkThresholds),
    ratios,
    baseline,
    backends,
    run: { startedAt: run.startedAt, elapsedS: run.elapsedS, node: process.version, cpus: os.cpus().length, loadAverage1m: Math.round(os.loadavg()[0]! * 100) / 100 },
  };
}
