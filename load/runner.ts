import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { LoadArgs } from './args.js';
import { compareRatios, DEFAULT_TOLERANCE, readBaseline, writeBaseline } from './baseline.js';
import { k6OnPath } from './k6-run.js';
import { renderHtml } from './report-html.js';
import { renderMarkdown } from './report-md.js';
import { runLoad } from './run.js';
import { RUN_PLAN } from './scenarios.js';
import { stableJson } from './stable-json.js';
import { buildSummary, type LoadSummary } from './summary.js';

export interface LoadOutcome {
  readonly summary: LoadSummary;
  readonly files: readonly string[];
  /** 0: no regression; 1: a ratio regressed, a baseline path was not measured, or k6's thresholds failed. */
  readonly exitCode: 0 | 1;
}

/**
 * `t1c-lab load`: runs, compares with the baseline (or rewrites it), writes the three report files. Relative
 * paths resolve against `root` (the repo).
 */
export async function runLoadCommand(args: LoadArgs, root: string, onLine: (line: string) => void, warmupS: number = RUN_PLAN.warmupS): Promise<LoadOutcome> {
  const baselineFile = path.resolve(root, args.baselineFile);
  const dir = path.resolve(root, args.reportDir);
  mkdirSync(dir, { recursive: true });
  const k6 = k6OnPath();
  onLine(k6 ? `k6 found at ${k6}: it runs the open-model scenarios after the autocannon measurements` : 'k6 is not on PATH: autocannon alone (fixed-rate mode where an arrival rate is meant)');
  const run = await runLoad({
    k6: k6 ? { path: k6, root, reportDir: dir } : null, backends: args.backends, ...(args.target ? { target: args.target } : {}), durationS: args.durationS, warmupS, cardCounts: args.cardCounts, signMs: args.signMs, connectorLogLevel: args.connectorLogLevel, onLine });
  const backends = run.measurements.map((m) => m.backend);
  const draft = buildSummary(run, args, null);
  const stored = readBaseline(baselineFile);
  const tolerance = args.tolerance ?? stored?.tolerance ?? DEFAULT_TOLERANCE;
  let baseline: LoadSummary['baseline'] = null;
  if (args.updateBaseline) {
    const written = writeBaseline(baselineFile, draft.ratios, backends, tolerance);
    baseline = { file: path.relative(root, baselineFile), ...compareRatios(draft.ratios, written, backends, tolerance) };
    onLine(`baseline written: ${baselineFile}`);
  } else if (stored) {
    baseline = { file: path.relative(root, baselineFile), ...compareRatios(draft.ratios, stored, backends, tolerance) };
  }
  const summary: LoadSummary = { ...draft, baseline };
  const markdown = renderMarkdown(summary);
  const files = [path.join(dir, 'summary.json'), path.join(dir, 'report.md'), path.join(dir, 'report.html')];
  writeFileSync(files[0]!, stableJson(summary));
  writeFileSync(files[1]!, markdown);
  writeFileSync(files[2]!, renderHtml(summary, markdown));
  const k6Failed = run.measurements.some((m) => m.k6 !== null && (m.k6.exitCode !== 0 || m.k6.thresholdsUnmeasured.length > 0));
  return { summary, files, exitCode: (baseline?.regressions.length ?? 0) > 0 || k6Failed ? 1 : 0 };
}
