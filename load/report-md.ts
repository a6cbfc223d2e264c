import type { HttpStepResult } from './http-step.js';
import type { BackendMeasurement } from './measurement.js';
import { scenario, type ScenarioName } from './scenarios.js';
import type { LoadSummary } from './summary.js';

const n1 = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(1));
const n2 = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(2));
const n3 = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(3));
const verdict = (met: boolean | null): string => (met === null ? 'not measured' : met ? 'met' : '**missed**');

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

function pathRows(m: BackendMeasurement): string[][] {
  return Object.values(m.paths).map((p) => {
    const ceilings = Object.entries(p.ceilings)
      .map(([k, v]) => `${k} ${n1(v)}`)
      .join(', ');
    return [
      scenario(p.scenario).title,
      n1(p.max.throughput),
      ceilings,
      p.limitedBy,
      n3(p.ceilingRatio),
      `${n2(p.max.latency.p50)} / ${n2(p.max.latency.p95)} / ${n2(p.max.latency.p99)}`,
      p.half ? `${n1(p.half.throughput)}/s: ${n2(p.half.latency.p50)} / ${n2(p.half.latency.p95)} / ${n2(p.half.latency.p99)}` : '–',
      p.half && p.half.added.count > 0 ? `${n2(p.half.added.p50)} / ${n2(p.half.added.p99)}` : '–',
      p.half?.stages['queue'] ? n2(p.half.stages['queue'].p99) : '–',
    ];
  });
}

function stageRows(m: BackendMeasurement): string[][] {
  const steps: HttpStepResult[] = Object.values(m.paths).flatMap((p) => (p.half ? [p.max, p.half] : [p.max]));
  return steps.map((s) => [
    s.label,
    n2(s.latency.mean),
    n2(s.stages['auth']?.mean),
    n2(s.stages['queue']?.mean),
    n2(s.stages['card']?.mean),
    n2(s.inHandler.mean - (s.stages['auth']?.mean ?? 0)),
    n2(s.outsideHandler.mean),
    n2(s.stages['tls']?.mean),
  ]);
}

function scalingRows(m: BackendMeasurement): string[][] {
  const rows: string[][] = [];
  for (const [kind, series] of [
    ['simulator speed', m.scaling.plain],
    [`latency model ${m.scaling.latencyModel?.signMs ?? ''} ms`, m.scaling.latencyModel],
  ] as const) {
    if (!series) continue;
    for (const [cards, http] of Object.entries(series.http)) {
      rows.push([kind, cards, n1(http.throughput), n1(series.ceiling[cards]?.throughput), n3(series.growth[cards]), `${n2(http.latency.p50)} / ${n2(http.latency.p99)}`]);
    }
  }
  return rows;
}

function backendSection(m: BackendMeasurement): string[] {
  const lines = [`## Backend: ${m.backend}`, '', `Auth: ${m.auth === 'jwt' ? 'JWT from the DS' : 'none'}; card host ${m.cardHost ?? '–'}.`, ''];
  lines.push('### Paths against their ceilings', '');
  lines.push(
    ...table(['path', 'max /s', 'ceilings /s', 'limited by', 'ratio', 'p50 / p95 / p99 ms (max rate)', 'half rate: p50 / p95 / p99 ms', 'added p50 / p99 ms', 'queue p99 ms'], pathRows(m)),
    '',
  );
  lines.push('### Where the time goes (Server-Timing, mean ms per request)', '');
  lines.push(...table(['step', 'client', 'auth', 'queue', 'card', 'rest of handler', 'outside handler', 'tls'], stageRows(m)), '');
  lines.push('### Throughput with 1, 2 and 4 cards (BeID bulk sign)', '');
  lines.push(...table(['cards run', 'cards', 'connector /s', 'direct ceiling /s', 'growth vs 1 card', 'p50 / p99 ms'], scalingRows(m)), '');
  const pkcs11 = Object.entries(m.ceilings.pkcs11);
  if (pkcs11.length > 0) {
    lines.push('### Raw C_Sign ceilings', '', ...table(['token', 'sig/s', 'p50 / p99 ms'], pkcs11.map(([k, c]) => [`${k}: ${c.label}`, n1(c.throughput), `${n2(c.latency.p50)} / ${n2(c.latency.p99)}`])), '');
  }
  if (m.k6) {
    const k = m.k6;
    lines.push('### k6 (open model, constant-arrival-rate)', '', `exit code ${k.exitCode}; thresholds crossed: ${k.thresholdsFailed.join(', ') || 'none'}; thresholds without samples: ${k.thresholdsUnmeasured.join(', ') || 'none'}; summary ${k.summaryFile}`, '');
  } else {
    lines.push('k6 was not on PATH: no open-model run (autocannon\'s fixed-rate mode stands in for arrival rates).', '');
  }
  if (m.notMeasured.length > 0) lines.push('### Not measured', '', ...m.notMeasured.map((x) => `- ${x.what}: ${x.reason}`), '');
  return lines;
}

