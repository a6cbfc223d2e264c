import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync } from 'node:fs';
import { sendControl } from './control-client.js';
import { LabError } from './lab-error.js';
import type { CardSpec, LabSpec } from './lab-runtime.js';
import { cleanStaleLab } from './lab-cleanup.js';
import { distEntry, labDir, labFiles, repoRoot, type LabFiles } from './paths.js';
import { pcscPrerequisites } from './pcsc-hardware.js';
import { vpcdReaders } from './pcscd-config.js';
import { waitForExit, terminate } from './processes.js';
import type { Backend, LabState } from './state.js';
import { resolveProvider, type Provider } from './providers/index.js';
import { liveSupervisorPid } from './supervisor-pid.js';
import type { SupervisorMessage } from './supervisor.js';
import type { CardFault } from '../cards/fault-card.js';

/** The client side of the detached lab: what `t1c-lab lab …` and suites call. */

export const SUPERVISOR_ENTRY = 'simulators/lab/supervisor.js';

/**
 * pcsc when pcscd and the vpcd driver are installed (CONTRACTS.md) — and this user may run pcscd at all (root,
 * or a writable /run/pcscd) — else embedded.
 */
export function defaultBackend(): Backend {
  const { pcscd, vpcd, mayRun } = pcscPrerequisites();
  return pcscd && vpcd && mayRun ? 'pcsc' : 'embedded';
}

export interface UpOptions {
  readonly backend?: Backend;
  /** Where pcscd runs: `local` (default) or `containers` (falls back to local, saying so, without Docker). */
  readonly provider?: Provider;
  readonly cards?: readonly CardSpec[];
  /** Reader count (default: 2, or one per card; pcsc rounds up to even, at most 16). */
  readonly readers?: number;
  /** Start the connector (default true; false is `--no-connector`). */
  readonly connector?: boolean;
  /** Replace a live lab instead of refusing. */
  readonly replace?: boolean;
  readonly apduLog?: boolean;
  /** Provision the SoftHSM tokens (default true; false is `--no-tokens`). */
  readonly tokens?: boolean;
  /** Serve the lab console and its demo application from the start (`--console`). */
  readonly console?: boolean;
  /** Lab directory (default `.lab/` or T1C_LAB_DIR). */
  readonly dir?: string;
  /**
   * A user's long-lived lab (the CLI's `lab up`): PC/SC test labs then refuse instead of queueing behind it.
   * Default false: a lab started by a program for one run (a suite's global setup, certify) that test labs wait for.
   */
  readonly interactive?: boolean;
  /**
   * The lab ends when the process that started it ends, however it ends (a killed test run must not leave a lab
   * holding the machine's pcscd). For labs a program starts for one run of its own: a suite's global setup, the
   * load runner, a test. Not for the CLI's `lab up`, whose process exits as soon as the lab is up.
   */
  readonly boundToCaller?: boolean;
  /** How long to wait for the supervisor to be ready (it may queue on the pcscd lock). */
  readonly readyTimeoutMs?: number;
  readonly onNote?: (line: string) => void;
}

function filesFor(dir?: string): LabFiles {
  return labFiles(dir ?? labDir());
}

/** Starts a detached supervisor and resolves with the state once every card is seen by its reader. */
export async function labUp(options: UpOptions = {}): Promise<LabState> {
  const files = filesFor(options.dir);
  const note = options.onNote ?? (() => undefined);
  const live = liveSupervisorPid(files);
  if (live !== null) {
    if (!options.replace) throw new LabError('ERR_LAB_ALREADY_UP', `a lab is already up (supervisor pid ${live}, ${files.dir}); use --replace, or \`t1c-lab lab down\` first`);
    note(`replacing the lab of supervisor ${live}`);
    await labDown(files.dir);
  }
  for (const what of await cleanStaleLab(files)) note(`cleaned leftover: ${what}`);

  const cards = options.cards ?? [];
  const provider = await resolveProvider(options.provider, note);
  if (provider === 'containers' && options.backend === 'embedded') throw new LabError('ERR_LAB_CONTAINERS', 'the containers provider runs pcscd: it goes with --backend pcsc, not embedded');
  const spec: LabSpec = {
    backend: options.backend ?? (provider === 'containers' ? 'pcsc' : defaultBackend()),
    ...(provider === 'containers' ? { provider } : {}),
    cards,
    readers: options.readers ?? Math.max(2, cards.length),
    connector: options.connector ?? true,
    apduLog: options.apduLog ?? true,
    tokens: options.tokens ?? true,
    ...(options.console ? { console: true } : {}),
    interactive: options.interactive ?? false,
    ...(options.boundToCaller ? { boundToCaller: true } : {}),
  };
  if (spec.readers < cards.length) throw new LabError('ERR_LAB_READER_INVALID', `${cards.length} cards need at least ${cards.length} readers, not ${spec.readers}`);
  if (spec.backend === 'pcsc') vpcdReaders(spec.readers);
  const entry = distEntry(SUPERVISOR_ENTRY);
  if (!existsSync(entry)) throw new LabError('ERR_LAB_SUPERVISOR', `${entry} is missing: run npm run build`);

  mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const log = openSync(files.supervisorLog, 'a', 0o600);
  const child = spawn(process.execPath, [entry, '--spec', JSON.stringify(spec)], {
    cwd: repoRoot(),
    detached: true,
    stdio: ['ignore', log, log, 'ipc'],
    env: { ...process.env, T1C_LAB_DIR: files.dir },
  });
  closeSync(log);
  try {
    return await supervisorReady(child, options.readyTimeoutMs ?? 180_000, files);
  } finally {
    // A bound lab keeps the IPC channel: its closing (this process ending) is what stops the supervisor. The
    // channel must not keep this process alive, though.
    if (spec.boundToCaller) child.channel?.unref();
    else if (child.connected) child.disconnect();
    child.unref();
  }
}

