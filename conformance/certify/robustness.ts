import { readFileSync } from 'node:fs';
import type { TestRecord } from './results.js';

/** How much fault and property testing stands behind a certification run. */
export interface RobustnessFigures {
  /** Tests of `conformance/reliability` (cards pulled, power lost, hostile answers, pcscd restarted…) in this run. */
  readonly faultScenarios: { readonly passed: number; readonly failed: number; readonly skipped: number };
  /**
   * fast-check property cases of the last `npm test` in this checkout (each property appends its count to
   * `reports/test/fast-check.jsonl`), or null when there is no such record.
   */
  readonly propertyCases: { readonly cases: number; readonly properties: number; readonly failed: number; readonly source: string } | null;
}

interface PropertyLine {
  readonly runs?: unknown;
  readonly failed?: unknown;
}

export function robustnessFigures(records: readonly TestRecord[], statsFile: string): RobustnessFigures {
  const faults = records.filter((r) => r.suite === 'reliability');
  const count = (outcome: TestRecord['outcome']): number => faults.filter((r) => r.outcome === outcome).length;
  let propertyCases: RobustnessFigures['propertyCases'] = null;
  try {
    const lines = readFileSync(statsFile, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as PropertyLine);
    if (lines.length > 0) {
      propertyCases = {
        cases: lines.reduce((n, l) => n + (typeof l.runs === 'number' ? l.runs : 0), 0),
        properties: lines.length,
        failed: lines.filter((l) => l.failed === true).length,
        source: statsFile,
      };
    }
  } catch {
    propertyCases = null; // no npm test has run in this checkout, or its record is unreadable
  }
  return { faultScenarios: { passed: count('passed'), failed: count('failed'), skipped: count('skipped') }, propertyCases };
}

/** One line each for the report. */
export function robustnessLines(figures: RobustnessFigures): string[] {
  const f = figures.faultScenarios;
  const p = figures.propertyCases;
  return [
    `fault scenarios (conformance/reliability): ${f.passed} passed, ${f.failed} failed, ${f.skipped} skipped`,
    p ? `property cases (fast-check, last npm test): ${p.cases} in ${p.properties} properties, ${p.failed} failed` : 'property cases: no npm test record in this checkout (reports/test/fast-check.jsonl)',
  ];
}
