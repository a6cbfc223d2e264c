import { describe, expect, it } from 'vitest';
import type { CeilingResult } from './card-ceiling.js';
import { checkGoals, checkThresholds, ratiosOf } from './goals.js';
import type { HttpStepResult } from './http-step.js';
import type { BackendMeasurement } from './measurement.js';
import { summarize } from './stats.js';

const lat = (ms: number) => summarize([ms, ms, ms]);
function step(label: string, throughput: number, stages: Record<string, number>, added = 1): HttpStepResult {
  return {
    label,
    scenario: 'beid_bulk_sign',
    model: 'closed',
    connections: 2,
    targets: 1,
    offeredRate: null,
    durationS: 5,
    ok: 100,
    failed: 0,
    statusCodes: { '200': 100 },
    throughput,
    latency: lat(5),
    stages: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, lat(v)])),
    added: lat(added),
    inHandler: lat(0.5),
    outsideHandler: lat(0.5),
    histogram: { edges: [], counts: [] },
  };
}
const ceiling = (throughput: number): CeilingResult => ({ label: 'c', cards: 1, ok: 100, failed: 0, durationS: 5, throughput, latency: lat(1) });

function measurement(backend: string, bulk: number, cardCeiling: number, added: number, oneCard: number, twoCards: number, ceilingTwo: number): BackendMeasurement {
  const max = step('bulk max', bulk, { queue: 1, card: 2, total: 3.5 });
  return {
    backend,
    cardHost: '127.0.0.1',
    auth: 'none',
    ceilings: { info: step('info', 5000, { total: 0.1 }), pkcs11: {} },
    paths: {
      info: { scenario: 'info', max: step('info', 5000, {}), half: null, ceilings: { info: 5000 }, limitedBy: 'info', ceilingRatio: 1 },
      beid_bulk_sign: { scenario: 'beid_bulk_sign', max, half: step('bulk half', bulk / 2, { queue: 0.5, card: 2 }, added), ceilings: { card: cardCeiling, info: 5000 }, limitedBy: 'card', ceilingRatio: bulk / cardCeiling },
    },
    scaling: {
      plain: null,
      latencyModel: { signMs: 150, http: { '1': step('1', oneCard, { card: 150 }), '2': step('2', twoCards, { card: 150 }) }, ceiling: { '1': ceiling(6.5), '2': ceiling(ceilingTwo) }, growth: { '1': 1, '2': twoCards / oneCard } },
    },
    notMeasured: [],
    k6: null,
  };
}

describe('load goals', () => {
  it('take the ratios the baseline keeps: per path against its ceilings, growth per card count (not info)', () => {
    expect(ratiosOf(measurement('embedded', 400, 500, 1, 6, 12, 13))).toEqual({ 'embedded.beid_bulk_sign.ceilingRatio': 0.8, 'embedded.scaling.latencyModel.2cards': 2 });
  });

  it('are met, missed with where the time goes, or not measured', () => {
    const met = checkGoals(measurement('embedded', 450, 500, 1.5, 6, 12, 13));
    expect(met.map((g) => g.met)).toEqual([true, null, true, true]);
    expect(met.every((g) => g.where === null)).toBe(true);

    const missed = checkGoals(measurement('pcsc', 300, 500, 4, 6, 6.3, 6.6));
    expect(missed.map((g) => g.met)).toEqual([false, null, false, false]);
    expect(missed[0]?.where).toMatch(/card 2\.00 ms/);
    expect(missed[2]?.where).toMatch(/queue wait p99/);
    expect(missed[3]?.where).toMatch(/ceiling with the same two cards grows only 1\.02×/);
    expect(missed[3]?.where).toMatch(/SCARDCONTEXT/);
  });

  it('apply the scenario thresholds to the half-rate step where there is one', () => {
    const checks = checkThresholds(measurement('embedded', 400, 500, 1, 6, 12, 13));
    expect(checks.map((c) => [c.scenario, c.step])).toEqual([
      ['beid_bulk_sign', 'bulk half'],
      ['info', 'info'],
    ]);
    expect(checks.every((c) => c.p95.ok && c.p99.ok && c.errorRate.ok)).toBe(true);
  });
});
