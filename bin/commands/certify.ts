import os from 'node:os';
import path from 'node:path';
import { CERTIFY_USAGE, CertifyUsageError, parseCertifyArgs } from '../../conformance/certify/args.js';
import { terminalTable } from '../../conformance/certify/matrix.js';
import { writeReports } from '../../conformance/certify/reports.js';
import { robustnessFigures, robustnessLines } from '../../conformance/certify/robustness.js';
import { certify } from '../../conformance/certify/run.js';
import { browserChoices } from '../../conformance/support/browser/selection.js';
import type { BrowserName } from '../../conformance/support/browser/types.js';
import { runProgram } from '../../installer/run.js';
import { runScreenshots } from '../../conformance/certify/screenshots.js';
import { defaultBackend } from '../../simulators/lab/lab-client.js';
import { repoRoot } from '../../simulators/lab/paths.js';

/** Each browser's `--version` line ("Chromium 156.0.8078.129 …", "Mozilla Firefox 153.8.0esr"), or why it cannot run. */
async function browserVersions(names: readonly BrowserName[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const choice of browserChoices({ ...process.env, T1C_LAB_BROWSERS: names.join(',') })) {
    if (choice.missing) {
      out[choice.name] = `not run: ${choice.missing}`;
      continue;
    }
    const run = await runProgram(choice.executable, ['--version'], { env: { ...process.env, HOME: os.tmpdir() }, timeoutMs: 30_000 });
    out[choice.name] = run.code === 0 ? (run.stdout.trim().split('\n').pop() ?? '').replace(/\s+built on.*$/, '') : `version unknown: ${run.stderr.trim().split('\n')[0] ?? ''}`;
  }
  return out;
}

/** `t1c-lab certify`: the conformance suites per card type and backend, a verdict and three report files. */
export async function run(args: string[]): Promise<number> {
  let plan;
  try {
    plan = parseCertifyArgs(args, defaultBackend() === 'pcsc');
  } catch (e) {
    if (e instanceof CertifyUsageError) {
      console.error(`t1c-lab certify: ${e.message}\n\n${CERTIFY_USAGE}`);
      return 2;
    }
    throw e;
  }
  if (plan.help) {
    console.log(CERTIFY_USAGE);
    return 0;
  }
  const browsers = await browserVersions(plan.browsers ?? []);
  const started = new Date();
  const t0 = performance.now();
  const { matrix, records } = await certify({ ...plan, onLine: (line) => console.log(line) });
  const robustness = robustnessFigures(records, path.join(repoRoot(), 'reports', 'test', 'fast-check.jsonl'));
  const reportDir = path.resolve(repoRoot(), plan.reportDir);
  const files = writeReports(reportDir, matrix, records, {
    target: plan.target?.url ?? 'lab connector',
    backends: plan.target ? ['target'] : plan.backends,
    browsers,
    cards: plan.cards.map((c) => (c.persona ? `${c.profile}:${c.persona}` : c.profile)),
    environment: { node: process.version, platform: `${os.type()} ${os.release()} ${os.arch()}`, host: os.hostname() },
    startedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    robustness,
    screenshots: runScreenshots(reportDir, started),
  });
  console.log(`\n${terminalTable(matrix)}\n`);
  for (const [name, version] of Object.entries(browsers)) console.log(`browser ${name}: ${version}`);
  for (const line of robustnessLines(robustness)) console.log(line);
  console.log(`verdict: ${matrix.verdict.toUpperCase()} — ${matrix.totals.passed} passed, ${matrix.totals.failed} failed, ${matrix.totals.skipped} skipped`);
  for (const r of records.filter((x) => x.outcome === 'failed')) console.log(`  ✗ ${r.card} · ${r.suite} · ${r.backend}: ${r.name}\n    ${(r.message ?? '').split('\n')[0]}`);
  console.log(`reports: ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  return matrix.verdict === 'pass' ? 0 : 1;
}
