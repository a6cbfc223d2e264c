import type { HttpStepResult } from './http-step.js';
import type { BackendMeasurement, PathMeasurement } from './measurement.js';
import { GOALS, SCENARIOS, type ScenarioName } from './scenarios.js';

/** One goal of the issue, measured on one backend: met, missed (with where the time goes), or not measured. */
export interface GoalCheck {
  readonly backend: string;
  readonly goal: string;
  readonly value: number | null;
  readonly target: string;
  readonly met: boolean | null;
  /** For a missed goal: where the time goes, from the Server-Timing stages. */
  readonly where: string | null;
}

/** The machine-independent ratios of a measurement (what the baseline holds). */
export function ratiosOf(m: BackendMeasurement): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, path] of Object.entries(m.paths)) {
    if (name === 'info' || !Number.isFinite(path.ceilingRatio)) continue;
    out[`${m.backend}.${name}.ceilingRatio`] = path.ceilingRatio;
  }
  for (const [n, growth] of Object.entries(m.scaling.latencyModel?.growth ?? {})) {
    if (n !== '1') out[`${m.backend}.scaling.latencyModel.${n}cards`] = growth;
  }
  return out;
}

const ms = (v: number): string => `${v.toFixed(2)} ms`;

/** Mean stage times of a step: where a request's time goes. */
export function stageLine(step: HttpStepResult): string {
  const s = step.stages;
  const parts = [
    `client ${ms(step.latency.mean)}`,
    s['auth'] ? `auth ${ms(s['auth'].mean)}` : null,
    s['queue'] ? `queue ${ms(s['queue'].mean)}` : null,
    s['card'] ? `card ${ms(s['card'].mean)}` : null,
    `rest of the handler ${ms(step.inHandler.mean - (s['auth']?.mean ?? 0))}`,
    `outside the handler (TLS, sockets, HTTP parsing, load generator) ${ms(step.outsideHandler.mean)}`,
  ];
  return `mean per request: ${parts.filter((p) => p !== null).join(', ')}; tls is not reported by the connector (keep-alive: one handshake per connection)`;
}

function ratioGoal(m: BackendMeasurement, name: ScenarioName, goal: string): GoalCheck {
  const path: PathMeasurement | undefined = m.paths[name];
  const target = `≥ ${GOALS.ceilingRatio} × min(ceilings)`;
  if (!path || !Number.isFinite(path.ceilingRatio)) return { backend: m.backend, goal, value: null, target, met: null, where: null };
  const met = path.ceilingRatio >= GOALS.ceilingRatio;
  const card = path.max.stages['card'];
  const ceilingNote =
    path.limitedBy === 'card' && card
      ? ` The card session takes ${ms(card.mean)} through the connector; the direct path's whole operation takes ${ms(1000 / (path.ceilings['card'] ?? Number.NaN))} per signature at its ceiling rate, so the difference is the connector holding the card longer (its event loop shares the CPU with TLS, JSON and the load generator).`
      : '';
  return { backend: m.backend, goal, value: path.ceilingRatio, target, met, where: met ? null : `${stageLine(path.max)}.${ceilingNote}` };
}

function addedGoal(m: BackendMeasurement): GoalCheck {
  const half = m.paths.beid_bulk_sign?.half ?? null;
  const goal = 'BeID bulk sign: p99 latency the connector adds at half of its maximum rate';
  const target = `≤ ${GOALS.addedP99Ms} ms`;
  if (!half || half.added.count === 0) return { backend: m.backend, goal, value: null, target, met: null, where: null };
  const met = half.added.p99 <= GOALS.addedP99Ms;
  const where = `p99 of the parts: in the handler ${ms(half.inHandler.p99)} (auth p99 ${ms(half.stages['auth']?.p99 ?? 0)}), outside the handler ${ms(half.outsideHandler.p99)}; queue wait p99 ${ms(half.stages['queue']?.p99 ?? 0)} is not counted as added (a serial card makes a second request wait). ${stageLine(half)}`;
  return { backend: m.backend, goal, value: half.added.p99, target, met, where: met ? null : where };
}

function growthGoal(m: BackendMeasurement): GoalCheck {
  const series = m.scaling.latencyModel;
  const goal = `throughput growth from one to two cards with the latency model (${series?.signMs ?? '?'} ms PSO:CDS)`;
  const target = `≥ ${GOALS.twoCardGrowth}×`;
  const growth = series?.growth['2'];
  if (growth === undefined) return { backend: m.backend, goal, value: null, target, met: null, where: null };
  const met = growth >= GOALS.twoCardGrowth;
  const one = series?.http['1'];
  const two = series?.http['2'];
  const c1 = series?.ceiling['1']?.throughput;
  const c2 = series?.ceiling['2']?.throughput;
  const ceilingGrowth = c1 && c2 ? c2 / c1 : null;
  const below =
    ceilingGrowth !== null && ceilingGrowth < GOALS.twoCardGrowth
      ? ` The direct-APDU ceiling with the same two cards grows only ${ceilingGrowth.toFixed(2)}×: the limit sits below HTTP, in the reader backend or the reader stack, and the card stage per request grows with the number of cards (card sessions wait on each other).${m.backend === 'pcsc' ? ' On pcsc, pcsc-lite serializes the calls made on one SCARDCONTEXT, and the pcsc backend reaches every reader through one context (PcscBackend.attach / sharedHandle in connector/readers/pcsc/backend.ts): one context per reader would let two cards sign at once.' : ''}`
      : '';
  const where = one && two ? `1 card: ${stageLine(one)}. 2 cards: ${stageLine(two)}.${below}` : null;
  return { backend: m.backend, goal, value: growth, target, met, where: met ? null : where };
}

/** The goals on one backend. */
export function checkGoals(m: BackendMeasurement): GoalCheck[] {
  return [
    ratioGoal(m, 'beid_bulk_sign', 'BeID RSA bulk sign: connector throughput / min(ceilings)'),
    ratioGoal(m, 'pkcs11_sign_ec', 'SoftHSM EC sign: connector throughput / min(ceilings)'),
    addedGoal(m),
    growthGoal(m),
  ];
}

export interface ThresholdCheck {
  readonly backend: string;
  readonly scenario: ScenarioName;
  /** Which step the thresholds were applied to. */
  readonly step: string;
  readonly p95: { readonly value: number; readonly limit: number; readonly ok: boolean };
  readonly p99: { readonly value: number; readonly limit: number; readonly ok: boolean };
  readonly errorRate: { readonly value: number; readonly limit: number; readonly ok: boolean };
}

/** The k6 thresholds of each scenario, applied to the runner's half-rate step (or the maximum-rate step). */
export function checkThresholds(m: BackendMeasurement): ThresholdCheck[] {
  return SCENARIOS.flatMap((s) => {
    const path = m.paths[s.name];
    const step = path?.half ?? path?.max;
    if (!step) return [];
    const errorRate = step.failed / Math.max(1, step.ok + step.failed);
    const t = s.thresholds;
    return [
      {
        backend: m.backend,
        scenario: s.name,
        step: step.label,
        p95: { value: step.latency.p95, limit: t.p95Ms, ok: step.latency.p95 < t.p95Ms },
        p99: { value: step.latency.p99, limit: t.p99Ms, ok: step.latency.p99 < t.p99Ms },
        errorRate: { value: Math.round(errorRate * 10000) / 10000, limit: t.errorRate, ok: errorRate < t.errorRate },
      },
    ];
  });
}
