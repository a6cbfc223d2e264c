import { rmSync } from 'node:fs';
import { removeStaleContainers } from '../containers/cleanup.js';
import { stopStaleConnector } from './connector-process.js';
import type { LabFiles } from './paths.js';
import { vpcdDriverDir } from './pcscd-config.js';
import { acquirePcscdLock } from './pcscd-lock.js';
import { detectRunningPcscd, removeStalePcscdFiles } from './pcscd.js';
import { restoreMachinePcscd } from './pcscd-takeover.js';
import { terminate } from './processes.js';
import { hasQuickackRoute, removeQuickackRoute } from './route.js';
import { liveSupervisorPid, readSupervisorPid } from './supervisor-pid.js';

/**
 * Cleans what a dead supervisor left behind: its pid file, socket, state, reader config, connector — and,
 * when nobody else holds the machine pcscd lock, its pcscd, the quickack route and a machine pcscd it had
 * stopped. Returns what it cleaned, for the CLI to say. Never touches a live lab.
 */
export async function cleanStaleLab(files: LabFiles, log: (line: string) => void = () => undefined): Promise<string[]> {
  if (liveSupervisorPid(files) !== null) return [];
  const cleaned: string[] = [];
  const deadPid = readSupervisorPid(files);
  if (deadPid !== null) cleaned.push(`pid file of dead supervisor ${deadPid}`);
  for (const [file, what] of [
    [files.supervisorPid, null],
    [files.controlSocket, 'control socket'],
    [files.state, 'state file'],
  ] as const) {
    if (removeIfPresent(file) && what) cleaned.push(what);
  }
  if (await stopStaleConnector(files.connectorDir)) cleaned.push('connector process');
  if (removeIfPresent(files.pcscdConfDir)) cleaned.push('pcscd reader config');
  if (removeIfPresent(files.hsmDir)) cleaned.push('SoftHSM token directory');
  removeIfPresent(vpcdDriverDir(files.pcscdConfDir));
  cleaned.push(...(await removeStaleContainers(files.dir)));

  // pcscd and the route are machine-wide: only with the lock (a test lab elsewhere may be using them).
  let lock;
  try {
    lock = await acquirePcscdLock('supervisor', { labDir: files.dir, waitMs: 1000 });
  } catch {
    return cleaned;
  }
  try {
    const running = await detectRunningPcscd();
    if (running?.labLeftover && running.pid !== null) {
      log(`stopping leftover pcscd ${running.pid}`);
      await terminate(running.pid);
      cleaned.push(`pcscd ${running.pid}`);
    }
    await removeStalePcscdFiles();
    if (hasQuickackRoute()) {
      removeQuickackRoute();
      cleaned.push('quickack route');
    }
    await restoreMachinePcscd(log);
  } finally {
    await lock.release();
  }
  return cleaned;
}

function removeIfPresent(file: string): boolean {
  try {
    rmSync(file, { recursive: true });
    return true;
  } catch {
    return false;
  }
}
