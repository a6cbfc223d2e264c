import { describe, expect, it } from 'vitest';
import { histogram, parseServerTiming, percentile, steadyRate, summarize } from './stats.js';

describe('latency statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(Number.isNaN(percentile([], 50))).toBe(true);
  });

  it('summarises unsorted samples', () => {
    const s = summarize([3, 1, 2, 10]);
    expect(s).toMatchObject({ count: 4, p50: 2, p99: 10, max: 10, mean: 4 });
  });

  it('bins a histogram that counts every sample', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i % 50) / 10);
    const h = histogram(values, 10);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(values.length);
    expect(h.edges).toHaveLength(11);
  });
});

describe('Server-Timing', () => {
  it('reads each stage duration and skips what it does not understand', () => {
    expect(parseServerTiming('auth;dur=0.12, queue;dur=0.03, card;dur=5.21, total;dur=5.86')).toEqual({ auth: 0.12, queue: 0.03, card: 5.21, total: 5.86 });
    expect(parseServerTiming('cache;desc="hit", db;dur=abc, total;dur=1')).toEqual({ total: 1 });
    expect(parseServerTiming(undefined)).toEqual({});
  });
});

describe('steady rate', () => {
  it('counts completions between the first and the last, so a slow card is not cut short', () => {
    const every150ms = Array.from({ length: 33 }, (_, i) => 200 + i * 150); // first answer after 200 ms
    expect(steadyRate(every150ms, 5)).toBeCloseTo(1000 / 150, 6);
    expect(steadyRate([100, 200, 300], 2)).toBe(1.5); // too few: completions over the duration
  });
});
