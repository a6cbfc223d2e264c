import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { distEntry, labFiles } from './paths.js';
import { isRunning, waitForExit } from './processes.js';

/**
 * A lab bound to its caller (UpOptions.boundToCaller: a suite's global setup, the load runner) ends when that
 * process ends, even when it is killed and its teardown never runs — a killed test run must not leave a lab that
 * holds the machine's pcscd for the next one. Uses the built lab client (`npm run build` first).
 */
const dir = mkdtempSync(path.join(tmpdir(), 't1c-lab-bound-'));
const files = labFiles(dir);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A caller process that brings a lab up and then waits; resolves with the supervisor pid it printed. */
function startCaller(boundToCaller: boolean): Promise<{ caller: ReturnType<typeof spawn>; supervisorPid: number }> {
  const client = distEntry('simulators/lab/lab-client.js');
  const script = `const { labUp } = await import(${JSON.stringify(client)});
const state = await labUp({ backend: 'embedded', connector: false, tokens: false, dir: ${JSON.stringify(dir)}, replace: true, boundToCaller: ${boundToCaller} });
process.stdout.write(state.lab.supervisorPid + '\\n');
setInterval(() => undefined, 1 << 30);`;
  const caller = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    caller.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ caller, supervisorPid: Number(line) });
    });
    caller.once('exit', (code) => reject(new Error(`the caller exited (${code}) before its lab was up`)));
  });
}

describe('a lab bound to its caller', () => {
  it('stops when the caller is killed (SIGKILL: no teardown ran), leaving no run files', async () => {
    const { caller, supervisorPid } = await startCaller(true);
    expect(isRunning(supervisorPid)).toBe(true);
    caller.kill('SIGKILL');
    expect(await waitForExit(supervisorPid, 20_000)).toBe(true);
    for (const file of [files.controlSocket, files.state, files.supervisorPid]) expect(existsSync(file), file).toBe(false);
  }, 60_000);

  it('an unbound lab (the CLI’s `lab up`) outlives its caller', async () => {
    const { caller, supervisorPid } = await startCaller(false);
    caller.kill('SIGKILL');
    await new Promise((resolve) => caller.once('exit', resolve));
    expect(isRunning(supervisorPid)).toBe(true);
    const { labDown } = await import('./lab-client.js');
    await labDown(dir);
    expect(await waitForExit(supervisorPid, 20_000)).toBe(true);
  }, 60_000);
});
