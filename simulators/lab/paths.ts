import path from 'node:path';
import { repoRoot } from '../../fixtures/personas/index.js';

/** The repo root, found from the module's own location (works from source and from `dist/`). */
export { repoRoot };

/** `.lab/` of this checkout, or `T1C_LAB_DIR`. */
export function labDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env['T1C_LAB_DIR'];
  return override && override.length > 0 ? path.resolve(override) : path.join(repoRoot(), '.lab');
}

/** Every file the detached lab keeps in its directory. */
export interface LabFiles {
  readonly dir: string;
  readonly state: string;
  readonly controlSocket: string;
  readonly supervisorPid: string;
  readonly supervisorLog: string;
  readonly pcscdLog: string;
  /** Reader config for pcscd (`-c`); the name carries the `t1c-lab` marker used to spot stale pcscd. */
  readonly pcscdConfDir: string;
  readonly connectorDir: string;
  /** The lab's SoftHSM: its config and token directory, fresh per lab run. */
  readonly hsmDir: string;
  apduTrace(readerIndex: number): string;
}

export function labFiles(dir: string = labDir()): LabFiles {
  return {
    dir,
    state: path.join(dir, 'state.json'),
    controlSocket: path.join(dir, 'control.sock'),
    supervisorPid: path.join(dir, 'supervisor.pid'),
    supervisorLog: path.join(dir, 'supervisor.log'),
    pcscdLog: path.join(dir, 'pcscd.log'),
    pcscdConfDir: path.join(dir, 't1c-lab-reader.conf.d'),
    connectorDir: path.join(dir, 'connector'),
    hsmDir: path.join(dir, 'softhsm'),
    apduTrace: (readerIndex) => path.join(dir, `apdu-${readerIndex}.log`),
  };
}

/** A built entry point under `dist/`, e.g. `distEntry('simulators/lab/supervisor.js')`. */
export function distEntry(relative: string): string {
  return path.join(repoRoot(), 'dist', relative);
}
