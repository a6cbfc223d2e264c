import { performance } from 'node:perf_hooks';
import { autocannon, type AutocannonClient, type AutocannonRequest } from './autocannon.js';
import { requestJson } from './https-json.js';
import { scenarioUrlPath, signBody, type Scenario } from './scenarios.js';
import { histogram, parseServerTiming, round3, steadyRate, summarize, type LatencySummary } from './stats.js';
import type { LoadTarget } from './target.js';

/** One reader or token a step drives, with the PIN its requests carry (null: none). */
export interface StepTarget {
  readonly readerId: string | null;
  readonly pin: string | null;
}

export interface HttpStepSpec {
  readonly label: string;
  readonly scenario: Scenario;
  readonly targets: readonly StepTarget[];
  /** Connections per target (closed model: requests in flight per reader). */
  readonly connectionsPerTarget: number;
  /** autocannon's fixed-rate mode: requests per second over all connections; absent = as fast as answered. */
  readonly overallRate?: number;
  readonly durationS: number;
  /** Authorization (a DS token) for every request. */
  readonly headers: Record<string, string>;
}

/** How the load was generated, said in the report (autocannon is a closed-model tool). */
export type LoadModel = 'closed' | 'fixed-rate';

export interface HttpStepResult {
  readonly label: string;
  readonly scenario: string;
  readonly model: LoadModel;
  readonly connections: number;
  readonly targets: number;
  readonly offeredRate: number | null;
  readonly durationS: number;
  readonly ok: number;
  readonly failed: number;
  readonly statusCodes: Record<string, number>;
  /** Successful requests per second. */
  readonly throughput: number;
  /** Client-side latency of successful requests, ms. */
  readonly latency: LatencySummary;
  /** Server-Timing stages of successful requests (tls, auth, queue, card, total as the connector reports them). */
  readonly stages: Record<string, LatencySummary>;
  /** Client latency − (queue + card): what the connector and HTTPS add around the card. */
  readonly added: LatencySummary;
  /** The connector's `total` − (queue + card): auth, routing, schemas, JSON, PIN handling inside the handler. */
  readonly inHandler: LatencySummary;
  /** Client latency − the connector's own `total`: TLS records, sockets, parsing outside the handler. */
  readonly outsideHandler: LatencySummary;
  readonly histogram: { readonly edges: number[]; readonly counts: number[] };
}

export class TlsNotVerifiedError extends Error {}

function requestFor(target: LoadTarget, s: Scenario, t: StepTarget, headers: Record<string, string>, onHeaders: (h: Record<string, string | undefined>) => void): AutocannonRequest {
  const path = new URL(scenarioUrlPath(s, t.readerId), target.url).pathname + (s.query || '');
  const body = s.method === 'POST' ? JSON.stringify(signBody(s.pin === 'every' ? t.pin : null)) : undefined;
  return {
    method: s.method,
    path,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body }),
    onResponse: (_status, _body, _context, h) => onHeaders(h),
  };
}

/** Bulk mode: one request with the PIN and `?bulk=true` per target, so the measured requests carry none. */
export async function primeBulk(target: LoadTarget, s: Scenario, targets: readonly StepTarget[], headers: Record<string, string>): Promise<void> {
  if (s.pin !== 'once') return;
  for (const t of targets) {
    if (t.pin === null) throw new Error(`${s.name}: bulk mode needs the PIN of ${t.readerId}`);
    const url = new URL(scenarioUrlPath(s, t.readerId), target.url).href;
    const res = await requestJson(url, { ca: target.ca, headers, body: signBody(t.pin) });
    if (res.status !== 200) throw new Error(`${s.name}: priming bulk mode on ${t.readerId} answered HTTP ${res.status}: ${JSON.stringify(res.body)}`);
  }
}

/**
 * Runs one autocannon measurement. Connections are spread evenly over the targets (connection k drives target
 * k mod n). autocannon connects with certificate checks off (hard-coded); the runner verifies the server with a
 * checked connection first and here refuses every answer that did not come over a verified connection.
 */
export async function runHttpStep(target: LoadTarget, spec: HttpStepSpec): Promise<HttpStepResult> {
  const s = spec.scenario;
  await primeBulk(target, s, spec.targets, spec.headers);
  let lastHeaders: Record<string, string | undefined> = {};
  const requests = spec.targets.map((t) => requestFor(target, s, t, spec.headers, (h) => (lastHeaders = h)));
  const connections = Math.max(1, spec.targets.length * spec.connectionsPerTarget);
  let next = 0;
  const latencies: number[] = [];
  const completedAt: number[] = [];
  const stageValues: Record<string, number[]> = {};
  const added: number[] = [];
  const inHandler: number[] = [];
  const outside: number[] = [];
  const statusCodes: Record<string, number> = {};
  let unverified = 0;
  let failed = 0;

  const result = await new Promise<{ start: Date; finish: Date; errors: number }>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        connections,
        duration: spec.durationS,
        ...(spec.overallRate !== undefined ? { overallRate: Math.max(1, Math.round(spec.overallRate)) } : {}),
        requests: [requests[0]!],
        tlsOptions: { ca: target.ca },
        timeout: 30,
        setupClient: (client: AutocannonClient) => client.setRequests([requests[next++ % requests.length]!]),
      },
      (error, res) => (error ? reject(error) : resolve({ start: res.start, finish: res.finish, errors: res.errors + res.timeouts })),
    );
    instance.on('response', (client, statusCode, _bytes, responseTime) => {
      const headers = lastHeaders;
      lastHeaders = {};
      if (client.conn.authorized !== true) {
        unverified += 1;
        instance.stop();
        return;
      }
      statusCodes[String(statusCode)] = (statusCodes[String(statusCode)] ?? 0) + 1;
      if (statusCode < 200 || statusCode >= 300) {
        failed += 1;
        return;
      }
      latencies.push(responseTime);
      completedAt.push(performance.now());
      const timing = parseServerTiming(headers['server-timing']);
      for (const [stage, ms] of Object.entries(timing)) (stageValues[stage] ??= []).push(ms);
      const cardTime = (timing['card'] ?? 0) + (timing['queue'] ?? 0);
      if (timing['card'] !== undefined) added.push(responseTime - cardTime);
      if (timing['total'] !== undefined) inHandler.push(timing['total'] - cardTime);
      if (timing['total'] !== undefined) outside.push(responseTime - timing['total']);
    });
  });
  if (unverified > 0) throw new TlsNotVerifiedError(`${spec.label}: ${unverified} answers came over a connection whose certificate did not verify against ${target.caCertPath}`);

  const durationS = Math.max(1e-3, (result.finish.getTime() - result.start.getTime()) / 1000);
  const stages: Record<string, LatencySummary> = {};
  for (const [stage, values] of Object.entries(stageValues)) stages[stage] = summarize(values);
  return {
    label: spec.label,
    scenario: s.name,
    model: spec.overallRate === undefined ? 'closed' : 'fixed-rate',
    connections,
    targets: spec.targets.length,
    offeredRate: spec.overallRate === undefined ? null : Math.max(1, Math.round(spec.overallRate)),
    durationS: round3(durationS),
    ok: latencies.length,
    failed: failed + result.errors,
    statusCodes,
    throughput: round3(spec.overallRate === undefined ? steadyRate(completedAt, durationS) : latencies.length / durationS),
    latency: summarize(latencies),
    stages,
    added: summarize(added),
    inHandler: summarize(inHandler),
    outsideHandler: summarize(outside),
    histogram: histogram(latencies),
  };
}
