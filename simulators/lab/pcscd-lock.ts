import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { LabError } from './lab-error.js';
import { isAlive } from './processes.js';

/**
 * The machine-wide pcscd lock: only one pcscd may run, so every user of it (test labs in parallel vitest
 * workers, the detached supervisor, manual `flock /tmp/t1c-pcscd.lock …` experiments) queues on one flock(2)
 * lock. Node has no flock, so a `flock` child holds it for us: it runs `cat` on a pipe from this process and
 * ends when the pipe closes — also when this process dies, so a crashed holder never leaves the lock taken.
 */
export const DEFAULT_PCSCD_LOCK = '/tmp/t1c-pcscd.lock';

/**
 * `supervisor` is a user's detached lab (`t1c-lab lab up`: long-lived, so test labs refuse rather than wait);
 * `batch-supervisor` is a detached lab a program started for a run of its own (a suite's global setup, certify,
 * a test): it ends by itself, so test labs queue behind it.
 */
export type LockOwnerKind = 'test-lab' | 'supervisor' | 'batch-supervisor';

/** Who holds the lock, written next to it once acquired (so waiters can say who they wait for). */
export interface LockOwner {
  readonly pid: number;
  readonly kind: LockOwnerKind;
  readonly labDir?: string;
}

export interface PcscdLock {
  readonly path: string;
  release(): Promise<void>;
}

export interface LockOptions {
  readonly path?: string;
  /** How long to queue before giving up (default 180 s). */
  readonly waitMs?: number;
  /** Refuse at once (instead of queueing) when a detached lab supervisor holds the lock. */
  readonly refuseIfSupervisor?: boolean;
}

export function lockPath(): string {
  return process.env['T1C_PCSCD_LOCK'] ?? DEFAULT_PCSCD_LOCK;
}

const ownerFile = (path: string): string => `${path}.owner.json`;

/** The live holder of the lock as it declared itself, or null (free, a manual `flock`, or a dead holder). */
export function readLockOwner(path: string = lockPath()): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(ownerFile(path), 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) && isAlive(owner.pid) ? owner : null;
  } catch {
    return null;
  }
}

function supervisorRefusal(owner: LockOwner): LabError {
  const where = owner.labDir ? `, ${owner.labDir}` : '';
  return new LabError('ERR_LAB_DETACHED_RUNNING', `a detached lab (supervisor pid ${owner.pid}${where}) is running and owns pcscd; stop it with \`t1c-lab lab down\` first`);
}

export async function acquirePcscdLock(kind: LockOwnerKind, options: LockOptions & { labDir?: string } = {}): Promise<PcscdLock> {
  const path = options.path ?? lockPath();
  const waitMs = options.waitMs ?? 180_000;
  const current = readLockOwner(path);
  if (options.refuseIfSupervisor && current?.kind === 'supervisor') throw supervisorRefusal(current);

  const child = spawn('flock', ['-o', '-w', String(Math.max(1, Math.ceil(waitMs / 1000))), path, 'sh', '-c', 'echo locked && exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  await waitUntilLocked(child, path, options.refuseIfSupervisor === true);

  const owner: LockOwner = { pid: process.pid, kind, ...(options.labDir ? { labDir: options.labDir } : {}) };
  writeFileSync(ownerFile(path), JSON.stringify(owner) + '\n');
  let released = false;
  return {
    path,
    async release(): Promise<void> {
      if (released) return;
      released = true;
      if (readLockOwner(path)?.pid === process.pid) rmSync(ownerFile(path), { force: true });
      await stopHolder(child);
    },
  };
}

function waitUntilLocked(child: ChildProcess, path: string, refuseIfSupervisor: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    const watch = setInterval(() => {
      const owner = readLockOwner(path);
      if (refuseIfSupervisor && owner?.kind === 'supervisor') fail(supervisorRefusal(owner));
    }, 500);
    const done = (): void => {
      clearInterval(watch);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    const fail = (error: Error): void => {
      done();
      child.kill('SIGTERM');
      reject(error);
    };
    const onData = (chunk: Buffer): void => {
      if (!chunk.toString().includes('locked')) return;
      done();
      resolve();
    };
    const onExit = (code: number | null): void => {
      const owner = readLockOwner(path);
      const holder = owner ? ` held by pid ${owner.pid} (${owner.kind})` : ' held by another process';
      done();
      reject(new LabError('ERR_LAB_LOCK_TIMEOUT', `timed out waiting for the pcscd lock ${path}${holder} (flock exit ${code}${stderr ? ': ' + stderr.trim() : ''})`));
    };
    const onError = (error: Error): void => {
      done();
      reject(new LabError('ERR_LAB_LOCK_TIMEOUT', `cannot run flock to take ${path}: ${error.message}`, { cause: error }));
    };
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

function stopHolder(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.stdin?.end();
  });
}
