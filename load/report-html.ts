import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { LoadSummary } from './summary.js';

const require = createRequire(import.meta.url);

/** chart.js 4's UMD bundle, inlined so the report opens offline from a CI artefact. */
function chartJsBundle(): string {
  // The package's exports map hides dist/chart.umd.js; it sits next to the CommonJS entry (dist/chart.cjs).
  return readFileSync(path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.js'), 'utf8');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside <script>: no `</script>`, no HTML comment openers. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** The data the charts draw: latency histograms, throughput per card count, this run against the baseline. */
function chartData(summary: LoadSummary): unknown {
  const backends = Object.values(summary.backends);
  return {
    latency: backends.flatMap((m) =>
      Object.values(m.paths)
        .filter((p) => p.scenario === 'beid_bulk_sign' || p.scenario === 'beid_sign' || p.scenario.startsWith('pkcs11'))
        .map((p) => {
          const step = p.half ?? p.max;
          return { title: `${m.backend}: ${step.label}`, edges: step.histogram.edges, counts: step.histogram.counts };
        }),
    ),
    scaling: backends.map((m) => ({
      backend: m.backend,
      series: [
        { label: 'connector, simulator speed', points: Object.entries(m.scaling.plain?.http ?? {}).map(([n, r]) => ({ x: Number(n), y: r.throughput })) },
        { label: 'direct ceiling, simulator speed', points: Object.entries(m.scaling.plain?.ceiling ?? {}).map(([n, r]) => ({ x: Number(n), y: r.throughput })) },
        { label: `connector, latency model`, points: Object.entries(m.scaling.latencyModel?.http ?? {}).map(([n, r]) => ({ x: Number(n), y: r.throughput })) },
        { label: `direct ceiling, latency model`, points: Object.entries(m.scaling.latencyModel?.ceiling ?? {}).map(([n, r]) => ({ x: Number(n), y: r.throughput })) },
      ],
    })),
    baseline: (summary.baseline?.entries ?? []).map((e) => ({ key: e.key, baseline: e.baseline, current: e.current })),
  };
}

const CHARTS_SCRIPT = `
const data = JSON.parse(document.getElementById('chart-data').textContent);
const add = (title) => { const fig = document.createElement('figure'); const cap = document.createElement('figcaption'); cap.textContent = title; const canvas = document.createElement('canvas'); fig.append(cap, canvas); document.getElementById('charts').append(fig); return canvas; };
for (const h of data.latency) {
  new Chart(add('Latency distribution — ' + h.title), { type: 'bar', data: { labels: h.edges.slice(0, -1).map((e, i) => e.toFixed(2) + '–' + h.edges[i + 1].toFixed(2)), datasets: [{ label: 'requests', data: h.counts }] }, options: { scales: { x: { title: { display: true, text: 'ms' } }, y: { title: { display: true, text: 'requests' } } } } });
}
for (const s of data.scaling) {
  new Chart(add('Throughput vs cards — ' + s.backend), { type: 'line', data: { datasets: s.series.filter((x) => x.points.length > 0).map((x) => ({ label: x.label, data: x.points })) }, options: { parsing: true, scales: { x: { type: 'linear', title: { display: true, text: 'cards' }, ticks: { stepSize: 1 } }, y: { type: 'logarithmic', title: { display: true, text: 'signatures / s' } } } } });
}
if (data.baseline.length > 0) {
  new Chart(add('This run vs baseline (ratios)'), { type: 'bar', data: { labels: data.baseline.map((b) => b.key), datasets: [{ label: 'baseline', data: data.baseline.map((b) => b.baseline) }, { label: 'this run', data: data.baseline.map((b) => b.current) }] }, options: { indexAxis: 'y' } });
}
`;

/** `reports/load/report.html`: the Markdown report's content as preformatted text plus chart.js charts. */
export function renderHtml(summary: LoadSummary, markdown: string): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><title>t1c-lab load report</title>',
    '<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:1200px}figure{margin:2rem 0}figcaption{font-weight:600;margin-bottom:.5rem}pre{white-space:pre-wrap;font-size:13px;background:#f6f6f6;padding:1rem}</style>',
    `<script>${chartJsBundle().replace(/<\/script/gi, '<\\/script')}</script>`,
    '</head><body>',
    '<h1>t1c-lab load report</h1>',
    '<section id="charts"></section>',
    `<script type="application/json" id="chart-data">${scriptJson(chartData(summary))}</script>`,
    `<script>${CHARTS_SCRIPT}</script>`,
    '<h2>Figures</h2>',
    `<pre>${escapeHtml(markdown)}</pre>`,
    '</body></html>',
    '',
  ].join('\n');
}
