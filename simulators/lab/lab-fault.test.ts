import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distEntry } from './paths.js';
import { validateState } from './state.js';

/**
 * `t1c-lab lab fault` through the built CLI (`npm run build` first) and a detached embedded lab without a connector:
 * the control socket carries the fault, the state follows, refusals are one line with exit code 1. What the faults do
 * to a connector is conformance/reliability's part.
 */
const CLI = distEntry('bin/t1c-lab.js');
const dir = mkdtempSync(path.join(tmpdir(), 't1c-lab-fault-'));
const env = { ...process.env, T1C_LAB_DIR: dir, T1C_LAB_TEST: '1' };

function lab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'lab', ...args], { env, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

afterAll(async () => {
  await lab('down');
  rmSync(dir, { recursive: true, force: true });
});

describe('t1c-lab lab fault (embedded, no connector)', () => {
  it('puts faults on a card, takes it out on remove, and refuses what cannot be done', async () => {
    const up = await lab('up', '--backend', 'embedded', '--no-connector', '--no-tokens', '--card', 'iso-echo', '--json');
    expect(up.code, up.stderr).toBe(0);

    for (const args of [['latency', '--model', 'real'], ['drop', '--count', '2'], ['corrupt'], ['hostile', '--mode', 'garbage-data', '--seed', '3'], ['power-off'], ['clear'], ['remove', '--at-ins', '2A']]) {
      const res = await lab('fault', args[0]!, '--reader', '0', ...args.slice(1), '--json');
      expect(res.code, `${args.join(' ')}: ${res.stderr}`).toBe(0);
      expect(validateState(JSON.parse(res.stdout)).readers[0]!.card?.profile).toBe('iso-echo');
    }

    const removed = await lab('fault', 'remove', '--reader', '0', '--json');
    expect(removed.code, removed.stderr).toBe(0);
    expect(validateState(JSON.parse(removed.stdout)).readers[0]!.card).toBeNull();

    const empty = await lab('fault', 'drop', '--reader', '0');
    expect([empty.code, empty.stderr.trim()]).toEqual([1, expect.stringMatching(/^t1c-lab: .*reader 0 holds no card/)]);
    const noPcscd = await lab('fault', 'pcscd-restart');
    expect([noPcscd.code, noPcscd.stderr.trim()]).toEqual([1, expect.stringMatching(/^t1c-lab: .*pcscd restart needs the pcsc backend/)]);
    const usage = await lab('fault', 'melt', '--reader', '0');
    expect(usage.code).not.toBe(0);
    expect(usage.stderr).toMatch(/kind must be one of/);
  }, 180_000);
});
