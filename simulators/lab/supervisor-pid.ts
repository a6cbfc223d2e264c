import { readFileSync } from 'node:fs';
import type { LabFiles } from './paths.js';
import { isAlive, processArgv } from './processes.js';

/** The pid recorded in `.lab/supervisor.pid`, or null when the file is absent or malformed. */
export function readSupervisorPid(files: LabFiles): number | null {
  try {
    const pid = Number(readFileSync(files.supervisorPid, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True when `pid` is alive and is a lab supervisor (not a recycled pid). */
export function isSupervisorProcess(pid: number): boolean {
  return isAlive(pid) && (processArgv(pid)?.some((arg) => arg.endsWith('supervisor.js') || arg.endsWith('supervisor.ts')) ?? false);
}

/** The live supervisor of this lab dir, or null. */
export function liveSupervisorPid(files: LabFiles): number | null {
  const pid = readSupervisorPid(files);
  return pid !== null && isSupervisorProcess(pid) ? pid : null;
}
