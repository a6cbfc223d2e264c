import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tokenKeyType } from './pkcs11-ceiling.js';
import type { K6Target } from './scenarios.js';
import type { LoadTarget } from './target.js';

/** The k6 script, run from the source tree (k6 transpiles TypeScript itself, v0.57+). */
export const K6_SCRIPT = 'load/k6/t1c-load.ts';

/** k6 exits 99 when a threshold is crossed (errext/exitcodes ThresholdsHaveFailed). */
export const K6_THRESHOLDS_FAILED = 99;

export function k6OnPath(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, 'k6');
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/** What the k6 script reads from T1C_LOAD_TARGET, for a lab or --target connector. */
export function k6Target(target: LoadTarget, durationS: number): K6Target {
  return {
    url: target.url,
    readers: target.cards.filter((c) => !c.latency).map((c) => ({ id: c.readerId, pin: c.pin })),
    tokens: target.tokens.flatMap((t) => {
      const keyType = tokenKeyType(t.label);
      return keyType ? [{ id: t.readerId, pin: t.pin, keyType }] : [];
    }),
    ...(target.ds ? { ds: target.ds } : {}),
    durationS,
  };
}

export interface K6Outcome {
  readonly exitCode: number;
  readonly thresholdsFailed: readonly string[];
  readonly thresholdsUnmeasured: readonly string[];
  readonly summaryFile: string;
}

/**
 * Runs the k6 scenarios against a target (open model). The target file holds test PINs, so it lives in a
 * private temp dir that is removed afterwards. SSL_CERT_FILE makes k6 (Go) trust the connector's CA.
 */
export async function runK6(k6: string, root: string, target: LoadTarget, durationS: number, summaryFile: string, onLine: (line: string) => void): Promise<K6Outcome> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 't1c-k6-'));
  try {
    const targetFile = path.join(dir, 'target.json');
    writeFileSync(targetFile, JSON.stringify(k6Target(target, durationS)), { mode: 0o600 });
    const env = { ...process.env, T1C_LOAD_TARGET: targetFile, T1C_K6_SUMMARY: summaryFile, SSL_CERT_FILE: target.caCertPath };
    const child = spawn(k6, ['run', '--quiet', path.join(root, K6_SCRIPT)], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach((line) => onLine(`  k6: ${line}`)));
    child.stderr.on('data', (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach((line) => onLine(`  k6: ${line}`)));
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => resolve(code ?? 1));
    });
    const summary = existsSync(summaryFile) ? (JSON.parse(readFileSync(summaryFile, 'utf8')) as { thresholdsFailed?: string[]; thresholdsUnmeasured?: string[] }) : {};
    return { exitCode, thresholdsFailed: summary.thresholdsFailed ?? [], thresholdsUnmeasured: summary.thresholdsUnmeasured ?? ['(no k6 summary written)'], summaryFile };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
