import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../simulators/lab/paths.js';
import { parseLoadArgs } from './args.js';
import { runLoadCommand } from './runner.js';
import { stableJson } from './stable-json.js';
import type { LoadSummary } from './summary.js';

/**
 * A short run of the runner on an embedded lab (≤ 30 s): every step runs for half a second, with one and two
 * cards and a 20 ms latency model. It checks that the three reports carry every figure, not the figures' values
 * (benchmarks are not tests). The baseline asks for a ratio no connector reaches, so the run must exit 1.
 */
describe('t1c-lab load (smoke)', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 't1c-load-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures against the ceilings, writes summary.json, report.md and report.html, and fails on a regressed ratio', async () => {
    const baselineFile = path.join(dir, 'baseline.json');
    writeFileSync(baselineFile, JSON.stringify({ note: 'smoke', tolerance: 0.25, ratios: { 'embedded.beid_bulk_sign.ceilingRatio': 1000 } }));
    const args = parseLoadArgs(['--backend', 'embedded', '--duration', '0.5', '--cards', '1,2', '--card-latency', '20', '--report-dir', dir, '--baseline', baselineFile], false);
    const lines: string[] = [];
    const outcome = await runLoadCommand(args, repoRoot(), (line) => lines.push(line), 0);

    expect(outcome.exitCode).toBe(1);
    expect(outcome.summary.baseline?.regressions).toContain('embedded.beid_bulk_sign.ceilingRatio');

    const text = readFileSync(path.join(dir, 'summary.json'), 'utf8');
    expect(text).toBe(stableJson(JSON.parse(text))); // sorted keys
    const summary = JSON.parse(text) as LoadSummary;
    const m = summary.backends['embedded']!;
    for (const name of ['beid_sign', 'beid_bulk_sign', 'info', 'readers'] as const) {
      expect(m.paths[name]?.max.ok, `${name}: ${lines.join('\n')}`).toBeGreaterThan(0);
      expect(Number.isFinite(m.paths[name]?.ceilingRatio)).toBe(true);
    }
    const bulk = m.paths.beid_bulk_sign!;
    expect(bulk.limitedBy).toBe('card');
    expect(bulk.ceilings['card']).toBeGreaterThan(0);
    expect(bulk.half?.model).toBe('fixed-rate');
    expect(bulk.half?.added.count).toBeGreaterThan(0);
    expect(bulk.max.stages['card']?.count).toBe(bulk.max.ok);
    expect(Object.keys(m.scaling.latencyModel?.http ?? {})).toEqual(['1', '2']);
    expect(Object.keys(m.scaling.plain?.ceiling ?? {})).toEqual(['1', '2']);
    expect(summary.goals.filter((g) => g.backend === 'embedded').map((g) => g.met === null)).toEqual([false, false, false, false]); // every goal measured
    for (const name of ['pkcs11_sign_rsa', 'pkcs11_sign_ec'] as const) {
      expect(m.paths[name]?.max.ok, `${name} on the lab's SoftHSM tokens: ${lines.join('\n')}`).toBeGreaterThan(0);
      expect(m.paths[name]?.ceilings['pkcs11']).toBeGreaterThan(0);
    }
    expect(summary.ratios['embedded.scaling.latencyModel.2cards']).toBeGreaterThan(0);

    const md = readFileSync(path.join(dir, 'report.md'), 'utf8');
    for (const heading of ['## Goals', '## Baseline', '### Paths against their ceilings', '### Where the time goes', '### Throughput with 1, 2 and 4 cards', '## Thresholds']) expect(md).toContain(heading);
    expect(md).toMatch(/fixed-rate/);
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    expect(html).toContain('new Chart(');
    expect(html).toMatch(/Chart\.js v4/); // the inlined UMD bundle's banner
    expect(html).not.toMatch(/<script[^>]+src=/); // nothing fetched from the network
  }, 60_000);
});
