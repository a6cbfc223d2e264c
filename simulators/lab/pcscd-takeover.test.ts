import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { findPcscd, detectRunningPcscd, socketAnswers } from './pcscd.js';
import { acquirePcscdLock } from './pcscd-lock.js';
import { isRoot, terminate } from './processes.js';
import { openPcscTestLab } from './test-lab.js';

/** Waits (bounded) for a condition that an external process brings about. */
async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

describe.runIf(isRoot())('a pcscd already running on the machine', () => {
  it('is stopped for the lab and restored, same command line, when the lab closes', { timeout: 240_000 }, async () => {
    const binary = findPcscd()!;
    // Start a "system" pcscd (stock reader config, no lab marker) while nobody else runs one.
    const lock = await acquirePcscdLock('test-lab');
    let systemPid: number;
    try {
      const system = spawn(binary, ['--foreground'], { detached: true, stdio: 'ignore' });
      system.unref();
      systemPid = system.pid!;
      expect(await until(() => socketAnswers(), 5000)).toBe(true);
    } finally {
      await lock.release();
    }

    const lab = await openPcscTestLab();
    const during = await detectRunningPcscd();
    expect(during?.pid).not.toBe(systemPid);
    expect(during?.labLeftover).toBe(true);
    await lab.close();

    const after = await acquirePcscdLock('test-lab');
    try {
      const restored = await detectRunningPcscd();
      expect(restored).toMatchObject({ argv: [binary, '--foreground'], labLeftover: false });
      if (restored?.pid) await terminate(restored.pid);
      expect(await detectRunningPcscd()).toBeNull();
    } finally {
      await after.release();
    }
  });
});
