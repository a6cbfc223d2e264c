import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { LabError } from './lab-error.js';
import { pipeRedactedLog } from './pcscd-log.js';
import { VPCD_DRIVER } from './pcscd-config.js';
import { isAlive, pidsByName, processArgv } from './processes.js';

export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
export const PCSCD_PIDFILE = '/run/pcscd/pcscd.pid';

/** Marker in the config dir of every pcscd the lab starts: a pcscd whose `-c` holds it is a lab leftover. */
export const LAB_CONF_MARKER = 't1c-lab-reader.conf.d';

/** The pcscd binary: PATH first, then the sbin dirs a non-root PATH often lacks. */
export function findPcscd(env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = [...(env['PATH'] ?? '').split(':').filter(Boolean), '/usr/sbin', '/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'pcscd');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** pcscd needs to create /run/pcscd/{pcscd.comm,pcscd.pid}: root, or a /run/pcscd made writable for this user. */
export function mayRunPcscd(): boolean {
  for (const dir of [path.dirname(PCSCD_SOCKET), path.dirname(path.dirname(PCSCD_SOCKET))]) {
    if (!existsSync(dir)) continue;
    try {
      accessSync(dir, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }
  return false;
}

export function vpcdDriverInstalled(): boolean {
  return existsSync(VPCD_DRIVER);
}

/** True when something accepts connections on the pcscd socket (pcscd itself or systemd's socket unit). */
export function socketAnswers(socketPath: string = PCSCD_SOCKET, timeoutMs = 500): Promise<boolean> {
  if (!existsSync(socketPath)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    const finish = (answer: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** A pcscd found on the machine before the lab started one. */
export interface RunningPcscd {
  /** Null when only the socket answers (systemd socket activation without a running pcscd). */
  readonly pid: number | null;
  readonly argv: readonly string[] | null;
  /** A pcscd the lab itself started and lost (its `-c` dir carries the lab marker). */
  readonly labLeftover: boolean;
}

function pidFromFile(): number | null {
  try {
    const pid = Number(readFileSync(PCSCD_PIDFILE, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** Looks for a pcscd by pid file, by process name and by the socket answering. */
export async function detectRunningPcscd(): Promise<RunningPcscd | null> {
  const pid = pidFromFile() ?? pidsByName('pcscd')[0] ?? null;
  if (pid !== null) {
    const argv = processArgv(pid);
    return { pid, argv, labLeftover: argv?.some((arg) => arg.includes(LAB_CONF_MARKER)) ?? false };
  }
  if (await socketAnswers()) return { pid: null, argv: null, labLeftover: false };
  return null;
}

/** Removes a socket and pid file no process serves any more (pcscd refuses to start over them). */
export async function removeStalePcscdFiles(): Promise<void> {
  if (pidFromFile() !== null || pidsByName('pcscd').length > 0) return;
  if (existsSync(PCSCD_SOCKET) && !(await socketAnswers())) rmSync(PCSCD_SOCKET, { force: true });
  if (existsSync(PCSCD_PIDFILE)) rmSync(PCSCD_PIDFILE, { force: true });
}

export interface PcscdOptions {
  readonly binary: string;
  readonly confDir: string;
  readonly logPath: string;
  /**
   * `-a -d`: pcscd logs every APDU. Its output reaches the log file through `pipeRedactedLog`, which masks
   * the data of PIN-bearing commands.
   */
  readonly apduLog: boolean;
  readonly readyTimeoutMs?: number;
}

export interface PcscdProcess {
  readonly pid: number;
  readonly logPath: string;
  /** SIGTERM, wait (bounded), SIGKILL as a last resort; then removes a stale socket/pid file. */
  stop(): Promise<void>;
}

export function pcscdArgs(options: Pick<PcscdOptions, 'confDir' | 'apduLog'>): string[] {
  return ['--foreground', ...(options.apduLog ? ['--apdu', '--debug'] : []), '--config', options.confDir];
}

/** Starts pcscd in the foreground as our child; resolves once its socket accepts connections. */
export async function startPcscd(options: PcscdOptions): Promise<PcscdProcess> {
  // With APDU logging, pcscd's output goes through the redacting filter (its APDU log would otherwise hold PIN
  // blocks); without it, straight to the file, keeping the filter off the APDU path.
  let child: ChildProcess;
  let logged: Promise<void>;
  if (options.apduLog) {
    child = spawn(options.binary, pcscdArgs(options), { stdio: ['ignore', 'pipe', 'pipe'] });
    logged = pipeRedactedLog(options.logPath, [child.stdout!, child.stderr!]);
  } else {
    const fd = openSync(options.logPath, 'a', 0o600);
    try {
      child = spawn(options.binary, pcscdArgs(options), { stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
    logged = Promise.resolve();
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', () => undefined); // reported through `exit` / readiness below
  const deadline = Date.now() + (options.readyTimeoutMs ?? 10_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      throw new LabError('ERR_LAB_PCSCD_START', `pcscd exited at start (${child.exitCode ?? child.signalCode ?? 'spawn failed'}); see ${options.logPath}: ${logTail(options.logPath)}`);
    }
    if (await socketAnswers(PCSCD_SOCKET, 200)) break;
    if (Date.now() >= deadline) {
      await stopChild(child, exited);
      throw new LabError('ERR_LAB_PCSCD_START', `pcscd did not open ${PCSCD_SOCKET} within ${options.readyTimeoutMs ?? 10_000} ms; see ${options.logPath}`);
    }
    await Promise.race([delay(25), exited]);
  }
  const pid = child.pid;
  return {
    pid,
    logPath: options.logPath,
    async stop(): Promise<void> {
      await stopChild(child, exited);
      await logged;
      await removeStalePcscdFiles();
    },
  };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const inTime = await Promise.race([exited.then(() => true), delay(5000).then(() => false)]);
  if (inTime) return;
  child.kill('SIGKILL');
  const killed = await Promise.race([exited.then(() => true), delay(3000).then(() => false)]);
  if (!killed) throw new LabError('ERR_LAB_PCSCD_STOP', `pcscd (pid ${child.pid}) did not exit after SIGKILL`);
}

function logTail(file: string): string {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    return lines.slice(-3).join(' | ');
  } catch {
    return '(no log)';
  }
}
