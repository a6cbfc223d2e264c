import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { LabError } from './lab-error.js';
import { detectRunningPcscd, findPcscd, removeStalePcscdFiles, socketAnswers } from './pcscd.js';
import { lockPath } from './pcscd-lock.js';
import { isRoot, terminate } from './processes.js';

/**
 * Never two pcscd: before the lab starts its own, a pcscd already on the machine is stopped — a lab
 * leftover for good, anything else (the system's, systemd socket activation) only for the lab's lifetime,
 * with a restore record next to the machine lock so that whoever next holds the lock can restore it even
 * if this process dies.
 */
export interface RestoreRecord {
  readonly how: 'systemd' | 'argv';
  /** systemd units that were active, or the argv of the process. */
  readonly units?: readonly string[];
  readonly argv?: readonly string[];
}

const restoreFile = (): string => `${lockPath()}.restore.json`;
const UNITS = ['pcscd.socket', 'pcscd.service'] as const;

function systemdActiveUnits(): string[] {
  if (!existsSync('/run/systemd/system')) return [];
  return UNITS.filter((unit) => spawnSync('systemctl', ['is-active', '--quiet', unit]).status === 0);
}

/** Makes sure no pcscd runs. Call only while holding the machine pcscd lock. */
export async function clearPcscdForLab(log: (line: string) => void = () => undefined): Promise<void> {
  const running = await detectRunningPcscd();
  if (!running) {
    await removeStalePcscdFiles();
    return;
  }
  if (running.labLeftover && running.pid !== null) {
    log(`stopping a pcscd left over by an earlier lab (pid ${running.pid})`);
    await terminate(running.pid);
    await removeStalePcscdFiles();
    return;
  }
  const description = running.pid !== null ? `pid ${running.pid}: ${(running.argv ?? []).join(' ')}` : `socket-activated`;
  if (!isRoot()) {
    throw new LabError(
      'ERR_LAB_NOT_ROOT',
      `a pcscd is already running (${description}); the lab must stop it for its lifetime and only root may: run as root, or stop it yourself (e.g. \`sudo systemctl stop pcscd.socket pcscd.service\`)`,
    );
  }
  const units = systemdActiveUnits();
  const record: RestoreRecord = units.length > 0 ? { how: 'systemd', units } : { how: 'argv', argv: running.argv ?? [] };
  if (!existsSync(restoreFile())) writeFileSync(restoreFile(), JSON.stringify(record) + '\n');
  log(`stopping the machine's pcscd (${description}) for the lab's lifetime; it is restored when the lab stops`);
  if (units.length > 0) spawnSync('systemctl', ['stop', ...UNITS], { stdio: 'ignore' });
  if (running.pid !== null) await terminate(running.pid);
  await removeStalePcscdFiles();
}

/** Restores the pcscd stopped by `clearPcscdForLab` (by this or a dead earlier holder of the lock). */
export async function restoreMachinePcscd(log: (line: string) => void = () => undefined): Promise<void> {
  let record: RestoreRecord;
  try {
    record = JSON.parse(readFileSync(restoreFile(), 'utf8')) as RestoreRecord;
  } catch {
    return;
  }
  rmSync(restoreFile(), { force: true });
  if (record.how === 'systemd') {
    log(`restoring ${(record.units ?? []).join(', ')}`);
    spawnSync('systemctl', ['start', ...(record.units ?? [])], { stdio: 'ignore' });
    return;
  }
  const [name, ...args] = record.argv ?? [];
  const binary = name?.includes('/') ? name : findPcscd();
  if (!binary || !existsSync(binary)) return;
  log(`restoring the machine's pcscd: ${[binary, ...args].join(' ')}`);
  const child = spawn(binary, args, { detached: true, stdio: 'ignore' });
  child.unref();
  const deadline = Date.now() + 5000;
  while (!(await socketAnswers()) && Date.now() < deadline) await delay(25);
}
