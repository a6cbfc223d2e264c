/**
 * t1c-lab's load scenarios for k6 (open model: constant-arrival-rate, so queueing in front of a serial card
 * shows up as latency, not as less offered load). Scenarios, rates, durations, payloads and thresholds come from
 * ../scenarios.ts — the same definitions `t1c-lab load` drives with autocannon.
 *
 *   T1C_LOAD_TARGET=target.json SSL_CERT_FILE=<connector CA PEM> k6 run load/k6/t1c-load.ts
 *
 * target.json is a K6Target (see ../scenarios.ts): the connector URL, BeID readers with PINs, PKCS#11 tokens,
 * optionally a DS to fetch a JWT from. SSL_CERT_FILE makes k6 trust the connector's CA; TLS checks stay on.
 * handleSummary writes T1C_K6_SUMMARY (default reports/load/k6-summary.json) and fails loudly when a threshold
 * names a metric without samples (k6 would pass it silently, k6#1526).
 */
import { check } from 'k6';
import exec from 'k6/execution';
import http from 'k6/http';
import { Trend } from 'k6/metrics';
import type { Options, Scenario as K6Scenario } from 'k6/options';
import { RUN_PLAN, SCENARIOS, SIGN_ALGORITHM, scenario, scenarioUrlPath, signBody, type K6Target, type Scenario, type ScenarioName } from '../scenarios.ts';
import { SIGN_TREND, k6Thresholds, unmeasuredThresholds, type SummaryMetric } from '../thresholds.ts';

const targetFile = __ENV['T1C_LOAD_TARGET'];
if (!targetFile) throw new Error('set T1C_LOAD_TARGET to a target JSON file (K6Target in load/scenarios.ts)');
const target = JSON.parse(open(targetFile)) as K6Target;

interface Credential {
  readonly id: string;
  readonly pin: string;
}

/** The readers or tokens a scenario signs with; empty for a scenario without a card. */
function credentials(s: Scenario): Credential[] {
  switch (s.target) {
    case 'beid':
      return target.readers.map((r) => ({ id: r.id, pin: r.pin }));
    case 'pkcs11-rsa':
      return target.tokens.filter((t) => t.keyType === 'rsa').map((t) => ({ id: t.id, pin: t.pin }));
    case 'pkcs11-ec':
      return target.tokens.filter((t) => t.keyType === 'ec').map((t) => ({ id: t.id, pin: t.pin }));
    case 'none':
      return [];
  }
}

const ACTIVE = SCENARIOS.filter((s) => s.target === 'none' || credentials(s).length > 0);
const durationS = target.durationS ?? RUN_PLAN.k6DurationS;

function k6Scenario(s: Scenario, index: number): K6Scenario {
  const rate = s.k6Rate * Math.max(1, credentials(s).length);
  const vus = Math.max(2, Math.ceil(rate * (s.thresholds.p99Ms / 1000)));
  return {
    executor: 'constant-arrival-rate',
    rate,
    timeUnit: '1s',
    duration: `${durationS}s`,
    preAllocatedVUs: vus,
    maxVUs: vus * 4,
    startTime: `${index * (durationS + RUN_PLAN.k6GapS)}s`,
    exec: 'run',
  };
}

export const options: Options = {
  scenarios: Object.fromEntries(ACTIVE.map((s, i) => [s.name, k6Scenario(s, i)])),
  thresholds: k6Thresholds(ACTIVE),
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
};

const signMs = new Trend(SIGN_TREND, true);

interface SetupData {
  readonly headers: Record<string, string>;
}

/** A JWT from the DS, as a web application's back end gets one (docs/ds-contract.md), then bulk mode primed. */
export function setup(): SetupData {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (target.ds) {
    const res = http.get(`${target.ds.url}/v3/tokens/application`, { headers: { apikey: target.ds.apiKey } });
    const jwt = (res.json() as { data?: unknown } | null)?.data;
    if (res.status !== 200 || typeof jwt !== 'string') throw new Error(`the DS gave no token (HTTP ${res.status})`);
    headers['authorization'] = `Bearer ${jwt}`;
  }
  for (const s of ACTIVE.filter((x) => x.pin === 'once')) {
    for (const c of credentials(s)) {
      const res = http.post(`${target.url}${scenarioUrlPath(s, c.id)}`, JSON.stringify(signBody(c.pin)), { headers, tags: { phase: 'setup' } });
      if (res.status !== 200) throw new Error(`priming bulk mode for ${s.name} on ${c.id}: HTTP ${res.status}`);
    }
  }
  return { headers };
}

/** One iteration of the running scenario: the next reader or token in turn. */
export function run(data: SetupData): void {
  const s = scenario(exec.scenario.name as ScenarioName);
  const creds = credentials(s);
  const cred = creds.length > 0 ? creds[exec.scenario.iterationInTest % creds.length] : undefined;
  const url = `${target.url}${scenarioUrlPath(s, cred?.id ?? null)}`;
  const tags = { scenario: s.name, card: cred?.id ?? 'none' };
  const body = s.method === 'POST' ? JSON.stringify(signBody(s.pin === 'every' && cred ? cred.pin : null)) : null;
  const res = http.request(s.method, url, body, { headers: data.headers, tags });
  check(res, { 'status 200': (r) => r.status === 200 }, tags);
  if (s.signs) signMs.add(res.timings.duration, { ...tags, alg: SIGN_ALGORITHM });
}

/** What k6 passes to handleSummary (the part read here). */
interface SummaryData {
  readonly metrics: Record<string, SummaryMetric & { readonly thresholds?: Record<string, { readonly ok: boolean }> }>;
}

export function handleSummary(data: SummaryData): Record<string, string> {
  const keys = Object.keys(options.thresholds ?? {});
  const unmeasured = unmeasuredThresholds(keys, data.metrics);
  const thresholds = Object.fromEntries(keys.map((k) => [k, data.metrics[k]?.thresholds ?? null]));
  const failed = keys.filter((k) => Object.values(data.metrics[k]?.thresholds ?? {}).some((t) => !t.ok));
  const out = {
    scenarios: ACTIVE.map((s) => s.name),
    durationS,
    thresholds,
    thresholdsFailed: failed,
    thresholdsUnmeasured: unmeasured,
    metrics: Object.fromEntries(keys.map((k) => [k, data.metrics[k]?.values ?? null])),
  };
  const lines = [
    unmeasured.length > 0 ? `ERROR: thresholds on metrics without samples (they could not fail): ${unmeasured.join(', ')}` : `all ${keys.length} thresholds measured something`,
    failed.length > 0 ? `thresholds crossed: ${failed.join(', ')}` : 'no threshold crossed',
  ];
  return { [__ENV['T1C_K6_SUMMARY'] ?? 'reports/load/k6-summary.json']: JSON.stringify(out, null, 2), stdout: `${lines.join('\n')}\n` };
}
