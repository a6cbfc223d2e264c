import os from 'node:os';
import path from 'node:path';
import { CERTIFY_USAGE, CertifyUsageError, parseCertifyArgs } from '../../conformance/certify/args.js';
import { terminalTable } from '../../conformance/certify/matrix.js';
import { writeReports } from '../../conformance/certify/reports.js';
import { robustnessFigures, robustnessLines } from '../../conformance/certify/robustness.js';
import { certify } from '../../conformance/certify/run.js';
import { defaultBackend } from '../../simulators/lab/lab-client.js';
import { repoRoot } from '../../simulators/lab/paths.js';

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
  const started = new Date();
  const t0 = performance.now();
  const { matrix, records } = await certify({ ...plan, onLine: (line) => console.log(line) });
  const robustness = robustnessFigures(records, path.join(repoRoot(), 'reports', 'test', 'fast-check.jsonl'));
  const files = writeReports(path.resolve(repoRoot(), plan.reportDir), matrix, records, {
    target: plan.target?.url ?? 'lab connector',
    backends: plan.target ? ['target'] : plan.backends,
    cards: plan.cards.map((c) => (c.persona ? `${c.profile}:${c.persona}` : c.profile)),
    environment: { node: process.version, platform: `${os.type()} ${os.release()} ${os.arch()}`, host: os.hostname() },
    startedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    robustness,
  });
  console.log(`\n${terminalTable(matrix)}\n`);
  for (const line of robustnessLines(robustness)) console.log(line);
  console.log(`verdict: ${matrix.verdict.toUpperCase()} — ${matrix.totals.passed} passed, ${matrix.totals.failed} failed, ${matrix.totals.skipped} skipped`);
  for (const r of records.filter((x) => x.outcome === 'failed')) console.log(`  ✗ ${r.card} · ${r.suite} · ${r.backend}: ${r.name}\n    ${(r.message ?? '').split('\n')[0]}`);
  console.log(`reports: ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  return matrix.verdict === 'pass' ? 0 : 1;
}
