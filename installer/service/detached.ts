import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { writePrivate } from '../private-fs.js';
import type { ServiceSpec } from './spec.js';

/**
 * A connector started right away without a service manager (the XDG autostart case): detached, in its own
 * session, output appended to a file, its pid in a pid file. Stopping checks the pid still runs our command line
 * before signalling it, so a reused pid is never hit.
 */
export async function startDetached(spec: ServiceSpec, outputFile: string, pidFile: string): Promise<number> {
  await writePrivate(outputFile, '');
  const out = openSync(outputFile, 'a', 0o600);
  try {
    const [program, ...args] = spec.argv;
    const child = spawn(program!, args, { detached: true, stdio: ['ignore', out, out], env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...spec.env } });
    const spawned = await Promise.race([once(child, 'spawn').then(() => true), once(child, 'error').then(([e]) => Promise.reject(e as Error))]);
    if (!spawned || child.pid === undefined) throw new Error(`could not start ${program}`);
    child.unref();
    await writePrivate(pidFile, `${child.pid}\n`); // `connector serve` writes the same pid itself once it runs
    return child.pid;
  } finally {
    closeSync(out);
  }
}

/** The process's command line; null when it does not exist or has exited (a zombie has an empty one). */
function commandLine(pid: number): string[] | null {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
    return argv.length > 0 ? argv : null;
  } catch {
    return null;
  }
}

/** The pid from the pid file when that process is alive and runs `marker` (e.g. the installed program's path). */
export async function runningPid(pidFile: string, marker: string): Promise<number | null> {
  let pid: number;
  try {
    pid = Number((await readFile(pidFile, 'utf8')).trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 1) return null;
  const argv = commandLine(pid);
  return argv !== null && argv.some((a) => a.includes(marker)) ? pid : null;
}

/** Resolves when the process is gone (its /proc entry disappears), or rejects after `timeoutMs`. */
async function gone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 5; commandLine(pid) !== null; wait = Math.min(wait * 2, 100)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} did not stop within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** SIGTERM (graceful: in-flight requests finish), then SIGKILL after `graceMs`; removes the pid file. */
export async function stopDetached(pidFile: string, marker: string, graceMs = 10_000): Promise<boolean> {
  const pid = await runningPid(pidFile, marker);
  if (pid !== null) {
    process.kill(pid, 'SIGTERM');
    try {
      await gone(pid, graceMs);
    } catch {
      process.kill(pid, 'SIGKILL');
      await gone(pid, 2_000);
    }
  }
  await rm(pidFile, { force: true });
  return pid !== null;
}
