import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../doctor/index.js';
import { labDown, labUp } from '../../simulators/lab/lab-client.js';
import { distEntry } from '../../simulators/lab/paths.js';
import type { LabState } from '../../simulators/lab/state.js';

/** `t1c-lab doctor` end to end through the built CLI (`npm run build` first) against an embedded-backend lab. */
const CLI = distEntry('bin/t1c-lab.js');
const dir = mkdtempSync(path.join(tmpdir(), 't1c-doctor-lab-'));
let state: LabState;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function doctor(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'doctor', ...args], { env: { ...process.env, T1C_LAB_DIR: dir, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const statusOf = (report: DoctorReport): Record<string, string> => Object.fromEntries(report.checks.map((c) => [c.id, c.status]));

beforeAll(async () => {
  expect(existsSync(CLI), `${CLI} is missing: npm run build first`).toBe(true);
  state = await labUp({ backend: 'embedded', cards: [{ profile: 'beid-1.8', persona: 'be-fr-adult' }], dir, replace: true, boundToCaller: true });
}, 120_000);
afterAll(async () => {
  await labDown(dir);
  rmSync(dir, { recursive: true, force: true });
});

describe('t1c-lab doctor --lab (embedded lab)', () => {
  it('every check is ok or says why it does not apply; connector, DS, token and CORS are ok; exit 0', async () => {
    const run = await doctor(['--lab', '--json']);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(Object.keys(report).sort()).toEqual(['checks', 'connector', 'exitCode', 'summary']);
    expect(report.connector).toBe(state.connector!.url);
    for (const check of report.checks) {
      expect(Object.keys(check).sort()).toEqual(expect.arrayContaining(['detail', 'group', 'id', 'status', 'title']));
      expect(check.detail.length).toBeGreaterThan(0);
    }
    const status = statusOf(report);
    for (const id of ['connector.reachable', 'connector.tls', 'connector.info', 'ds.reachable', 'ds.clock', 'ds.token', 'cors.origin', 'hardware.readers'])
      expect(status[id], `${id}: ${report.checks.find((c) => c.id === id)?.detail}`).toBe('ok');
    expect(status['hardware.pcscd']).toBe('n/a'); // the embedded reader needs no pcscd
    expect(report.checks.filter((c) => c.status === 'problem')).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(run.code).toBe(0);
    const readers = report.checks.find((c) => c.id === 'hardware.readers')!;
    expect(readers.detail).toContain(`ATR ${state.readers[0]!.card!.atr}, module beid`);
    // the API key goes to the DS, never to the report
    expect(run.stdout).not.toContain(state.ds!.apiKey);
  });

  it('an origin missing from the CORS list is a problem with its fix, exit 1', async () => {
    const run = await doctor(['--lab', '--origin', 'https://missing.t1c-lab.test', '--json']);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report.checks.find((c) => c.id === 'cors.origin')).toMatchObject({
      status: 'problem',
      detail: expect.stringContaining('refuses https://missing.t1c-lab.test (preflight 403'),
      fix: expect.stringContaining('t1c-lab connector cors add https://missing.t1c-lab.test'),
    });
    expect(run.code).toBe(1);
  });

  it('TLS-04: without the lab CA the connector certificate is untrusted (the system store does not hold it); the text names the fix', async () => {
    const run = await doctor(['--connector', state.connector!.url]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/problem connector certificate: the certificate is not trusted by /);
    expect(run.stdout).toMatch(/\n {10}fix: trust the connector CA: t1c-lab connector install/);
    const withCa = await doctor(['--connector', state.connector!.url, '--ca', state.connector!.caCert, '--json']);
    expect(statusOf(JSON.parse(withCa.stdout) as DoctorReport)['connector.tls']).toBe('ok');
  });

  it('the API key comes from a named environment variable; a wrong one is a token problem, and never printed', async () => {
    const wrong = 'not-the-lab-key-0123456789';
    const run = await doctor(['--lab', '--api-key-env', 'DOCTOR_TEST_KEY', '--json'], { DOCTOR_TEST_KEY: wrong });
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report.checks.find((c) => c.id === 'ds.token')).toMatchObject({ status: 'problem', detail: expect.stringContaining('refused the API key (401)') });
    expect(statusOf(report)['hardware.readers']).toBe('n/a'); // no token: the protected routes are not asked
    expect(run.stdout + run.stderr).not.toContain(wrong);
    const unset = await doctor(['--lab', '--api-key-env', 'DOCTOR_UNSET_VARIABLE']);
    expect([unset.code, unset.stderr.trim()]).toEqual([2, 't1c-lab: --api-key-env DOCTOR_UNSET_VARIABLE: that environment variable is empty or not set (see `t1c-lab doctor --help`)']);
  });
});
