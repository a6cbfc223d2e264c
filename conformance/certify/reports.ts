import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cellText, columnOf, type Matrix } from './matrix.js';
import type { TestRecord } from './results.js';
import { robustnessLines, type RobustnessFigures } from './robustness.js';

export interface RunInfo {
  readonly target: string;
  readonly backends: readonly string[];
  /** The browsers the SDK suites ran in, each with its version (or why it could not run). */
  readonly browsers?: Readonly<Record<string, string>>;
  readonly cards: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly startedAt: string;
  readonly durationMs: number;
  /** Fault scenarios in this run and property cases behind it. */
  readonly robustness?: RobustnessFigures;
  /** The console suite's screenshots of this run, relative to the report folder. */
  readonly screenshots?: readonly string[];
}

/** JSON with object keys sorted at every level, so two runs with the same results diff clean. */
export function stableJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, sort(x)]));
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + '\n';
}

const byKey = (r: TestRecord): string => `${r.backend}\u0000${r.browser ?? ''}\u0000${r.card}\u0000${r.suite}\u0000${r.name}`;

/** `summary.json`: the compared part (`result`) is deterministic; `run` holds times and versions. */
export function summaryJson(matrix: Matrix, records: readonly TestRecord[], run: RunInfo): string {
  const tests = [...records].sort((a, b) => byKey(a).localeCompare(byKey(b)));
  return stableJson({
    result: { verdict: matrix.verdict, totals: matrix.totals, matrix: matrix.cells, tests },
    run,
  });
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JUnit XML: one testsuite per card type × suite × backend. */
export function junitXml(records: readonly TestRecord[]): string {
  const groups = new Map<string, TestRecord[]>();
  for (const r of [...records].sort((a, b) => byKey(a).localeCompare(byKey(b)))) {
    const key = `${r.card}.${r.suite}[${columnOf(r)}]`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const suites = [...groups.entries()].map(([name, tests]) => {
    const failures = tests.filter((t) => t.outcome === 'failed').length;
    const skipped = tests.filter((t) => t.outcome === 'skipped').length;
    const cases = tests.map((t) => {
      const inner =
        t.outcome === 'failed' ? `<failure message="${xml((t.message ?? '').split('\n')[0] ?? '')}">${xml(t.message ?? '')}</failure>` : t.outcome === 'skipped' ? `<skipped message="${xml(t.message ?? '')}"/>` : '';
      return `    <testcase classname="${xml(name)}" name="${xml(t.name)}">${inner}</testcase>`;
    });
    return `  <testsuite name="${xml(name)}" tests="${tests.length}" failures="${failures}" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="t1c-lab certification">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** The lab console and its demo application as the console suite saw them, linked (full size) and shown small. */
function screenshotsHtml(shots: readonly string[]): string {
  if (shots.length === 0) return '';
  const figures = shots.map((s) => `<figure><a href="${xml(s)}"><img src="${xml(s)}" alt="${xml(s)}" width="360"></a><figcaption>${xml(s.split('/').pop() ?? s)}</figcaption></figure>`);
  return `<h2>Lab console</h2>\n<div class="shots">${figures.join('')}</div>\n`;
}

/** `index.html`: the verdict, the matrix, every failure with expected and actual, and the environment. */
export function indexHtml(matrix: Matrix, records: readonly TestRecord[], run: RunInfo): string {
  const head = matrix.columns.map((c) => `<th>${xml(c.suite)}<br><small>${xml(c.column)}</small></th>`).join('');
  const rows = matrix.cards
    .map((card) => {
      const tds = matrix.columns
        .map((c) => {
          const cell = matrix.cells[card]?.[c.suite]?.[c.column];
          const cls = !cell ? 'none' : cell.failed > 0 ? 'fail' : cell.passed > 0 ? 'pass' : 'skip';
          return `<td class="${cls}">${xml(cellText(cell))}</td>`;
        })
        .join('');
      return `<tr><th>${xml(card)}</th>${tds}</tr>`;
    })
    .join('\n');
  const failures = records.filter((r) => r.outcome === 'failed');
  const skips = records.filter((r) => r.outcome === 'skipped');
  const failureHtml = failures.length === 0 ? '<p>None.</p>' : failures.map((f) => `<details open><summary>${xml(`${f.card} · ${f.suite} · ${columnOf(f)} — ${f.name}`)}</summary><pre>${xml(f.message ?? '')}</pre></details>`).join('\n');
  const skipHtml = skips.length === 0 ? '<p>None.</p>' : `<ul>${skips.map((s) => `<li>${xml(`${s.card} · ${s.suite} · ${columnOf(s)} — ${s.name}: ${s.message ?? ''}`)}</li>`).join('')}</ul>`;
  const browsers = Object.entries(run.browsers ?? {});
  const browserHtml = browsers.length === 0 ? '' : `<p>Browsers: ${browsers.map(([name, version]) => xml(`${name} — ${version}`)).join('; ')}.</p>\n`;
  const env = Object.entries(run.environment).map(([k, v]) => `<tr><th>${xml(k)}</th><td>${xml(v)}</td></tr>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>t1c-lab certification — ${matrix.verdict.toUpperCase()}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}h1 .pass{color:#176a2c}h1 .fail{color:#b3261e}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.35em .7em;text-align:left}
td.pass{background:#e6f4ea}td.fail{background:#fce8e6;font-weight:bold}td.skip{background:#f1f3f4;color:#666}td.none{color:#aaa}
pre{background:#f8f8f8;padding:.8em;overflow:auto;white-space:pre-wrap}
.shots{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}img{border:1px solid #ccc}
</style></head><body>
<h1>Certification: <span class="${matrix.verdict}">${matrix.verdict.toUpperCase()}</span></h1>
<p>${matrix.totals.passed} passed, ${matrix.totals.failed} failed, ${matrix.totals.skipped} skipped — target ${xml(run.target)}, backends ${xml(run.backends.join(', '))}, ${(run.durationMs / 1000).toFixed(1)} s.</p>
${browserHtml}<h2>Card type × suite</h2>
<table><tr><th>card type</th>${head}</tr>
${rows}
</table>
<h2>Failures</h2>
${failureHtml}
<h2>Skipped</h2>
${skipHtml}
${screenshotsHtml(run.screenshots ?? [])}${run.robustness ? `<h2>Robustness</h2>\n<ul>${robustnessLines(run.robustness).map((l) => `<li>${xml(l)}</li>`).join('')}</ul>\n` : ''}<h2>Environment</h2>
<table>${env}<tr><th>started</th><td>${xml(run.startedAt)}</td></tr></table>
</body></html>
`;
}

export function writeReports(dir: string, matrix: Matrix, records: readonly TestRecord[], run: RunInfo): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['summary.json', summaryJson(matrix, records, run)],
    ['junit.xml', junitXml(records)],
    ['index.html', indexHtml(matrix, records, run)],
  ];
  return files.map(([name, text]) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  });
}