function supervisorReady(child: ReturnType<typeof spawn>, timeoutMs: number, files: LabFiles): Promise<LabState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new LabError('ERR_LAB_SUPERVISOR', `the lab supervisor was not ready within ${timeoutMs} ms; see ${files.supervisorLog}`));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      child.removeAllListeners('message');
      child.removeAllListeners('exit');
    };
    child.on('message', (message: SupervisorMessage) => {
      done();
      if (message.event === 'ready') resolve(message.state);
      else reject(new LabError(message.code as LabError['code'], message.message));
    });
    child.once('exit', (code, signal) => {
      done();
      reject(new LabError('ERR_LAB_SUPERVISOR', `the lab supervisor exited before it was ready (${code ?? signal}); see ${files.supervisorLog}`));
    });
  });
}

export function labStatus(dir?: string): Promise<LabState> {
  return sendControl(filesFor(dir).controlSocket, { op: 'status' });
}

export function labInsert(card: CardSpec, reader?: number, dir?: string): Promise<LabState> {
  return sendControl(filesFor(dir).controlSocket, { op: 'insert', profile: card.profile, persona: card.persona, ...(reader === undefined ? {} : { reader }) });
}

export function labRemove(reader: number, dir?: string): Promise<LabState> {
  return sendControl(filesFor(dir).controlSocket, { op: 'remove', reader });
}

/** Puts a fault on the card in `reader` (simulators/lab/faults.ts). */
export function labFault(reader: number, fault: CardFault, dir?: string): Promise<LabState> {
  return sendControl(filesFor(dir).controlSocket, { op: 'fault', reader, fault });
}

/** Unplugs an embedded reader (its card stays in it); resolves once the connector no longer lists it. */
export function labUnplug(reader: number, dir?: string): Promise<LabState> {
  return sendControl(filesFor(dir).controlSocket, { op: 'unplug', reader });
}

/** Plugs an unplugged embedded reader back in; resolves once the connector lists it again, with its card. */
export function labPlug(reader: number, dir?: string): Promise<LabState> {
  return sendControl(filesFor(dir).controlSocket, { op: 'plug', reader });
}

/** Starts the lab console (and its demo) on the running lab, once; the state's `console` says where. */
export function labConsole(dir?: string): Promise<LabState> {
  return sendControl(filesFor(dir).controlSocket, { op: 'console' });
}

/** Stops and restarts the lab's pcscd (pcsc backend); resolves once its readers are back. */
export function labRestartPcscd(dir?: string): Promise<LabState> {
  return sendControl(filesFor(dir).controlSocket, { op: 'pcscd-restart' });
}

export interface DownResult {
  /** The supervisor that was stopped, or null when no lab was up. */
  readonly stoppedPid: number | null;
  /** Leftovers of a dead lab that were cleaned. */
  readonly cleaned: readonly string[];
}

/** Stops the lab (gracefully through the control socket, SIGTERM/SIGKILL if it does not answer) and cleans leftovers. */
export async function labDown(dir?: string): Promise<DownResult> {
  const files = filesFor(dir);
  const pid = liveSupervisorPid(files);
  if (pid !== null) {
    try {
      await sendControl(files.controlSocket, { op: 'down' });
    } catch {
      await terminate(pid, 20_000);
    }
    if (!(await waitForExit(pid, 10_000))) await terminate(pid);
  }
  const cleaned = await cleanStaleLab(files);
  return { stoppedPid: pid, cleaned };
}
