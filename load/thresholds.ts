/**
 * k6 thresholds from the scenarios, and the check k6 itself does not do: a threshold on a metric or tag that
 * does not exist — even by a stray space — passes silently (k6#1526, performance-anchors.md §4.1). Pure code
 * without imports beyond the scenarios, so the k6 script loads it as it is.
 */
import type { Scenario } from './scenarios.js';

export type ThresholdMap = Record<string, string[]>;

/** The trend every signing request adds to, tagged with its scenario, card (reader id) and algorithm. */
export const SIGN_TREND = 'sign_ms';

/** The metric a scenario's latency thresholds sit on. */
export function latencyMetric(s: Scenario): string {
  return `${s.signs ? SIGN_TREND : 'http_req_duration'}{scenario:${s.name}}`;
}

export function errorMetric(s: Scenario): string {
  return `http_req_failed{scenario:${s.name}}`;
}

/** p95/p99 on each scenario's latency metric, and its error rate. */
export function k6Thresholds(scenarios: readonly Scenario[]): ThresholdMap {
  const out: ThresholdMap = {};
  for (const s of scenarios) {
    out[latencyMetric(s)] = [`p(95)<${s.thresholds.p95Ms}`, `p(99)<${s.thresholds.p99Ms}`];
    out[errorMetric(s)] = [`rate<${s.thresholds.errorRate}`];
  }
  return out;
}

/** What k6's `handleSummary(data)` gives per metric (only the part this check reads). */
export interface SummaryMetric {
  readonly values?: Readonly<Record<string, number>>;
}

/** Samples behind a summary metric: a trend's `count` (ask for it in summaryTrendStats), a rate's passes + fails. */
function sampleCount(metric: SummaryMetric): number | null {
  const v = metric.values ?? {};
  if (typeof v['count'] === 'number') return v['count'];
  if (typeof v['passes'] === 'number' && typeof v['fails'] === 'number') return v['passes'] + v['fails'];
  return null;
}

/**
 * Threshold keys that name no metric in the summary, or a metric without a single sample: a threshold that
 * could not have failed. Empty when every threshold measured something.
 */
export function unmeasuredThresholds(thresholdKeys: readonly string[], metrics: Readonly<Record<string, SummaryMetric>>): string[] {
  return thresholdKeys.filter((key) => {
    const metric = metrics[key];
    if (metric === undefined) return true;
    const count = sampleCount(metric);
    return count !== null && count <= 0;
  });
}