/** `reports/load/report.md`. */
export function renderMarkdown(summary: LoadSummary): string {
  const lines = ['# t1c-lab load report', ''];
  lines.push(`Generator: autocannon ${summary.generator.version}. Models that ran:`, '', ...Object.entries(summary.generator.models).map(([k, v]) => `- **${k}** — ${v}`), '');
  const p = summary.plan;
  lines.push(
    `Plan: ${p.durationS} s per step; cards ${p.cardCounts.join(', ')}; ${p.connectionsPerCard} connections per card; half rate = ${p.halfRateFraction} × maximum; latency model ${p.latencyModelSignMs} ms per PSO:CDS; lab connector log level ${p.connectorLogLevel}. Machine: ${summary.run.cpus} CPUs, load average ${summary.run.loadAverage1m} at the end, Node ${summary.run.node}.`,
    '',
  );
  lines.push('## Goals', '');
  lines.push(...table(['backend', 'goal', 'value', 'target', 'result'], summary.goals.map((g) => [g.backend, g.goal, n3(g.value), g.target, verdict(g.met)])), '');
  const missed = summary.goals.filter((g) => g.met === false && g.where);
  if (missed.length > 0) lines.push('Where the time goes for each missed goal:', '', ...missed.map((g) => `- ${g.backend}, ${g.goal}: ${g.where}`), '');
  lines.push('## Baseline (ratios only)', '');
  if (summary.baseline) {
    const b = summary.baseline;
    lines.push(`Compared with \`${b.file}\`; a ratio regresses below baseline × (1 − ${b.tolerance}).`, '');
    lines.push(...table(['ratio', 'baseline', 'this run', 'change', 'status'], b.entries.map((e) => [e.key, n3(e.baseline), n3(e.current), e.change === null ? '–' : `${(e.change * 100).toFixed(1)} %`, e.status])), '');
    lines.push(b.regressions.length === 0 ? 'No regression.' : `**Regressed: ${b.regressions.join(', ')}**`, '');
  } else {
    lines.push('No baseline to compare with (write one with `--update-baseline`).', '');
  }
  for (const m of Object.values(summary.backends)) lines.push(...backendSection(m));
  lines.push('## Thresholds (the k6 scenarios\' thresholds, applied to the runner\'s steps)', '');
  lines.push(
    ...table(
      ['backend', 'scenario', 'step', 'p95 ms (limit)', 'p99 ms (limit)', 'error rate (limit)'],
      summary.thresholds.map((t) => [t.backend, t.scenario as ScenarioName, t.step, `${n2(t.p95.value)} (${t.p95.limit}) ${t.p95.ok ? 'ok' : '**over**'}`, `${n2(t.p99.value)} (${t.p99.limit}) ${t.p99.ok ? 'ok' : '**over**'}`, `${t.errorRate.value} (${t.errorRate.limit}) ${t.errorRate.ok ? 'ok' : '**over**'}`]),
    ),
    '',
  );
  return lines.join('\n');
}
