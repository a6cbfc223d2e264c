import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { indexHtml } from './reports.js';
import { buildMatrix } from './matrix.js';
import type { TestRecord } from './results.js';
import { robustnessFigures } from './robustness.js';

const dir = mkdtempSync(path.join(tmpdir(), 't1c-robustness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (suite: string, outcome: TestRecord['outcome']): TestRecord => ({ backend: 'embedded', card: 'beid-1.7', suite, name: `${suite} ${outcome}`, outcome });

describe('robustness figures of a certification run', () => {
  it('counts the reliability suite\'s fault scenarios and the property cases recorded by npm test', () => {
    const stats = path.join(dir, 'fast-check.jsonl');
    writeFileSync(stats, ['{"property":"a","runs":500,"failed":false}', '{"property":null,"runs":100,"failed":false}', ''].join('\n'));
    const records = [record('reliability', 'passed'), record('reliability', 'passed'), record('reliability', 'skipped'), record('beid', 'passed')];
    const figures = robustnessFigures(records, stats);
    expect(figures).toEqual({ faultScenarios: { passed: 2, failed: 0, skipped: 1 }, propertyCases: { cases: 600, properties: 2, failed: 0, source: stats } });
    const html = indexHtml(buildMatrix(records), records, { target: 'lab', backends: ['embedded'], cards: [], environment: {}, startedAt: 'now', durationMs: 1, robustness: figures });
    expect(html).toContain('fault scenarios (conformance/reliability): 2 passed, 0 failed, 1 skipped');
    expect(html).toContain('property cases (fast-check, last npm test): 600 in 2 properties, 0 failed');
  });

  it('says so when no npm test has recorded property cases', () => {
    expect(robustnessFigures([], path.join(dir, 'missing.jsonl')).propertyCases).toBeNull();
  });
});
