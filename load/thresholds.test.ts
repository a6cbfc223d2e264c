import { describe, expect, it } from 'vitest';
import { SCENARIOS, scenario } from './scenarios.js';
import { errorMetric, k6Thresholds, latencyMetric, unmeasuredThresholds } from './thresholds.js';

describe('k6 thresholds', () => {
  it('put p95/p99 on each scenario latency metric (sign_ms for signing) and a rate on its errors', () => {
    const t = k6Thresholds(SCENARIOS);
    expect(t['sign_ms{scenario:beid_bulk_sign}']).toEqual([`p(95)<${scenario('beid_bulk_sign').thresholds.p95Ms}`, `p(99)<${scenario('beid_bulk_sign').thresholds.p99Ms}`]);
    expect(t['http_req_duration{scenario:info}']).toHaveLength(2);
    expect(t['http_req_failed{scenario:readers}']).toEqual([`rate<${scenario('readers').thresholds.errorRate}`]);
    expect(Object.keys(t)).toHaveLength(SCENARIOS.length * 2);
  });

  const measured = {
    'sign_ms{scenario:beid_sign}': { values: { 'p(95)': 310, count: 90 } },
    'http_req_failed{scenario:beid_sign}': { values: { rate: 0, passes: 0, fails: 90 } },
  };

  it('finds no problem when every threshold metric has samples', () => {
    expect(unmeasuredThresholds([latencyMetric(scenario('beid_sign')), errorMetric(scenario('beid_sign'))], measured)).toEqual([]);
  });

  it('catches a threshold on a metric that does not exist — a stray space is enough (k6#1526)', () => {
    expect(unmeasuredThresholds(['sign_ms{scenario: beid_sign}', 'sing_ms{scenario:beid_sign}'], measured)).toEqual(['sign_ms{scenario: beid_sign}', 'sing_ms{scenario:beid_sign}']);
  });

  it('catches a metric that exists but never got a sample', () => {
    const empty = { 'sign_ms{scenario:pkcs11_sign_ec}': { values: { count: 0 } }, 'http_req_failed{scenario:pkcs11_sign_ec}': { values: { rate: 0, passes: 0, fails: 0 } } };
    expect(unmeasuredThresholds(Object.keys(empty), empty)).toEqual(Object.keys(empty));
  });
});
